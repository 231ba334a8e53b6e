package io.kqf.kafka;

/** Kafka refused a topic for its name (e.g. it collides with an existing one: '.' and '_' are the same to Kafka). */
public final class TopicRefused extends RuntimeException {
    public TopicRefused(String message) {
        super(message);
    }
}
