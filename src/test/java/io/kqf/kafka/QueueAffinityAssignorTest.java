package io.kqf.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The assignment itself (a pure function of the members' subscriptions and the topics' partitions). */
class QueueAffinityAssignorTest {
    private static final Node BROKER = new Node(1, "localhost", 9092);
    private final QueueAffinityAssignor assignor = new QueueAffinityAssignor();

    /** Queues q0..q{n-1}, each with lanes 0..2 (q, q.__p1, q.__p2), one partition each. */
    private static List<String> topics(int queues) {
        List<String> topics = new ArrayList<>();
        for (int q = 0; q < queues; q++) {
            topics.addAll(List.of("q" + q, "q" + q + ".__p1", "q" + q + ".__p2"));
        }
        return topics;
    }

    private static Cluster cluster(List<String> topics) {
        List<PartitionInfo> partitions = new ArrayList<>();
        topics.forEach(t -> partitions.add(new PartitionInfo(t, 0, BROKER, new Node[] {BROKER}, new Node[] {BROKER})));
        return new Cluster("c", List.of(BROKER), partitions, Set.of(), Set.of());
    }

    private static Subscription member(String id, List<String> topics, List<TopicPartition> owned) {
        Subscription subscription = new Subscription(topics, null, owned);
        subscription.setGroupInstanceId(Optional.of(id));
        return subscription;
    }

    private Map<String, List<TopicPartition>> assign(List<String> topics, Map<String, List<TopicPartition>> owned) {
        Map<String, Subscription> members = new HashMap<>();
        owned.forEach((member, partitions) -> members.put(member, member(member, topics, partitions)));
        Map<String, List<TopicPartition>> result = new HashMap<>();
        assignor.assign(cluster(topics), new GroupSubscription(members)).groupAssignment()
                .forEach((member, assignment) -> result.put(member, assignment.partitions()));
        return result;
    }

    private static Map<String, String> queueOwners(Map<String, List<TopicPartition>> assignment) {
        Map<String, String> owners = new HashMap<>();
        assignment.forEach((member, partitions) -> partitions.forEach(tp -> {
            String previous = owners.put(TopicNames.stemOf(tp.topic()), member);
            assertTrue(previous == null || previous.equals(member), "one queue on one member: " + tp);
        }));
        return owners;
    }

    @Test
    void every_lane_of_a_queue_goes_to_one_member_and_queues_spread_evenly() {
        List<String> topics = topics(9);
        Map<String, List<TopicPartition>> assignment = assign(topics, Map.of("a", List.of(), "b", List.of(), "c", List.of()));
        Map<String, String> owners = queueOwners(assignment);
        assertEquals(9, owners.size(), "every queue is given out");
        for (String member : List.of("a", "b", "c")) {
            assertEquals(9, assignment.get(member).size(), member + ": 3 queues of 3 lanes");
        }
    }

    @Test
    void a_joining_member_takes_only_the_excess_and_nothing_is_given_while_another_still_owns_it() {
        List<String> topics = topics(6);
        Map<String, List<TopicPartition>> first = assign(topics, Map.of("a", List.of(), "b", List.of()));
        Map<String, List<TopicPartition>> owned = new HashMap<>(first);
        owned.put("c", List.of());
        Map<String, List<TopicPartition>> second = assign(topics, owned);
        // Nobody keeps more than the fair share (2 queues), and nobody is given a partition another still owns.
        for (String member : List.of("a", "b")) {
            assertTrue(first.get(member).containsAll(second.get(member)), member + " only gives up, never takes");
            assertEquals(6, second.get(member).size(), member + " keeps 2 queues");
        }
        assertEquals(List.of(), second.get("c"), "c waits for the revocations before it is given anything");

        // Next round, after a and b revoked: c gets exactly what they gave up.
        Map<String, List<TopicPartition>> revoked = new HashMap<>(second);
        Map<String, List<TopicPartition>> third = assign(topics, revoked);
        Set<TopicPartition> givenUp = new HashSet<>();
        for (String member : List.of("a", "b")) {
            givenUp.addAll(first.get(member));
            second.get(member).forEach(givenUp::remove);
            assertEquals(new HashSet<>(second.get(member)), new HashSet<>(third.get(member)), member + " is left alone");
        }
        assertEquals(givenUp, new HashSet<>(third.get("c")));
        assertEquals(6, queueOwners(third).size());
    }

    @Test
    void a_new_queue_is_given_out_without_moving_the_others() {
        List<String> before = topics(4);
        Map<String, List<TopicPartition>> first = assign(before, Map.of("a", List.of(), "b", List.of()));
        Map<String, List<TopicPartition>> second = assign(topics(5), first);
        for (String member : List.of("a", "b")) {
            assertTrue(second.get(member).containsAll(first.get(member)), member + " keeps every queue it had");
        }
        assertEquals(5, queueOwners(second).size());
    }

    @Test
    void a_member_over_its_share_gives_up_the_queues_it_was_given_lately_not_the_one_it_held_longest() {
        // Member a was given q1..q3 a moment ago (b had not subscribed to them yet); it has held q0
        // (named last on purpose: name order alone made it the one to move) for long.
        long[] now = {0};
        QueueAffinityAssignor memberA = new QueueAffinityAssignor(() -> now[0]);
        List<String> held = List.of("z0", "z0.__p1");
        memberA.onAssignment(new Assignment(List.of(new TopicPartition("z0", 0), new TopicPartition("z0.__p1", 0))), null);
        now[0] = QueueAffinityAssignor.RECENT.toNanos() + 1;
        List<TopicPartition> owned = new ArrayList<>(List.of(new TopicPartition("z0", 0), new TopicPartition("z0.__p1", 0)));
        List<String> topics = new ArrayList<>(held);
        for (String q : List.of("q1", "q2", "q3")) {
            topics.add(q);
            owned.add(new TopicPartition(q, 0));
        }
        memberA.onAssignment(new Assignment(owned), null);

        Subscription a = new Subscription(topics, memberA.subscriptionUserData(Set.copyOf(topics)), owned);
        a.setGroupInstanceId(Optional.of("a"));
        Subscription b = member("b", topics, List.of());
        Map<String, List<TopicPartition>> assignment = new HashMap<>();
        assignor.assign(cluster(topics), new GroupSubscription(Map.of("a", a, "b", b))).groupAssignment()
                .forEach((member, given) -> assignment.put(member, given.partitions()));

        assertEquals(Set.of("q1", "q2", "q3"), QueueAffinityAssignor.recentOf(a).keySet());
        assertTrue(assignment.get("a").containsAll(List.of(new TopicPartition("z0", 0), new TopicPartition("z0.__p1", 0))),
                "the queue held longest stays: " + assignment);
        assertEquals(3, assignment.get("a").size(), "a keeps its fair share of 2 queues (z0's 2 lanes and one new queue)");
    }

    @Test
    void a_member_without_user_data_lists_no_recent_queues() {
        assertEquals(Map.of(), QueueAffinityAssignor.recentOf(member("old", List.of("q0"), List.of())));
    }
}
