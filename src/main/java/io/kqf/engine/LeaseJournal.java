package io.kqf.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.kqf.kafka.KafkaClients;
import io.kqf.kafka.KafkaUnavailable;
import io.kqf.kafka.RecordWriter;
import io.kqf.kafka.TopicTail;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

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
 * format and keeps the tailed state; {@link RecordWriter} and {@link TopicTail} do the Kafka I/O.
 */
final class LeaseJournal implements AutoCloseable {
    /** A live lease as journaled. {@code deadline} is meaningless when it follows the queue timeout. */
    record Entry(long handedOutAt, int attempt, long deadline, String holder, boolean followsQueueTimeout) {
    }

    /** What the journal says about one partition. */
    record Recovered(Map<Long, Entry> leases, AckedRanges acked) {
    }

    private final KafkaClients clients;
    private final RecordWriter writer;
    private final String topic;
    /** Guards {@link #byPartition} and {@link #nextOffset}; notified as the tail applies records. */
    private final Object tailed = new Object();
    /** The journal as tailed: partition → offset → value (tombstones remove). */
    private final Map<PartitionRef, Map<Long, String>> byPartition = new HashMap<>();
    /** The offset after the last record tailed. */
    private long nextOffset;
    private TopicTail tail;

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

    /**
     * Replays the journal into memory and tails it from then on, so an assignment reads the
     * entries of its partitions from memory instead of the whole topic from Kafka (which cost
     * every assignment a read of every queue's entries). Blocks until the replay is done.
     */
    void start(Duration timeout) {
        tail = TopicTail.replay(clients, "kqf-lease-journal", partition(), timeout, (records, live) -> apply(records));
    }

    /** The journal's one partition. */
    TopicPartition partition() {
        return new TopicPartition(topic, 0);
    }

    private void apply(List<ConsumerRecord<byte[], byte[]>> records) {
        synchronized (tailed) {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                nextOffset = Math.max(nextOffset, record.offset() + 1);
                if (record.key() == null) {
                    continue;
                }
                String key = new String(record.key(), StandardCharsets.UTF_8);
                int second = key.lastIndexOf('/');
                int first = key.lastIndexOf('/', second - 1);
                if (first < 0) {
                    continue;
                }
                try {
                    PartitionRef tp = new PartitionRef(key.substring(0, first), Integer.parseInt(key.substring(first + 1, second)));
                    long offset = Long.parseLong(key.substring(second + 1));
                    if (record.value() == null) {
                        Map<Long, String> entries = byPartition.get(tp);
                        if (entries != null && entries.remove(offset) != null && entries.isEmpty()) {
                            byPartition.remove(tp);
                        }
                    } else {
                        byPartition.computeIfAbsent(tp, t -> new HashMap<>())
                                .put(offset, new String(record.value(), StandardCharsets.UTF_8));
                    }
                } catch (NumberFormatException e) {
                    // Not written by kqf: skip rather than refuse to start.
                }
            }
            tailed.notifyAll();
        }
    }

    /**
     * Live leases and acked ranges of {@code partitions}, as the journal holds them once everything
     * written before {@code journalEnd} (its end offset, read by the caller just now) has been tailed.
     *
     * @throws KafkaUnavailable when the tail does not get there within {@code timeout}
     */
    Map<PartitionRef, Recovered> recovered(Collection<PartitionRef> partitions, long journalEnd, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<PartitionRef, Recovered> recovered = new HashMap<>();
        synchronized (tailed) {
            while (nextOffset < journalEnd) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new KafkaUnavailable("the lease journal was not read up to offset " + journalEnd + " within " + timeout);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(tailed, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new KafkaUnavailable("interrupted while reading the lease journal", e);
                }
            }
            for (PartitionRef tp : partitions) {
                Map<Long, String> entries = byPartition.get(tp);
                if (entries == null) {
                    continue;
                }
                Recovered one = new Recovered(new HashMap<>(), new AckedRanges());
                entries.forEach((offset, value) -> parse(offset, value, one));
                recovered.put(tp, one);
            }
        }
        return recovered;
    }

    private static void parse(long offset, String value, Recovered into) {
        String[] fields = value.split(";", -1);
        try {
            if (fields[0].equals("L") && fields.length == 3) {
                into.leases().put(offset, new Entry(Long.parseLong(fields[1]), Math.max(1, Integer.parseInt(fields[2])),
                        0, Lease.ANYONE, true));
            } else if (fields[0].equals("L") && fields.length == 5) {
                into.leases().put(offset, new Entry(Long.parseLong(fields[1]), Math.max(1, Integer.parseInt(fields[2])),
                        Long.parseLong(fields[3]), fields[4], false));
            } else if (fields[0].equals("R") && fields.length >= 2) {
                into.acked().addRange(offset, Long.parseLong(fields[1]));
            }
        } catch (NumberFormatException e) {
            // Not written by kqf: skip rather than refuse to start.
        }
    }

    @Override
    public void close() {
        if (tail != null) {
            tail.close();
        }
    }
}
