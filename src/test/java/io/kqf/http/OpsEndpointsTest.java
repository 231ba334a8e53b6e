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

/** Ops routes on a node with authentication on: probes and the API document need no credentials; the APIs, metrics and dashboard do. */
class OpsEndpointsTest {
    @TempDir
    static Path dir;
    private static TestFacade facade;
    private static final String CREDENTIALS = "Basic " + java.util.Base64.getEncoder()
            .encodeToString("ops:secret".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

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
    void the_queue_apis_and_metrics_still_ask_for_credentials() {
        assertEquals(401, facade.http.get("/stat_all").status());
        assertEquals(401, facade.http.get("/queues").status());
        Response metrics = facade.http.get("/metrics");
        assertEquals(401, metrics.status());
        assertTrue(metrics.header("WWW-Authenticate") != null, metrics.toString());
    }

    @Test
    void the_api_document_is_public_and_the_dashboard_asks_for_credentials() {
        assertEquals(200, facade.http.get("/openapi.json").status());
        assertEquals(200, facade.http.get("/docs").status());
        assertEquals(200, facade.http.get("/docs/swagger-ui.css").status());
        assertEquals(401, facade.http.get("/ui").status());
        assertEquals(401, facade.http.get("/ui/state.json").status());
        assertEquals(200, facade.http.send("GET", "/ui", null, CREDENTIALS).status());
    }

    @Test
    void the_dashboard_state_names_this_node_and_counts_a_queue_s_records() {
        String queue = "counted";
        for (String item : new String[] {"a", "b", "c"}) {
            // Through the REST API: the metrics test counts hustmq puts.
            assertEquals(201, facade.http.send("POST", "/queues/" + queue, item.getBytes(java.nio.charset.StandardCharsets.UTF_8), CREDENTIALS).status());
        }
        assertEquals(200, facade.http.send("GET", "/get?queue=" + queue + "&worker=worker1", null, CREDENTIALS).status());
        Response state = facade.http.send("GET", "/ui/state.json", null, CREDENTIALS);
        assertEquals(200, state.status(), state.toString());
        assertTrue(state.body().contains("\"node\":\"" + facade.settings().get("node.id") + "\""), state.body());
        assertTrue(state.body().contains("\"" + queue + "\":{\"appended\":3,\"taken\":1}")
                || state.body().contains("\"" + queue + "\":{\"taken\":1,\"appended\":3}"), state.body());
    }

    @Test
    void metrics_count_requests_by_route_and_show_the_queue_kafka_and_jvm() {
        String queue = "metered";
        assertEquals(200, facade.http.send("GET", "/put?queue=" + queue + "&item=a&priori=1", null, CREDENTIALS).status());
        assertEquals(200, facade.http.send("GET", "/put?queue=" + queue + "&item=b&priori=1", null, CREDENTIALS).status());

        Response metrics = facade.http.send("GET", "/metrics", null, CREDENTIALS);
        assertEquals(200, metrics.status(), metrics.toString());
        assertTrue(metrics.header("Content-Type").startsWith("text/plain; version=0.0.4"), metrics.toString());
        String text = metrics.body();
        assertTrue(text.contains("kqf_http_requests_seconds_count{endpoint=\"/put\",method=\"GET\",node=\""
                + facade.settings().get("node.id") + "\",status=\"200\"} 2"), text);
        assertTrue(text.contains("kqf_queue_ready{lane=\"1\",node=\"" + facade.settings().get("node.id")
                + "\",queue=\"" + queue + "\"} 2.0"), text);
        assertTrue(text.contains("kafka_producer_record_send_total{"), "Kafka client metrics: " + text);
        assertTrue(text.contains("jvm_memory_used_bytes{"), text);
        assertTrue(!text.contains("partition=\""), "no per-partition series");
    }
}
