package io.kqf.support;

import java.time.Clock;
import java.util.Map;

import io.kqf.app.Kqf;
import io.kqf.config.Settings;
import io.kqf.config.SettingsLoader;
import io.kqf.engine.EngineRuntime;
import io.kqf.kafka.KafkaClients;

/** An engine without HTTP on the shared test broker, for tests of the engine's own API. */
public final class TestEngines {
    private TestEngines() {
    }

    /** A new, isolated node's engine (its own prefix and group) reading time from {@code clock}. */
    public static EngineRuntime start(Clock clock) {
        return start(TestFacade.isolatedSettings(), clock);
    }

    /** An engine with these settings: start twice with the same ones to restart a node. */
    public static EngineRuntime start(Map<String, String> settings, Clock clock) {
        Settings parsed = SettingsLoader.defaultsWith(settings);
        KafkaClients clients = new KafkaClients(parsed.bootstrapServers(), parsed.kafka(), parsed.maxItemBytes());
        return EngineRuntime.start(clients, Kqf.engineOptions(parsed, (short) 1), clock);
    }
}
