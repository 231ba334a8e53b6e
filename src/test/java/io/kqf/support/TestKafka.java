package io.kqf.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.kqf.kafka.EmbeddedKafka;

/**
 * The one broker of a test JVM, started on first use and shared by every test class (each facade
 * in a test uses its own topic prefix and consumer group). This is the only place tests get a
 * broker from:
 * <ul>
 *   <li>{@code -Dkqf.test.kafka=embedded}: the embedded KRaft broker, on a free port;</li>
 *   <li>{@code -Dkqf.test.kafka=container}: an {@code apache/kafka} container (Testcontainers);</li>
 *   <li>unset ({@code auto}): the container where a Docker engine's socket exists, else embedded.</li>
 * </ul>
 */
public final class TestKafka {
    /** The image of the container path: the official Apache Kafka image, KRaft mode. */
    static final String IMAGE = "apache/kafka:4.1.1";
    private static String bootstrapServers;

    private TestKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            bootstrapServers = useContainer() ? startContainer() : startEmbedded();
        }
        return bootstrapServers;
    }

    private static boolean useContainer() {
        String choice = System.getProperty("kqf.test.kafka", "auto");
        return switch (choice) {
            case "container" -> true;
            case "embedded" -> false;
            // Only a socket that exists is worth asking: probing a missing engine costs seconds.
            case "auto" -> System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
            default -> throw new IllegalArgumentException("kqf.test.kafka must be embedded, container or auto, not " + choice);
        };
    }

    private static String startEmbedded() {
        try {
            Path dir = Files.createTempDirectory("kqf-test-kafka");
            EmbeddedKafka broker = EmbeddedKafka.start(dir, 0, 33 * 1024 * 1024);
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "test-kafka-shutdown"));
            return broker.bootstrapServers();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Items up to 32 MB, as the embedded broker allows; Testcontainers' Ryuk removes the container. */
    @SuppressWarnings("resource")
    private static String startContainer() {
        org.testcontainers.kafka.KafkaContainer kafka = new org.testcontainers.kafka.KafkaContainer(IMAGE)
                .withEnv("KAFKA_MESSAGE_MAX_BYTES", Integer.toString(33 * 1024 * 1024 + 64 * 1024))
                .withEnv("KAFKA_NUM_PARTITIONS", "1");
        kafka.start();
        return kafka.getBootstrapServers();
    }
}
