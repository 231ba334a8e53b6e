package io.kqf.kafka;

import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes records without waiting: the future completes once Kafka has acknowledged the record
 * (as the producer is configured, acks=all) or fails with {@link KafkaUnavailable}. It always
 * completes: the producer gives up after its delivery timeout. Records written one after the other
 * share batches and requests (the producer groups what accumulates while a request is in flight).
 *
 * <p>The future completes on the producer's I/O thread: dependents must not block.
 */
public final class RecordWriter {
    private final KafkaProducer<byte[], byte[]> producer;

    public RecordWriter(KafkaProducer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    public CompletableFuture<RecordMetadata> write(ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<RecordMetadata> written = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    written.completeExceptionally(new KafkaUnavailable(
                            "Kafka did not store a record in " + record.topic() + ": " + error.getMessage(), error));
                } else {
                    written.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            // Refused before sending (no metadata within max.block.ms, buffer full, producer closed).
            written.completeExceptionally(new KafkaUnavailable(
                    "cannot write to " + record.topic() + ": " + e.getMessage(), e));
        }
        return written;
    }
}
