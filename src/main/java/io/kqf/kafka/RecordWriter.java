package io.kqf.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes records through the node's one durable producer (acks=all, idempotent) without waiting:
 * the future completes once Kafka acknowledged the record, or fails with {@link KafkaUnavailable}.
 * It always completes: the producer gives up after its delivery timeout. Records written one after
 * the other share batches and requests (the producer groups what accumulates while a request is
 * in flight), so many requests share one round trip.
 */
public final class RecordWriter implements AutoCloseable {
    /** Where an acknowledged record landed. */
    public record Written(String topic, int partition, long offset, long timestamp) {
    }

    private final KafkaProducer<byte[], byte[]> producer;
    private final Executor completions;

    /**
     * @param completions where acknowledgements complete their futures: the producer's one network
     *                    thread must not run callers' continuations (writing HTTP responses
     *                    there serialises every put and delays the next produce request)
     */
    public RecordWriter(KafkaProducer<byte[], byte[]> producer, Executor completions) {
        this.producer = producer;
        this.completions = completions;
    }

    /** @param value null writes a tombstone */
    public CompletableFuture<Written> send(String topic, byte[] key, byte[] value, Map<String, byte[]> headers) {
        return send(topic, null, key, value, headers);
    }

    /** @param partition null lets the producer choose (by key, or sticky without one) */
    public CompletableFuture<Written> send(String topic, Integer partition, byte[] key, byte[] value,
                                           Map<String, byte[]> headers) {
        return send(topic, partition, null, key, value, headers);
    }

    /** @param timestamp the record's time, null for now */
    public CompletableFuture<Written> send(String topic, Integer partition, Long timestamp, byte[] key, byte[] value,
                                           Map<String, byte[]> headers) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition, timestamp, key, value);
        headers.forEach((name, headerValue) -> record.headers().add(name, headerValue));
        return write(record).thenApply(m -> new Written(m.topic(), m.partition(), m.offset(), m.timestamp()));
    }

    /** Writes a record built by the caller (headers and all). */
    public CompletableFuture<RecordMetadata> write(ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<RecordMetadata> written = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> completions.execute(() -> {
                if (error != null) {
                    written.completeExceptionally(new KafkaUnavailable(
                            "Kafka did not store a record in " + record.topic() + ": " + error.getMessage(), error));
                } else {
                    written.complete(metadata);
                }
            }));
        } catch (RuntimeException e) {
            // Refused before sending (no metadata within max.block.ms, buffer full, producer closed).
            written.completeExceptionally(new KafkaUnavailable("cannot write to " + record.topic() + ": " + e.getMessage(), e));
        }
        return written;
    }

    /** The producer itself, for the parts not yet moved behind this class. */
    public KafkaProducer<byte[], byte[]> producer() {
        return producer;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
