package io.kqf.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import io.kqf.kafka.KafkaClients;
import io.kqf.kafka.KafkaUnavailable;
import io.kqf.kafka.RecordWriter;
import io.kqf.kafka.TopicTail;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Queue attributes in the compacted {@code _kqf.meta} topic (key = the queue's lane-0 topic), tailed
 * into memory by one thread so every node sees every node's changes.
 *
 * <p>Read-your-writes: a write returns only after Kafka acknowledged it and the local copy is
 * updated. Every key remembers the offset of the write it shows, and the tail never applies an
 * older record over it, so a slower tail cannot roll a fresh local write back.
 */
final class MetaStore implements AutoCloseable {
    private static final String WRITER_HEADER = "kqf.node";

    private record Versioned(QueueMeta meta, long offset) {
    }

    private final KafkaClients clients;
    private static final long WRITE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final RecordWriter writer;
    private final String topic;
    private final QueueNames names;
    private final String nodeId;
    /** Called (on the tail thread) with changes written by other nodes; null meta = deleted. */
    private volatile BiConsumer<String, QueueMeta> onRemoteChange;
    private final Map<String, Versioned> byQueue = new ConcurrentHashMap<>();
    private TopicTail tail;

    MetaStore(KafkaClients clients, RecordWriter writer, String topic, QueueNames names, String nodeId) {
        this.nodeId = nodeId;
        this.clients = clients;
        this.writer = writer;
        this.topic = topic;
        this.names = names;
    }

    /**
     * Starts the tail and returns once everything written before the start is in memory; from
     * then on {@code onRemoteChange} hears of every other node's change.
     */
    void start(Duration timeout, BiConsumer<String, QueueMeta> onRemoteChange) {
        this.onRemoteChange = onRemoteChange;
        try {
            tail = TopicTail.replay(clients, "kqf-meta-tail", new TopicPartition(topic, 0), timeout,
                    (records, live) -> records.forEach(record -> apply(record, live)));
        } catch (KafkaUnavailable e) {
            throw EngineException.unavailable(e.getMessage());
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record, boolean notify) {
        if (record.key() == null) {
            return;
        }
        org.apache.kafka.common.header.Header writer = record.headers().lastHeader(WRITER_HEADER);
        if (notify && writer != null && new String(writer.value(), StandardCharsets.UTF_8).equals(nodeId)) {
            // Our own write: write() applied it already, and the tail may see it before write() returns.
            return;
        }
        String queue = names.queueOfTopic(new String(record.key(), StandardCharsets.UTF_8)).orElse(null);
        if (queue == null) {
            return;
        }
        QueueMeta meta = record.value() == null ? null : QueueMeta.decode(record.value());
        Versioned current = byQueue.get(queue);
        if (current != null && current.offset() >= record.offset()) {
            return;
        }
        byQueue.put(queue, new Versioned(meta, record.offset()));
        if (notify) {
            onRemoteChange.accept(queue, meta);
        }
    }

    /**
     * Returns once every attribute written before the call is applied here (another node's new
     * queue is then known), or after {@code timeout}. One end-offset request to Kafka.
     */
    void catchUp(io.kqf.kafka.RecordReader reader, Duration timeout) {
        try {
            tail.catchUp(reader, timeout);
        } catch (KafkaUnavailable e) {
            // answer from what is known
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The attributes topic's one partition. */
    TopicPartition partition() {
        return new TopicPartition(topic, 0);
    }

    /** Returns once every attribute below offset {@code end} is applied here, or after {@code timeout}. */
    void awaitApplied(long end, Duration timeout) {
        try {
            tail.awaitHandled(end, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The attributes of every existing queue. */
    Map<String, QueueMeta> snapshot() {
        Map<String, QueueMeta> all = new java.util.TreeMap<>();
        byQueue.forEach((queue, v) -> {
            if (v.meta() != null) {
                all.put(queue, v.meta());
            }
        });
        return all;
    }

    /** Writes (or with null, deletes) a queue's attributes; returns once Kafka has them (acks=all). */
    void write(String queue, QueueMeta meta) {
        byte[] key = names.topic(queue, 0).getBytes(StandardCharsets.UTF_8);
        RecordWriter.Written written = Failures.await(writer.send(topic, key, meta == null ? null : meta.encode(),
                Map.of(WRITER_HEADER, nodeId.getBytes(StandardCharsets.UTF_8))), WRITE_TIMEOUT_NANOS, "writing queue attributes");
        byQueue.merge(queue, new Versioned(meta, written.offset()),
                (old, fresh) -> old.offset() > fresh.offset() ? old : fresh);
    }

    @Override
    public void close() {
        if (tail != null) {
            tail.close();
        }
    }
}
