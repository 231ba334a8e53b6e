package io.kqf.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads single records by offset with a small pool of assign-mode consumers (no group, so
 * reading never disturbs consumption). A consumer is used by one thread at a time.
 */
public final class RecordReader implements AutoCloseable {
    private static final Duration READ_DEADLINE = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(100);

    private final BlockingQueue<KafkaConsumer<byte[], byte[]>> pool;

    public RecordReader(KafkaClients clients, int size) {
        this.pool = new ArrayBlockingQueue<>(size);
        for (int i = 0; i < size; i++) {
            pool.add(clients.readerConsumer("kqf-record-reader-" + i));
        }
    }

    /** The record at {@code offset}, or empty when it no longer exists (deleted by retention or compaction). */
    public Optional<ConsumerRecord<byte[], byte[]>> read(TopicPartition tp, long offset) {
        KafkaConsumer<byte[], byte[]> consumer = borrow();
        try {
            consumer.assign(List.of(tp));
            if (offset >= consumer.endOffsets(List.of(tp), READ_DEADLINE).get(tp)) {
                return Optional.empty(); // not written (yet): without this the poll below waits its deadline out
            }
            consumer.seek(tp, offset);
            long deadline = System.nanoTime() + READ_DEADLINE.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL).records(tp)) {
                    if (record.offset() == offset) {
                        return Optional.of(record);
                    }
                    if (record.offset() > offset) {
                        return Optional.empty();
                    }
                }
                if (consumer.position(tp) > offset) {
                    return Optional.empty();
                }
            }
            throw new KafkaUnavailable("could not read " + tp + " offset " + offset + " within " + READ_DEADLINE);
        } finally {
            pool.add(consumer);
        }
    }

    /** The end offsets of {@code partitions} now (one request to the brokers that lead them). */
    public java.util.Map<TopicPartition, Long> endOffsets(java.util.Collection<TopicPartition> partitions) {
        KafkaConsumer<byte[], byte[]> consumer = borrow();
        try {
            return consumer.endOffsets(partitions, READ_DEADLINE);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new KafkaUnavailable("end offsets not read: " + e.getMessage());
        } finally {
            pool.add(consumer);
        }
    }

    /** The first offset of {@code tp} whose record time is at or after {@code timestampMillis}; its end offset when none is. */
    public long offsetForTime(TopicPartition tp, long timestampMillis) {
        KafkaConsumer<byte[], byte[]> consumer = borrow();
        try {
            var found = consumer.offsetsForTimes(java.util.Map.of(tp, Math.max(0, timestampMillis)), READ_DEADLINE).get(tp);
            return found != null ? found.offset() : consumer.endOffsets(List.of(tp), READ_DEADLINE).get(tp);
        } finally {
            pool.add(consumer);
        }
    }

    /** The last record of {@code tp}, or empty when the partition holds none. */
    public Optional<ConsumerRecord<byte[], byte[]>> last(TopicPartition tp) {
        long end;
        KafkaConsumer<byte[], byte[]> consumer = borrow();
        try {
            end = consumer.endOffsets(List.of(tp), READ_DEADLINE).get(tp);
        } finally {
            pool.add(consumer);
        }
        List<ConsumerRecord<byte[], byte[]>> tail = end == 0 ? List.of() : readRange(tp, end - 1, end, 1);
        return tail.isEmpty() ? Optional.empty() : Optional.of(tail.get(0));
    }

    /**
     * Up to {@code max} records of {@code tp} from {@code from} (inclusive) to {@code to}
     * (exclusive; {@code Long.MAX_VALUE}: the partition's end now), in offset order; fewer when
     * retention or compaction removed some. Answers
     * with what it read once {@code to} is reached or the read deadline passes with some records.
     */
    public List<ConsumerRecord<byte[], byte[]>> readRange(TopicPartition tp, long from, long to, int max) {
        List<ConsumerRecord<byte[], byte[]>> read = new java.util.ArrayList<>();
        if (from >= to || max <= 0) {
            return read;
        }
        KafkaConsumer<byte[], byte[]> consumer = borrow();
        try {
            consumer.assign(List.of(tp));
            consumer.seek(tp, from);
            long stop = to != Long.MAX_VALUE ? to : consumer.endOffsets(List.of(tp), READ_DEADLINE).get(tp);
            long deadline = System.nanoTime() + READ_DEADLINE.toNanos();
            while (read.size() < max && consumer.position(tp) < stop) {
                if (System.nanoTime() > deadline) {
                    if (read.isEmpty()) {
                        throw new KafkaUnavailable("could not read " + tp + " from " + from + " within " + READ_DEADLINE);
                    }
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL).records(tp)) {
                    if (record.offset() >= stop || read.size() >= max) {
                        break;
                    }
                    read.add(record);
                }
            }
            return read;
        } finally {
            pool.add(consumer);
        }
    }

    private KafkaConsumer<byte[], byte[]> borrow() {
        try {
            KafkaConsumer<byte[], byte[]> consumer = pool.poll(READ_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            if (consumer == null) {
                throw new KafkaUnavailable("all record readers busy for " + READ_DEADLINE);
            }
            return consumer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailable("interrupted", e);
        }
    }

    @Override
    public void close() {
        KafkaConsumer<byte[], byte[]> consumer;
        while ((consumer = pool.poll()) != null) {
            consumer.close(Duration.ofSeconds(1));
        }
    }
}
