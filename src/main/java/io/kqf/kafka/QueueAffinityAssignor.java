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
 * <p>Which queues a member over its share gives up: the ones it was given last. Each member
 * lists in its subscription the queues it took in the last {@link #RECENT}, with how long it has
 * held each (the assignor instance of a member sees its own assignments); queues claim places
 * within their owner's fair share longest-held first. A member is over its share mostly after a burst of new queues that the
 * other members had not subscribed to yet; taking the excess from the queues it serves longest
 * (in name order, before) moved busy queues and paused them while thousands were created.
 *
 * <p>Cooperative: a partition that moves is only taken from its old owner in this round, and
 * given to its new one in the next (the old owner's revocation triggers it), so no partition is
 * ever owned twice and members keep serving everything else through a rebalance.
 */
public final class QueueAffinityAssignor implements ConsumerPartitionAssignor {
    public static final String NAME = "kqf-queue-affinity";
    static final java.time.Duration RECENT = java.time.Duration.ofSeconds(60);
    /** Bounds a member's subscription: a larger burst lists its latest queues only. */
    private static final int MAX_RECENT_LISTED = 5000;
    private static final byte USER_DATA_VERSION = 1;

    /** This member's stems and when it was given each (System.nanoTime); the member's own instance. */
    private final Map<String, Long> heldSince = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.function.LongSupplier nanoClock;

    public QueueAffinityAssignor() {
        this(System::nanoTime);
    }

    QueueAffinityAssignor(java.util.function.LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    @Override
    public void onAssignment(Assignment assignment, org.apache.kafka.clients.consumer.ConsumerGroupMetadata metadata) {
        Set<String> stems = new HashSet<>();
        assignment.partitions().forEach(tp -> stems.add(TopicNames.stemOf(tp.topic())));
        heldSince.keySet().retainAll(stems);
        long now = nanoClock.getAsLong();
        stems.forEach(stem -> heldSince.putIfAbsent(stem, now));
    }

    @Override
    public java.nio.ByteBuffer subscriptionUserData(Set<String> topics) {
        long now = nanoClock.getAsLong();
        StringBuilder listed = new StringBuilder();
        heldSince.entrySet().stream().filter(e -> now - e.getValue() < RECENT.toNanos())
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(MAX_RECENT_LISTED)
                .forEach(e -> listed.append(e.getKey()).append('\t').append((now - e.getValue()) / 1_000_000).append('\n'));
        byte[] bytes = listed.toString().getBytes(StandardCharsets.UTF_8);
        return java.nio.ByteBuffer.allocate(1 + bytes.length).put(USER_DATA_VERSION).put(bytes).flip();
    }

    /**
     * The stems a member says it was given lately, each with how long it has held it in
     * milliseconds (none from a member of another version: then only name order counts).
     */
    static Map<String, Long> recentOf(Subscription subscription) {
        java.nio.ByteBuffer data = subscription.userData();
        Map<String, Long> recent = new HashMap<>();
        if (data == null || data.remaining() < 1) {
            return recent;
        }
        java.nio.ByteBuffer copy = data.duplicate();
        if (copy.get() != USER_DATA_VERSION) {
            return recent;
        }
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            int tab = line.lastIndexOf('\t');
            if (tab > 0) {
                try {
                    recent.put(line.substring(0, tab), Long.parseLong(line.substring(tab + 1)));
                } catch (NumberFormatException e) {
                    // not ours: ignore the line
                }
            }
        }
        return recent;
    }

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
        // Subscriptions list their topics: with thousands of queues, a contains() on that list per
        // partition made a rebalance quadratic. Each member's topics as a set, once.
        Map<String, Set<String>> subscribed = new java.util.LinkedHashMap<>(); // in the members' order
        Map<String, Long> recent = new HashMap<>(); // stem -> ms held, for stems held less than RECENT
        members.forEach((member, subscription) -> {
            recent.putAll(recentOf(subscription));
            Set<String> own = new HashSet<>(subscription.topics());
            subscribed.put(member, own);
            topics.addAll(own);
            subscription.ownedPartitions().forEach(tp -> ownerOf.putIfAbsent(tp, member));
        });
        for (String topic : topics) {
            Integer partitions = metadata.partitionCountForTopic(topic);
            for (int p = 0; partitions != null && p < partitions; p++) {
                byStem.computeIfAbsent(TopicNames.stemOf(topic), s -> new ArrayList<>()).add(new TopicPartition(topic, p));
            }
        }

        Map<String, String> chosen = choose(subscribed, byStem, ownerOf, recent);
        Map<String, List<TopicPartition>> assigned = new HashMap<>();
        subscribed.keySet().forEach(member -> assigned.put(member, new ArrayList<>()));
        byStem.forEach((stem, partitions) -> {
            String target = chosen.get(stem);
            for (TopicPartition tp : partitions) {
                String owner = ownerOf.get(tp);
                boolean heldElsewhere = owner != null && !owner.equals(target);
                // Withheld while another member still owns it, or while the target has not yet
                // subscribed to the topic (its subscription change triggers the next round).
                if (target != null && !heldElsewhere && subscribed.get(target).contains(tp.topic())) {
                    assigned.get(target).add(tp);
                }
            }
        });
        Map<String, Assignment> result = new HashMap<>();
        assigned.forEach((member, partitions) -> result.put(member, new Assignment(partitions)));
        return new GroupAssignment(result);
    }

    /** The member each stem goes to: its current owner while within the fair share, else the least loaded. */
    private static Map<String, String> choose(Map<String, Set<String>> members, Map<String, List<TopicPartition>> byStem,
                                              Map<TopicPartition, String> ownerOf, Map<String, Long> recent) {
        int fairShare = members.isEmpty() ? 0 : (byStem.size() + members.size() - 1) / members.size();
        Map<String, Integer> load = new HashMap<>();
        members.keySet().forEach(member -> load.put(member, 0));
        Map<String, String> chosen = new HashMap<>();
        List<String> unplaced = new ArrayList<>();
        // Queues held longer claim their owner's share first (those held for more than RECENT are
        // not listed: longest of all), the ones taken lately after them.
        List<String> byTenure = new ArrayList<>(byStem.keySet());
        byTenure.sort(Comparator.comparingLong(stem -> -recent.getOrDefault(stem, Long.MAX_VALUE)));
        for (String stem : byTenure) {
            String current = currentOwner(byStem.get(stem), ownerOf, members);
            if (current != null && load.get(current) < fairShare) {
                chosen.put(stem, current);
                load.merge(current, 1, Integer::sum);
            } else {
                unplaced.add(stem);
            }
        }
        // Spread by hash, not by name order, so queues named alike do not all land together.
        unplaced.sort(Comparator.comparingLong(QueueAffinityAssignor::hash).thenComparing(s -> s));
        for (String stem : unplaced) {
            String best = null;
            for (Map.Entry<String, Set<String>> member : members.entrySet()) {
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
                                       Map<String, Set<String>> members) {
        Map<String, Integer> owned = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            String owner = ownerOf.get(tp);
            if (owner != null && members.containsKey(owner) && members.get(owner).contains(tp.topic())) {
                owned.merge(owner, 1, Integer::sum);
            }
        }
        return owned.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    private static boolean subscribesToAny(Set<String> topics, List<TopicPartition> partitions) {
        return partitions.stream().anyMatch(tp -> topics.contains(tp.topic()));
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
