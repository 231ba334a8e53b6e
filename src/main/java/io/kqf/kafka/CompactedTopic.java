package io.kqf.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a one-partition compacted topic from its beginning to its current end: the latest value
 * of every live key (tombstones remove the key). Used to rebuild state on start and on takeover.
 */
public final class CompactedTopic {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private CompactedTopic() {
    }

    /** Snapshot of key → value (UTF-8 keys, raw values), in the order keys were last written. */
    public static Map<String, byte[]> readToEnd(KafkaClients clients, String topic) {
        TopicPartition tp = new TopicPartition(topic, 0);
        Map<String, byte[]> state = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = clients.readerConsumer("kqf-reader-" + topic)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (consumer.position(tp) < end) {
                if (System.nanoTime() > deadline) {
                    throw new KafkaUnavailable("could not read " + topic + " to its end within " + DEADLINE);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.key() == null) {
                        continue;
                    }
                    String key = new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
                    state.remove(key);
                    if (record.value() != null) {
                        state.put(key, record.value());
                    }
                }
            }
        }
        return state;
    }
}
