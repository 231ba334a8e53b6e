package io.kqf.engine;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.kqf.kafka.CompactedTopic;
import io.kqf.kafka.KafkaClients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The compacted {@code _kqf.leases} topic: what a lane's committed offset and commit metadata
 * cannot say. Key {@code topic/partition/offset}; values
 * <ul>
 *   <li>{@code L;<handedOutAt>;<deliveries>}: a live lease (its deadline follows from the queue's timeout);</li>
 *   <li>{@code R;<end>}: offsets [offset, end) are acked (commit metadata overflow);</li>
 * </ul>
 * and a tombstone once the committed offset has passed the key's offset.
 */
final class LeaseJournal {
    /** What the journal says about one partition. */
    record Recovered(Map<Long, long[]> leases, AckedRanges acked) {
    }

    private final KafkaClients clients;
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    LeaseJournal(KafkaClients clients, KafkaProducer<byte[], byte[]> producer, String topic) {
        this.clients = clients;
        this.producer = producer;
        this.topic = topic;
    }

    /** Completes once Kafka acknowledged (acks=all) the lease. */
    CompletableFuture<Void> recordLease(Lease lease) {
        return send(lease.journalKey(), "L;" + lease.handedOutAt + ";" + lease.deliveries);
    }

    CompletableFuture<Void> recordAckedRange(TopicPartition tp, long start, long end) {
        return send(tp.topic() + "/" + tp.partition() + "/" + start, "R;" + end);
    }

    /** Tombstones, fire and forget: a stale entry below the committed offset is ignored on recovery. */
    void forget(TopicPartition tp, Collection<Long> offsets) {
        for (long offset : offsets) {
            producer.send(new ProducerRecord<>(topic, key(tp.topic() + "/" + tp.partition() + "/" + offset), null));
        }
    }

    private CompletableFuture<Void> send(String key, String value) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, key(key), value.getBytes(StandardCharsets.UTF_8)), (metadata, error) -> {
            if (error != null) {
                done.completeExceptionally(EngineException.unavailable("lease journal write failed: " + error.getMessage()));
            } else {
                done.complete(null);
            }
        });
        return done;
    }

    private static byte[] key(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads the whole journal: per partition, live leases (offset → {handedOutAt, deliveries}) and acked ranges. */
    Map<TopicPartition, Recovered> read() {
        Map<TopicPartition, Recovered> byPartition = new HashMap<>();
        CompactedTopic.readToEnd(clients, topic).forEach((key, raw) -> {
            int second = key.lastIndexOf('/');
            int first = key.lastIndexOf('/', second - 1);
            if (first < 0) {
                return;
            }
            try {
                TopicPartition tp = new TopicPartition(key.substring(0, first), Integer.parseInt(key.substring(first + 1, second)));
                long offset = Long.parseLong(key.substring(second + 1));
                String[] fields = new String(raw, StandardCharsets.UTF_8).split(";");
                Recovered recovered = byPartition.computeIfAbsent(tp, t -> new Recovered(new HashMap<>(), new AckedRanges()));
                if (fields[0].equals("L") && fields.length >= 3) {
                    recovered.leases().put(offset, new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[2])});
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
