package io.kqf.engine.rpc;

/**
 * The exchange's time: a monotonic clock and timers on it. {@link SystemTime} is the JVM's;
 * tests move time by hand and run what fell due, so no test sleeps.
 */
interface TimeSource extends AutoCloseable {
    /** Monotonic nanoseconds (no relation to wall-clock time), as System.nanoTime. */
    long nanoTime();

    /** Runs {@code action} once {@code delayNanos} have passed, not under any caller's lock, unless cancelled first. */
    Timer schedule(long delayNanos, Runnable action);

    /** A scheduled action. */
    interface Timer {
        /** The action will not run (if it has not started); it no longer holds memory. */
        void cancel();
    }

    @Override
    void close();
}
