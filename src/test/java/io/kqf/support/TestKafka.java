package io.kqf.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.kqf.kafka.EmbeddedKafka;

/**
 * The one embedded broker of a test JVM, started on first use on a free port and shared by every
 * test class (each facade in a test uses its own topic prefix and consumer group).
 */
public final class TestKafka {
    private static EmbeddedKafka broker;

    private TestKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (broker == null) {
            try {
                Path dir = Files.createTempDirectory("kqf-test-kafka");
                broker = EmbeddedKafka.start(dir, 0, 33 * 1024 * 1024);
                Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "test-kafka-shutdown"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return broker.bootstrapServers();
    }
}
