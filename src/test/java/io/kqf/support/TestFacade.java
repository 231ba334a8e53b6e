package io.kqf.support;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.kqf.app.Kqf;
import io.kqf.config.Settings;
import io.kqf.config.SettingsLoader;

/**
 * A facade node for tests: free HTTP port, the shared test broker, and its own topic prefix and
 * consumer group so test classes never see each other's queues. A hustmq "minute" lasts one
 * second, so redelivery tests run in seconds.
 */
public final class TestFacade implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Kqf kqf;
    private final Map<String, String> settings;
    public final Http http;

    private TestFacade(Kqf kqf, Map<String, String> settings) {
        this.kqf = kqf;
        this.settings = settings;
        this.http = new Http("http://localhost:" + kqf.httpPort());
    }

    /** Settings of a new, isolated node (unique prefix, group and node id). */
    public static Map<String, String> isolatedSettings() {
        int n = SEQUENCE.incrementAndGet();
        String run = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        Map<String, String> settings = new HashMap<>();
        settings.put("http.port", "0");
        settings.put("http.host", "127.0.0.1");
        settings.put("kafka.bootstrap.servers", TestKafka.bootstrapServers());
        settings.put("topic.prefix", "t" + run + n + ".");
        settings.put("group.id", "kqf-test-" + run + "-" + n);
        settings.put("node.id", "node-" + run + "-" + n);
        settings.put("hustmq.minute", "1s");
        return settings;
    }

    public static TestFacade start() {
        return start(isolatedSettings());
    }

    public static TestFacade start(Map<String, String> settings) {
        return start(settings, java.time.Clock.systemUTC());
    }

    /** A node whose engine reads time from {@code clock} (a {@link TestClock} lets deadlines pass at once). */
    public static TestFacade start(Map<String, String> settings, java.time.Clock clock) {
        Settings parsed = SettingsLoader.defaultsWith(settings);
        return new TestFacade(Kqf.start(parsed, clock), Map.copyOf(settings));
    }

    public java.util.List<String> routes() {
        return kqf.routes();
    }

    public int httpPort() {
        return kqf.httpPort();
    }

    public io.kqf.engine.EngineRuntime runtime() {
        return kqf.runtime();
    }

    /** The settings this node was started with (to start a successor on the same queues). */
    public Map<String, String> settings() {
        return settings;
    }

    @Override
    public void close() {
        kqf.close();
    }
}
