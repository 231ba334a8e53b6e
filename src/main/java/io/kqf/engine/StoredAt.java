package io.kqf.engine;

/**
 * Where Kafka stored a message: its queue lane, partition and offset, and the record time. A
 * message's address for its whole life (offsets are never reused).
 *
 * @param timestamp record time, epoch ms
 */
public record StoredAt(int priority, int partition, long offset, long timestamp) {
}
