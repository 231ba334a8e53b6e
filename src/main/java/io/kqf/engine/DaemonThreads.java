package io.kqf.engine;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads of the facade's own pools: daemons (a pool left running never keeps the JVM up after
 * {@code main} returns) named {@code <name>-<n>}, so profiles and thread dumps say whose they are.
 */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    public static ThreadFactory named(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
