package io.kqf.engine.subscribe;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.kqf.engine.EngineException;
import io.kqf.engine.select.DestinationPattern;
import io.kqf.kafka.KafkaClients;
import io.kqf.kafka.KafkaUnavailable;
import io.kqf.kafka.RecordWriter;
import io.kqf.kafka.TopicAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscriptions in a compacted topic (key = the subscription id, a tombstone when it ends), so a
 * subscription outlives a crash of the node that holds it. Every node tails it: the node that
 * comes to serve a subscription's queue takes the subscription from here. Only what the client asked for and
 * when the subscription expires are kept: its leases are the engine's, journaled on their own and
 * found again by holder after a restart.
 *
 * <p>Value format, version 1: a version byte, then destination, selector (empty for none),
 * prefetch, timeout and ackTimeout in ms, maxDeliveries, createdAt and expiresAt in epoch ms.
 */
public final class SubscriptionLog {
    private static final Logger log = LoggerFactory.getLogger(SubscriptionLog.class);
    private static final byte VERSION = 1;
    private static final Duration CATCH_UP = Duration.ofSeconds(5);

    /** A subscription as written: enough to rebuild it. */
    record Saved(String id, SubscriptionSpec spec, long createdAt, long expiresAt) {
    }

    private final RecordWriter writer;
    private final String topic;
    private final java.util.Map<String, Saved> latest = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile List<Saved> restored = List.of();
    private io.kqf.kafka.TopicTail tail;

    private final io.kqf.kafka.RecordReader reader;

    private SubscriptionLog(RecordWriter writer, String topic, io.kqf.kafka.RecordReader reader) {
        this.reader = reader;
        this.writer = writer;
        this.topic = topic;
    }

    /**
     * Creates {@code topic} (compacted) if missing and reads it to its end. Blocks on Kafka: call it at start.
     *
     * @throws EngineException UNAVAILABLE when Kafka cannot be read in time
     */
    public static SubscriptionLog open(KafkaClients clients, TopicAdmin admin, RecordWriter writer, String topic,
                                       io.kqf.kafka.RecordReader reader) {
        try {
            admin.ensureCompacted(topic);
            SubscriptionLog opened = new SubscriptionLog(writer, topic, reader);
            opened.tail = io.kqf.kafka.TopicTail.replay(clients, "kqf-subscriptions-tail",
                    new org.apache.kafka.common.TopicPartition(topic, 0), java.time.Duration.ofSeconds(60),
                    (records, live) -> records.forEach(opened::apply));
            opened.restored = List.copyOf(opened.latest.values());
            return opened;
        } catch (KafkaUnavailable e) {
            throw new EngineException(EngineException.Reason.UNAVAILABLE, e.getMessage());
        }
    }

    /** Every node's writes, as the tail hands them over: the latest of each id, gone at its tombstone. */
    private void apply(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        String id = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            latest.remove(id);
            return;
        }
        try {
            latest.put(id, decode(id, record.value()));
        } catch (RuntimeException e) {
            // A record this version cannot read (or a bad spec): that subscription is gone, the rest are not.
            log.warn("subscription {} in {} cannot be restored: {}", id, topic, e.getMessage());
        }
    }

    /** The latest saved form of subscription {@code id} this node has read, written by any node; empty once it ended. */
    Optional<Saved> find(String id) {
        return Optional.ofNullable(latest.get(id));
    }

    /**
     * {@link #find}, after reading everything written so far (one end-offset request): what a node
     * taking a subscription over uses, so it never takes one another node ended a moment ago.
     */
    Optional<Saved> findLatest(String id) {
        try {
            if (!tail.catchUp(reader, CATCH_UP)) {
                throw new EngineException(EngineException.Reason.UNAVAILABLE, "the subscriptions log was not read in time");
            }
        } catch (KafkaUnavailable e) {
            throw new EngineException(EngineException.Reason.UNAVAILABLE, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(EngineException.Reason.UNAVAILABLE, "interrupted");
        }
        return find(id);
    }

    /** Stops tailing. */
    public void close() {
        if (tail != null) {
            tail.close();
        }
    }

    /** The subscriptions the topic held when it was opened. */
    List<Saved> restored() {
        return restored;
    }

    /** Writes (or rewrites) a subscription; completes when Kafka acknowledged it. */
    CompletableFuture<?> save(Saved saved) {
        return writer.send(topic, key(saved.id()), encode(saved), Map.of());
    }

    /** Writes the subscription's tombstone. */
    CompletableFuture<?> forget(String id) {
        return writer.send(topic, key(id), null, Map.of());
    }

    private static byte[] key(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] encode(Saved saved) {
        SubscriptionSpec spec = saved.spec();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            writeString(out, spec.destination().text());
            writeString(out, spec.selector() == null ? "" : spec.selector());
            out.writeInt(spec.prefetch());
            out.writeLong(spec.timeout().toMillis());
            out.writeLong(spec.ackTimeout().toMillis());
            out.writeInt(spec.maxDeliveries());
            out.writeLong(saved.createdAt());
            out.writeLong(saved.expiresAt());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Saved decode(String id, byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown format version " + version);
            }
            DestinationPattern destination = DestinationPattern.parse(readString(in));
            String selector = readString(in);
            SubscriptionSpec spec = new SubscriptionSpec(destination, selector.isEmpty() ? null : selector,
                    in.readInt(), Duration.ofMillis(in.readLong()), Duration.ofMillis(in.readLong()), in.readInt());
            return new Saved(id, spec, in.readLong(), in.readLong());
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated record", e);
        }
    }

    /** Length-prefixed UTF-8: selectors may be longer than writeUTF's 64 KiB. */
    private static void writeString(DataOutputStream out, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("bad string length " + length);
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
