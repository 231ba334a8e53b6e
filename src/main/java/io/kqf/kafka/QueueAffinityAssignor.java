package io.kqf.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.TopicPartition;

/**
 * A cooperative assignor that gives every partition of one queue's topics (its priority lanes,
 * its selector views: every topic of one {@link TopicNames#stemOf stem}) to the same member.
 *
 * <p>Why: a queue's answers (priority order across lanes, stat, the worker list, an ack of any
 * lane) are exact only where all its lanes are. With whole queues per node, a request for a queue
 * goes to one owner, which answers exactly as a lone node does, and queues still spread over the
 * nodes. The assignment is sticky (a queue stays with its owner while that owner is within its
 * fair share, {@code ceil(queues / members)}), the rest go to the least loaded member.
 *
 * <p>Cooperative: a partition that moves is only taken from its old owner in this round, and
 * given to its new one in the next (the old owner's revocation triggers it), so no partition is
 * ever owned twice and members keep serving everything else through a rebalance.
 */
public final class QueueAffinityAssignor implements ConsumerPartitionAssignor {
    public static final String NAME = "kqf-queue-affinity";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<RebalanceProtocol> supportedProtocols() {
        return List.of(RebalanceProtocol.COOPERATIVE);
    }

    @Override
    public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
        Map<String, Subscription> members = new TreeMap<>(Comparator.comparing((String m) -> memberKey(m,
                groupSubscription.groupSubscription().get(m))).thenComparing(m -> m));
        members.putAll(groupSubscription.groupSubscription());

        Map<String, List<TopicPartition>> byStem = new TreeMap<>();
        Map<TopicPartition, String> ownerOf = new HashMap<>();
        Set<String> topics = new HashSet<>();
        members.forEach((member, subscription) -> {
            topics.addAll(subscription.topics());
            subscription.ownedPartitions().forEach(tp -> ownerOf.putIfAbsent(tp, member));
        });
        for (String topic : topics) {
            Integer partitions = metadata.partitionCountForTopic(topic);
            for (int p = 0; partitions != null && p < partitions; p++) {
                byStem.computeIfAbsent(TopicNames.stemOf(topic), s -> new ArrayList<>()).add(new TopicPartition(topic, p));
            }
        }

        Map<String, String> chosen = choose(members, byStem, ownerOf);
        Map<String, List<TopicPartition>> assigned = new HashMap<>();
        members.keySet().forEach(member -> assigned.put(member, new ArrayList<>()));
        byStem.forEach((stem, partitions) -> {
            String target = chosen.get(stem);
            for (TopicPartition tp : partitions) {
                String owner = ownerOf.get(tp);
                boolean heldElsewhere = owner != null && !owner.equals(target);
                // Withheld while another member still owns it, or while the target has not yet
                // subscribed to the topic (its subscription change triggers the next round).
                if (target != null && !heldElsewhere && members.get(target).topics().contains(tp.topic())) {
                    assigned.get(target).add(tp);
                }
            }
        });
        Map<String, Assignment> result = new HashMap<>();
        assigned.forEach((member, partitions) -> result.put(member, new Assignment(partitions)));
        return new GroupAssignment(result);
    }

    /** The member each stem goes to: its current owner while within the fair share, else the least loaded. */
    private static Map<String, String> choose(Map<String, Subscription> members, Map<String, List<TopicPartition>> byStem,
                                              Map<TopicPartition, String> ownerOf) {
        int fairShare = members.isEmpty() ? 0 : (byStem.size() + members.size() - 1) / members.size();
        Map<String, Integer> load = new HashMap<>();
        members.keySet().forEach(member -> load.put(member, 0));
        Map<String, String> chosen = new HashMap<>();
        List<String> unplaced = new ArrayList<>();
        byStem.forEach((stem, partitions) -> {
            String current = currentOwner(partitions, ownerOf, members);
            if (current != null && load.get(current) < fairShare) {
                chosen.put(stem, current);
                load.merge(current, 1, Integer::sum);
            } else {
                unplaced.add(stem);
            }
        });
        // Spread by hash, not by name order, so queues named alike do not all land together.
        unplaced.sort(Comparator.comparingLong(QueueAffinityAssignor::hash).thenComparing(s -> s));
        for (String stem : unplaced) {
            String best = null;
            for (Map.Entry<String, Subscription> member : members.entrySet()) {
                if (!subscribesToAny(member.getValue(), byStem.get(stem))) {
                    continue;
                }
                if (best == null || load.get(member.getKey()) < load.get(best)) {
                    best = member.getKey();
                }
            }
            if (best != null) {
                chosen.put(stem, best);
                load.merge(best, 1, Integer::sum);
            }
        }
        return chosen;
    }

    /** The member that owns most of a stem's partitions now, if it is still in the group and subscribed. */
    private static String currentOwner(List<TopicPartition> partitions, Map<TopicPartition, String> ownerOf,
                                       Map<String, Subscription> members) {
        Map<String, Integer> owned = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            String owner = ownerOf.get(tp);
            if (owner != null && members.containsKey(owner) && members.get(owner).topics().contains(tp.topic())) {
                owned.merge(owner, 1, Integer::sum);
            }
        }
        return owned.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    private static boolean subscribesToAny(Subscription subscription, List<TopicPartition> partitions) {
        return partitions.stream().anyMatch(tp -> subscription.topics().contains(tp.topic()));
    }

    /** Static members sort by their instance id (stable across restarts), others by member id. */
    private static String memberKey(String memberId, Subscription subscription) {
        return subscription.groupInstanceId().orElse(memberId);
    }

    private static long hash(String stem) {
        CRC32 crc = new CRC32();
        crc.update(stem.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
