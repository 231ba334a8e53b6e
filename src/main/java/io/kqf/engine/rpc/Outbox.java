package io.kqf.engine.rpc;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the exchange decided under its monitor and does once it is released: messages to other
 * nodes and answers to parked requests. Decide inside, act outside (OkHttp's
 * Dispatcher.promoteAndExecute): a Kafka write under the monitor makes every caller and worker of
 * the node wait for the producer (its buffer lock, its metadata, max.block.ms), and an answer run
 * under it would write an HTTP response there.
 */
final class Outbox {
    private static final Logger log = LoggerFactory.getLogger(Outbox.class);

    private final TaskBus bus;
    private final Object monitor;
    private final List<Message> messages = new ArrayList<>(2);
    private final List<Runnable> answers = new ArrayList<>(2);

    /** @param monitor the lock that must not be held while this is done */
    Outbox(TaskBus bus, Object monitor) {
        this.bus = bus;
        this.monitor = monitor;
    }

    void send(Message message) {
        messages.add(message);
    }

    /** Completes a parked request (already settled by the decision). */
    void answer(Runnable completion) {
        answers.add(completion);
    }

    /** Answers first (they wait on nothing), then writes; a write that fails loses that message only. */
    void flush() {
        assert !Thread.holdsLock(monitor) : "the exchange's monitor is held: answers and writes must come after it";
        answers.forEach(Runnable::run);
        for (Message message : messages) {
            bus.send(message).whenComplete((written, error) -> {
                if (error != null) {
                    log.warn("task bus: {} of task {} not written: {}", message.kind(), message.token(), error.getMessage());
                }
            });
        }
        answers.clear();
        messages.clear();
    }
}
