package io.kqf.app;

import io.kqf.config.Settings;
import io.kqf.config.SettingsLoader;

/** {@code java -jar kqf.jar [--config FILE]}. */
public final class Main {
    /**
     * The JDK's HTTP client (forwarding between nodes) completes each answer through
     * CompletableFuture's default pool, and on a machine with fewer than 3 cores that pool is a new
     * thread per task. Measured on 2 cores: a thread started per forwarded answer, and get-ack
     * through a 3-node cluster at a fifth of its rate. A common pool of 2 threads avoids it; this
     * must be set before anything touches CompletableFuture, hence here and in the tests' JVM flags.
     */
    static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    static {
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
            System.setProperty(COMMON_POOL_PARALLELISM, String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
        }
    }

    private Main() {
    }

    public static void main(String[] args) {
        Settings settings;
        try {
            settings = SettingsLoader.load(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("kqf: " + e.getMessage());
            System.exit(2);
            return;
        }
        Kqf kqf = Kqf.start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(kqf::close, "kqf-shutdown"));
    }
}
