package io.kqf.engine;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.kqf.kafka.CompactedTopic;
import io.kqf.kafka.KafkaClients;
import io.kqf.kafka.RecordWriter;

/**
 * The compacted {@code _kqf.leases} topic: what a lane's committed offset and commit metadata
 * cannot say. Key {@code topic/partition/offset}; values
 * <ul>
 *   <li>{@code L;<handedOutAt>;<attempt>}: a live lease due at hand-out + the queue's timeout
 *       (hustmq's; a timeout change re-times it, after a restart too);</li>
 *   <li>{@code L;<handedOutAt>;<attempt>;<deadline>;<holder>}: a live lease with its own deadline
 *       (renewed, released, or a subscription's);</li>
 *   <li>{@code R;<end>}: offsets [offset, end) are acked (commit metadata overflow);</li>
 * </ul>
 * and a tombstone once the committed offset has passed the key's offset. This class decides the
 * format; {@link RecordWriter} and {@link CompactedTopic} do the Kafka I/O.
 */
final class LeaseJournal {
    /** A live lease as journaled. {@code deadline} is meaningless when it follows the queue timeout. */
    record Entry(long handedOutAt, int attempt, long deadline, String holder, boolean followsQueueTimeout) {
    }

    /** What the journal says about one partition. */
    record Recovered(Map<Long, Entry> leases, AckedRanges acked) {
    }

    private final KafkaClients clients;
    private final RecordWriter writer;
    private final String topic;

    LeaseJournal(KafkaClients clients, RecordWriter writer, String topic) {
        this.clients = clients;
        this.writer = writer;
        this.topic = topic;
    }

    /** Completes once Kafka acknowledged (acks=all) the lease. */
    CompletableFuture<Void> recordLease(Lease lease) {
        String value = "L;" + lease.handedOutAt() + ";" + lease.attempt();
        if (!lease.followsQueueTimeout()) {
            value += ";" + lease.deadline() + ";" + lease.holder();
        }
        return send(key(lease.lane().tp, lease.offset()), value);
    }

    CompletableFuture<Void> recordAckedRange(PartitionRef tp, long start, long end) {
        return send(key(tp, start), "R;" + end);
    }

    /** Tombstones, fire and forget: a stale entry below the committed offset is ignored on recovery. */
    void forget(PartitionRef tp, Collection<Long> offsets) {
        for (long offset : offsets) {
            writer.send(topic, bytes(key(tp, offset)), null, Map.of());
        }
    }

    private CompletableFuture<Void> send(String key, String value) {
        return writer.send(topic, bytes(key), bytes(value), Map.of()).handle((written, error) -> {
            if (error != null) {
                throw EngineException.unavailable("lease journal write failed: " + error.getMessage());
            }
            return null;
        });
    }

    private static String key(PartitionRef tp, long offset) {
        return tp.topic() + "/" + tp.partition() + "/" + offset;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads the whole journal: per partition, live leases and acked ranges. */
    Map<PartitionRef, Recovered> read() {
        Map<PartitionRef, Recovered> byPartition = new HashMap<>();
        CompactedTopic.readToEnd(clients, topic).forEach((key, raw) -> {
            int second = key.lastIndexOf('/');
            int first = key.lastIndexOf('/', second - 1);
            if (first < 0) {
                return;
            }
            try {
                PartitionRef tp = new PartitionRef(key.substring(0, first), Integer.parseInt(key.substring(first + 1, second)));
                long offset = Long.parseLong(key.substring(second + 1));
                String[] fields = new String(raw, StandardCharsets.UTF_8).split(";", -1);
                Recovered recovered = byPartition.computeIfAbsent(tp, t -> new Recovered(new HashMap<>(), new AckedRanges()));
                if (fields[0].equals("L") && fields.length == 3) {
                    recovered.leases().put(offset, new Entry(Long.parseLong(fields[1]), Math.max(1, Integer.parseInt(fields[2])),
                            0, Lease.ANYONE, true));
                } else if (fields[0].equals("L") && fields.length == 5) {
                    recovered.leases().put(offset, new Entry(Long.parseLong(fields[1]), Math.max(1, Integer.parseInt(fields[2])),
                            Long.parseLong(fields[3]), fields[4], false));
                } else if (fields[0].equals("R") && fields.length >= 2) {
                    recovered.acked().addRange(offset, Long.parseLong(fields[1]));
                }
            } catch (NumberFormatException e) {
                // Not written by kqf: skip rather than refuse to start.
            }
        });
        return byPartition;
    }
}
