package io.kqf.engine.rpc;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * How task messages reach every node, this one included. The exchange knows only this; Kafka is
 * one implementation ({@link KafkaTaskBus}), tests use one in memory.
 */
interface TaskBus extends AutoCloseable {
    /**
     * Delivers every message written from now on (by any node, ours too) to {@code handler}, on
     * one thread, a list at a time, in the order they were written per kind of message.
     */
    void open(Consumer<List<Message>> handler);

    /** Completes once the message is stored for every node to read, or fails with KafkaUnavailable. */
    CompletableFuture<Void> send(Message message);

    @Override
    void close();
}
