package io.kqf.kafka;

/** Kafka could not be reached or refused an operation the facade needs: the request cannot be served now. */
public final class KafkaUnavailable extends RuntimeException {
    public KafkaUnavailable(String message) {
        super(message);
    }

    public KafkaUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
