package io.kqf.engine.rpc;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * System.nanoTime and one timer thread. A cancelled timer leaves the queue at once
 * (removeOnCancel): a do_get answered in a millisecond must not keep its 180 s timeout, and the
 * request it would answer, in memory for three minutes.
 */
final class SystemTime implements TimeSource {
    private static final Logger log = LoggerFactory.getLogger(SystemTime.class);

    private final ScheduledThreadPoolExecutor executor;

    SystemTime(String threadName) {
        executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Timer schedule(long delayNanos, Runnable action) {
        try {
            var future = executor.schedule(() -> {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    log.warn("timer action failed", e);
                }
            }, delayNanos, TimeUnit.NANOSECONDS);
            return () -> future.cancel(/* mayInterruptIfRunning= */ false);
        } catch (RejectedExecutionException e) {
            // Closing: nothing runs any more.
            return () -> { };
        }
    }

    /** Timers waiting to run (cancelled ones are gone). */
    int queued() {
        return executor.getQueue().size();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
