package io.kqf.engine.dedup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

import io.kqf.kafka.KafkaUnavailable;

/**
 * Reads partitions from a point in time to where they end now, with one assign-mode consumer (no
 * group). Not thread-safe: one caller at a time.
 */
final class WindowReader implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<byte[], byte[]> consumer;

    WindowReader(KafkaConsumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /**
     * Hands every record of {@code partitions} with a record time from {@code sinceMillis} on,
     * and written before this call, to {@code each}, in order per partition.
     *
     * @throws KafkaUnavailable if Kafka fails or the end is not reached within {@code timeout}
     */
    void read(List<TopicPartition> partitions, long sinceMillis, Duration timeout,
              Consumer<ConsumerRecord<byte[], byte[]>> each) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            consumer.assign(partitions);
            // A pooled reader keeps the pause state of its last read for partitions it keeps.
            consumer.resume(partitions);
            Map<TopicPartition, Long> since = new HashMap<>();
            partitions.forEach(tp -> since.put(tp, Math.max(0, sinceMillis)));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(since, timeout);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            List<TopicPartition> unread = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp start = starts.get(tp);
                // No record that recent: nothing to read in this partition.
                long from = start == null ? ends.get(tp) : start.offset();
                consumer.seek(tp, from);
                if (from < ends.get(tp)) {
                    unread.add(tp);
                }
            }
            consumer.pause(partitions.stream().filter(tp -> !unread.contains(tp)).toList());
            while (!unread.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new KafkaUnavailable("could not read " + unread + " to its end within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        each.accept(record);
                    }
                }
                List<TopicPartition> done = unread.stream().filter(tp -> consumer.position(tp) >= ends.get(tp)).toList();
                // Stop fetching what was read to its end: later records are not asked for.
                consumer.pause(done);
                unread.removeAll(done);
            }
        } catch (KafkaException e) {
            throw new KafkaUnavailable("cannot read " + partitions + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(1));
    }
}
