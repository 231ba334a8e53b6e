package io.kqf.bench;

import java.nio.file.Files;
import java.nio.file.Path;

import io.kqf.kafka.EmbeddedKafka;

/**
 * The embedded single-node broker in its own JVM, so benchmarks measure the facade's heap and CPU
 * apart from the broker's. Prints {@code BOOTSTRAP host:port} once it serves.
 */
public final class BrokerMain {
    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("kqf-bench-kafka");
        EmbeddedKafka broker = EmbeddedKafka.start(dir, 0, 33 * 1024 * 1024);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        System.out.println("BOOTSTRAP " + broker.bootstrapServers());
        System.out.flush();
        Thread.currentThread().join();
    }
}
