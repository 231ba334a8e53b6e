package io.kqf.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.kqf.support.ChildFacade;
import io.kqf.support.Http;
import org.junit.jupiter.api.Test;

/**
 * The README's start command, for real: {@code java -jar target/kqf.jar} with no Kafka configured
 * starts its own embedded broker and serves. Runs after packaging (failsafe), so a jar that lacks
 * a run-time class fails the build, not a new user.
 */
class PackagedJarIT {

    @Test
    void the_fat_jar_starts_on_its_embedded_broker_and_serves_put_and_get() throws Exception {
        Path jar = Path.of("target", "kqf.jar");
        assertTrue(Files.exists(jar), "mvn package builds target/kqf.jar");
        Path data = Files.createTempDirectory("kqf-jar-it");
        ChildFacade node = ChildFacade.startJar(jar, Map.of("http.port", "0", "http.host", "127.0.0.1",
                "data.dir", data.toString(), "embedded.kafka.port", "0"));
        try {
            Http http = node.http;
            assertEquals(200, http.get("/put?queue=jar&item=works").status());
            assertEquals("works", http.get("/get?queue=jar&worker=worker1").body());
            assertTrue(Files.exists(data.resolve("kafka").resolve("meta.properties")), "broker data under data.dir/kafka");
        } finally {
            node.kill();
        }
    }
}
