package io.kqf.support;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition with a deadline instead of sleeping a guessed time. */
public final class Await {
    private static final Duration DEFAULT = Duration.ofSeconds(30);
    private static final long POLL_INTERVAL_NANOS = 20_000_000L;

    private Await() {
    }

    /** Polls {@code attempt} until it returns non-null; fails with {@code what} after the deadline. */
    public static <T> T until(String what, Supplier<T> attempt) {
        return until(what, DEFAULT, attempt);
    }

    public static <T> T until(String what, Duration timeout, Supplier<T> attempt) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = attempt.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            // Poll interval of the condition check, not a guess at how long something takes.
            java.util.concurrent.locks.LockSupport.parkNanos(POLL_INTERVAL_NANOS);
        }
    }
}
