package io.kqf.engine;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.RecordMetadata;

/** Waits (bounded) for Kafka to acknowledge a write, turning every failure into UNAVAILABLE. */
final class Acknowledged {
    private static final long TIMEOUT_SECONDS = 30;

    private Acknowledged() {
    }

    /** @param what the written thing, for the one-line reason ("queue attributes", "the item") */
    static RecordMetadata await(Future<RecordMetadata> write, String what) {
        try {
            return write.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw EngineException.unavailable("Kafka did not store " + what + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw EngineException.unavailable("Kafka did not acknowledge " + what + " within " + TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.unavailable("interrupted");
        }
    }
}
