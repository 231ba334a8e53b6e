package io.kqf.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.kqf.support.Http.Response;
import io.kqf.support.TestFacade;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /health and /ready on a node with authentication on: probes need no credentials, the APIs still do. */
class OpsEndpointsTest {
    @TempDir
    static Path dir;
    private static TestFacade facade;

    @BeforeAll
    static void start() throws IOException {
        Path authFile = dir.resolve("htpasswd");
        Files.writeString(authFile, "ops:secret\n");
        Map<String, String> settings = TestFacade.isolatedSettings();
        settings.put("auth.file", authFile.toString());
        facade = TestFacade.start(settings);
    }

    @AfterAll
    static void stop() {
        facade.close();
    }

    @Test
    void health_answers_without_credentials() {
        Response health = facade.http.get("/health");
        assertEquals(200, health.status());
        assertEquals("{\"status\":\"up\"}", health.body());
    }

    @Test
    void ready_says_kafka_answers_and_names_the_node() {
        Response ready = facade.http.get("/ready");
        assertEquals(200, ready.status(), ready.toString());
        assertTrue(ready.body().contains("\"status\":\"ready\""), ready.body());
        assertTrue(ready.body().contains("\"node\":\"" + facade.settings().get("node.id") + "\""), ready.body());
    }

    @Test
    void the_queue_apis_still_ask_for_credentials() {
        assertEquals(401, facade.http.get("/stat_all").status());
        assertEquals(401, facade.http.get("/queues").status());
    }
}
