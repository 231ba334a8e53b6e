package io.kqf.engine;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.kqf.kafka.KafkaClients;
import io.kqf.kafka.RecordWriter;
import io.kqf.kafka.TopicAdmin;
import io.kqf.kafka.TopicTail;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes of this node's cluster (its consumer group) on this Kafka, as each announces itself in the compacted {@code _kqf.nodes}
 * topic (key = node id): its internal URL and the lanes it serves, with their ready counts. A node
 * announces itself every second once it knows its URL ({@link #advertise}); an announcement holds
 * for the group's session timeout, so a node that dies drops out within it, and a clean stop
 * writes a tombstone at once. Every node tails the topic. This is what forwarding to a
 * partition's owner, and cluster-wide counts, are built on; announcing never blocks a request.
 */
final class NodeDirectory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeDirectory.class);
    private static final Duration ANNOUNCE_EVERY = Duration.ofSeconds(1);
    /** How often the announcer looks whether this node's assignment moved (then it announces at once). */
    private static final long CHECK_EVERY_MILLIS = 50;
    /** The consumer group's session timeout: past it, the group gives a silent node's partitions away too. */
    static final Duration VALID_FOR = Duration.ofSeconds(10);
    private static final long TOMBSTONE_WAIT_SECONDS = 5;

    private final String nodeId;
    private final String groupId;
    private final RecordWriter writer;
    private final String topic;
    private final QueueRegistry registry;
    private final Clock clock;
    private final Map<String, NodeAnnouncement> nodes = new ConcurrentHashMap<>();
    /** Queue stem (lane-0 topic) → the node that last said it serves it: who a request is forwarded to. */
    private final Map<String, NodeAnnouncement> byStem = new ConcurrentHashMap<>();
    private final java.util.function.LongSupplier assignmentChanges;
    /** Notified on every applied announcement, for requests waiting to learn a queue's owner. */
    private final Object changes = new Object();
    private long announcedChanges = -1;
    private long announcedAtNanos;
    private final ScheduledExecutorService announcer;
    private volatile String url;
    private volatile String taskPrefix = "";
    private TopicTail tail;

    private NodeDirectory(String nodeId, String groupId, RecordWriter writer, String topic, QueueRegistry registry,
                          Clock clock, java.util.function.LongSupplier assignmentChanges) {
        this.assignmentChanges = assignmentChanges;
        this.nodeId = nodeId;
        this.groupId = groupId;
        this.writer = writer;
        this.topic = topic;
        this.registry = registry;
        this.clock = clock;
        this.announcer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("kqf-node-announcer"));
    }

    /** Creates the topic if missing, reads every node's last announcement, then tails them. Blocks on Kafka. */
    static NodeDirectory start(KafkaClients clients, TopicAdmin admin, RecordWriter writer, String topic, String nodeId,
                               String groupId, QueueRegistry registry, Clock clock, Duration timeout,
                               java.util.function.LongSupplier assignmentChanges) {
        admin.ensureCompacted(topic);
        NodeDirectory directory = new NodeDirectory(nodeId, groupId, writer, topic, registry, clock, assignmentChanges);
        directory.tail = TopicTail.replay(clients, "kqf-nodes-tail", new TopicPartition(topic, 0), timeout,
                (records, live) -> directory.apply(records));
        directory.announcer.scheduleWithFixedDelay(directory::announceIfDue, CHECK_EVERY_MILLIS, CHECK_EVERY_MILLIS,
                TimeUnit.MILLISECONDS);
        return directory;
    }

    /** This node's internal URL, known once HTTP serves: announcing starts now. */
    void advertise(String baseUrl, String taskPrefix) {
        this.taskPrefix = taskPrefix;
        this.url = baseUrl;
        announcer.execute(this::announce);
    }

    private void apply(List<ConsumerRecord<byte[], byte[]>> records) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (record.key() == null) {
                continue;
            }
            String node = new String(record.key(), StandardCharsets.UTF_8);
            Optional<NodeAnnouncement> said = NodeAnnouncement.decode(node, record.value());
            NodeAnnouncement before = said.isPresent() ? nodes.put(node, said.get()) : nodes.remove(node);
            if (before != null) {
                before.lanes().keySet().forEach(tp -> byStem.remove(io.kqf.kafka.TopicNames.stemOf(tp.topic()), before));
            }
            said.ifPresent(now -> now.lanes().keySet().forEach(tp -> byStem.put(
                    io.kqf.kafka.TopicNames.stemOf(tp.topic()), now)));
        }
        synchronized (changes) {
            changes.notifyAll();
        }
    }

    /** Announces when this node's assignment moved since the last announcement, or a second passed. */
    private void announceIfDue() {
        long moved = assignmentChanges.getAsLong();
        if (moved != announcedChanges || System.nanoTime() - announcedAtNanos >= ANNOUNCE_EVERY.toNanos()) {
            announcedChanges = moved;
            announcedAtNanos = System.nanoTime();
            announce();
        }
    }

    private void announce() {
        String baseUrl = url;
        if (baseUrl == null) {
            return;
        }
        try {
            NodeAnnouncement mine = new NodeAnnouncement(nodeId, groupId, baseUrl, clock.millis(), VALID_FOR.toMillis(),
                    taskPrefix, servedLanes());
            writer.send(topic, key(), mine.encode(), Map.of()).exceptionally(e -> {
                log.warn("node announcement not written ({}); other nodes may drop this one", e.toString());
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("node announcement failed: {}", e.toString());
        }
    }

    /** The lanes this node serves now, with their ready counts (each queue's monitor, briefly). */
    private Map<PartitionRef, Long> servedLanes() {
        Map<PartitionRef, Long> lanes = new LinkedHashMap<>();
        for (QueueState queue : registry.all()) {
            synchronized (queue) {
                for (Lane lane : queue.allLanes()) {
                    if (lane.loaded()) {
                        lanes.put(lane.tp, lane.ready());
                    }
                }
            }
        }
        return lanes;
    }

    /** The live announcements of this node's group (its cluster), this node's included, newest first. */
    List<NodeAnnouncement> live() {
        long now = clock.millis();
        List<NodeAnnouncement> live = new ArrayList<>();
        for (NodeAnnouncement one : nodes.values()) {
            if (one.liveAt(now) && one.group().equals(groupId)) {
                live.add(one);
            }
        }
        live.sort(Comparator.comparingLong(NodeAnnouncement::announcedAt).reversed());
        return live;
    }

    /** Another live node that says it serves {@code lane}, the latest to say so; empty if none does. */
    Optional<NodeAnnouncement> otherOwnerOf(PartitionRef lane) {
        return live().stream().filter(n -> !n.node().equals(nodeId) && n.lanes().containsKey(lane)).findFirst();
    }

    /**
     * The live node other than this one that last said it serves a lane of the queue whose lane-0
     * topic is {@code stem}; empty if none does.
     */
    Optional<NodeAnnouncement> otherServerOf(String stem) {
        NodeAnnouncement said = byStem.get(stem);
        if (said == null || said.node().equals(nodeId) || !said.group().equals(groupId) || !said.liveAt(clock.millis())) {
            return Optional.empty();
        }
        return Optional.of(said);
    }

    /** The live node other than this one whose RPC task tokens start as {@code token} does; empty if none. */
    Optional<NodeAnnouncement> issuerOf(String token) {
        return live().stream().filter(n -> !n.node().equals(nodeId) && !n.taskPrefix().isEmpty()
                && token.startsWith(n.taskPrefix())).findFirst();
    }

    /**
     * The live node of this cluster that push queue {@code queue} lives on: the highest of
     * hash(node, queue) (rendezvous hashing, so a node that comes or goes moves only its share).
     * This node when it is alone or not announced yet.
     */
    NodeAnnouncement pushHomeOf(String queue) {
        NodeAnnouncement best = null;
        long bestScore = Long.MIN_VALUE;
        for (NodeAnnouncement node : live()) {
            long score = rendezvous(node.node(), queue);
            if (best == null || score > bestScore || (score == bestScore && node.node().compareTo(best.node()) < 0)) {
                best = node;
                bestScore = score;
            }
        }
        return best;
    }

    private static long rendezvous(String node, String queue) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update((node + "\u0000" + queue).getBytes(StandardCharsets.UTF_8));
        long h = crc.getValue() * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }

    /** Changes whenever a node of this cluster comes or goes (what a push queue's home depends on). */
    long membership() {
        long hash = 1;
        for (NodeAnnouncement node : live()) {
            hash = 31 * hash + node.node().hashCode();
        }
        return hash;
    }

    /** Whether another node of this cluster is live now (then other nodes may write to this node's lanes). */
    boolean othersLive() {
        long now = clock.millis();
        for (NodeAnnouncement one : nodes.values()) {
            if (!one.node().equals(nodeId) && one.group().equals(groupId) && one.liveAt(now)) {
                return true;
            }
        }
        return false;
    }

    String nodeId() {
        return nodeId;
    }

    /** Waits up to {@code millis} for the next announcement of any node. */
    void awaitAnnouncement(long millis) throws InterruptedException {
        synchronized (changes) {
            changes.wait(Math.max(1, millis));
        }
    }

    private byte[] key() {
        return nodeId.getBytes(StandardCharsets.UTF_8);
    }

    /** Stops announcing and says so (a tombstone), so other nodes drop this one at once, not after VALID_FOR. */
    @Override
    public void close() {
        announcer.shutdownNow();
        if (url != null) {
            try {
                writer.send(topic, key(), null, Map.of()).get(TOMBSTONE_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("node tombstone not written ({}); other nodes drop this one within {}", e.toString(), VALID_FOR);
            }
        }
        tail.close();
    }
}
