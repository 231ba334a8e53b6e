package io.kqf.kafka;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Creates every Kafka client of a node from one base configuration (bootstrap servers plus every
 * pass-through {@code kafka.*} setting, e.g. SASL/TLS), so no client is ever created without it.
 */
public final class KafkaClients {
    private final Map<String, Object> base;
    private final int maxRecordBytes;

    /**
     * @param passThrough user-supplied client properties; they win over the facade's own choices
     * @param maxRecordBytes largest value the facade produces or must fetch
     */
    public KafkaClients(String bootstrapServers, Map<String, String> passThrough, int maxRecordBytes) {
        this(bootstrapServers, passThrough, maxRecordBytes, Map.of());
    }

    /**
     * @param facadeProperties the facade's own additions to every client (a metrics reporter and
     *                         the object it reports to); the user's pass-through still wins
     */
    public KafkaClients(String bootstrapServers, Map<String, String> passThrough, int maxRecordBytes,
                        Map<String, Object> facadeProperties) {
        Map<String, Object> props = new HashMap<>();
        // Clients keep metrics per topic and partition, registered in JMX and prepared for push
        // telemetry: with 10,000 queues that was ~300 MB of heap (measured, QueuesHeapBench). Off by
        // default; kafka.metric.reporters / kafka.enable.metrics.push turn them back on.
        props.put("metric.reporters", "");
        props.put("enable.metrics.push", false);
        props.putAll(facadeProperties);
        props.putAll(passThrough);
        props.put("bootstrap.servers", bootstrapServers);
        this.base = Map.copyOf(props);
        this.maxRecordBytes = maxRecordBytes;
    }

    public String bootstrapServers() {
        return (String) base.get("bootstrap.servers");
    }

    /** Durable producer: a 200 on put means acks=all, idempotent so retries never duplicate. */
    public KafkaProducer<byte[], byte[]> producer(String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRecordBytes + 64 * 1024);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(64L * 1024 * 1024, 2L * maxRecordBytes));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        // The first record to a new queue waits for the topic's metadata, and the producer refreshes
        // metadata at most once per backoff (100 ms by default): while queues were created, the
        // first put to each waited ~40 ms on average for that alone.
        props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10);
        props.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 1000);
        props.putAll(base);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Group consumer that never auto-commits: the engine commits offsets it has derived from acks.
     *
     * @param instanceId static membership id: a restarted node with the same id takes its
     *                   partitions back without waiting for the old session to time out
     */
    public KafkaConsumer<byte[], byte[]> groupConsumer(String groupId, String instanceId, int maxPollRecords) {
        Map<String, Object> props = fetching(groupId + "-" + instanceId);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        // Whole queues per member (QueueAffinityAssignor). The cooperative-sticky fallback is what a
        // group of older nodes speaks, so a rolling upgrade keeps one group.
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, QueueAffinityAssignor.class.getName() + ","
                + "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
        props.putAll(base);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Assign-mode consumer that keeps its progress as the committed offsets of {@code groupId}
     * (a group with no members: nothing rebalances, the offsets only record how far it got).
     */
    public KafkaConsumer<byte[], byte[]> progressConsumer(String groupId, String clientId) {
        Map<String, Object> props = fetching(clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putAll(base);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Assign-mode consumer without a group (reading compacted state topics, browsing by offset). */
    public KafkaConsumer<byte[], byte[]> readerConsumer(String clientId) {
        return reader(fetching(clientId));
    }

    private KafkaConsumer<byte[], byte[]> reader(Map<String, Object> props) {
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putAll(base);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * A reader whose fetches wait up to {@code batchWait} for 64 KiB, for a busy tail whose records
     * are not urgent: fetching each few records as they came cost a tail of the dedup registry a
     * quarter of the node's CPU under a guid publish load.
     */
    public KafkaConsumer<byte[], byte[]> batchingReaderConsumer(String clientId, java.time.Duration batchWait) {
        Map<String, Object> props = fetching(clientId);
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) batchWait.toMillis());
        return reader(props);
    }

    public Admin admin(String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put("client.id", clientId);
        // A topic just created has no serving leader for tens of milliseconds; with the default
        // backoff (100 ms doubling to 1 s) the leader check after each new queue waited ~0.5 s.
        props.put("retry.backoff.ms", 10);
        props.put("retry.backoff.max.ms", 100);
        props.putAll(base);
        return Admin.create(props);
    }

    private Map<String, Object> fetching(String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        // The broker answers a fetch as soon as one byte is there; the wait only bounds idle polls.
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        // 1 MB per partition even when items may be larger: a batch bigger than the limit is still
        // returned whole (KIP-74). A 32 MB limit made every resume of a paused lane with a backlog
        // fetch 32 MB to use 1,000 records of it.
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1024 * 1024);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Math.max(50 * 1024 * 1024, maxRecordBytes + 64 * 1024));
        return props;
    }
}
