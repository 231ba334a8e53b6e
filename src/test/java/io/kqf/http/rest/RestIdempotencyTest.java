package io.kqf.http.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rometools.rome.feed.atom.Entry;
import com.rometools.rome.feed.atom.Feed;
import io.kqf.support.AtomCheck;
import io.kqf.support.RestClient;
import io.kqf.support.TestFacade;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** guid / Idempotency-Key publish: once per key within the window, also seen by a node started later (its own facade: the second node rebalances the group). */
class RestIdempotencyTest {
    private static final TestFacade node = TestFacade.start();
    private static final RestClient rest = new RestClient(node.http.base());

    @AfterAll
    static void stop() {
        node.close();
    }

    private static HttpResponse<byte[]> send(String method, String path, String body, String... headers) throws Exception {
        return rest.send(method, path, body, headers);
    }

    private static String text(HttpResponse<byte[]> response) {
        return RestClient.text(response);
    }

    @Test
    void a_guid_publish_is_stored_once_also_on_a_node_started_later() throws Exception {
        HttpResponse<byte[]> first = send("POST", "/queues/dedup/orders?guid=order-17", "{\"n\":17}",
                "Content-Type", "application/json");
        assertEquals(201, first.statusCode(), text(first));
        String location = first.headers().firstValue("Location").orElseThrow();
        HttpResponse<byte[]> repeat = send("POST", "/queues/dedup/orders", "{\"n\":17}",
                "Content-Type", "application/json", "Idempotency-Key", "order-17");
        assertEquals(200, repeat.statusCode());
        assertEquals(location, repeat.headers().firstValue("Location").orElseThrow());
        AtomCheck.entry(repeat.body());
        assertEquals(409, send("POST", "/queues/dedup/orders?guid=order-17", "{\"n\":18}",
                "Content-Type", "application/json").statusCode());
        assertEquals(400, send("POST", "/queues/dedup/orders?guid=", "x").statusCode());
        assertEquals(400, send("POST", "/queues/dedup/orders?guid=bad%20guid", "x").statusCode());

        // Another node of the same cluster starts with an empty memory, as a restarted one does:
        // it rebuilds the registry from Kafka.
        java.util.Map<String, String> second = new java.util.HashMap<>(node.settings());
        second.put("node.id", node.settings().get("node.id") + "-second");
        try (TestFacade restarted = TestFacade.start(second)) {
            HttpResponse<byte[]> afterRestart = new RestClient(restarted.http.base()).send("POST",
                    "/queues/dedup/orders?guid=order-17", "{\"n\":17}", "Content-Type", "application/json");
            assertEquals(200, afterRestart.statusCode(), "the registry lives in Kafka, not in the node");
            assertEquals(location, afterRestart.headers().firstValue("Location").orElseThrow());
        }
        Feed feed = AtomCheck.feed(send("GET", "/queues/dedup/orders", null).body());
        assertEquals(1, feed.getEntries().size(), "published once");
    }

}
