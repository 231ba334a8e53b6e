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

    @Test
    void a_token_publish_is_stored_once_and_any_node_verifies_the_token() throws Exception {
        HttpResponse<byte[]> minted = send("POST", "/queues/tokens/orders", "");
        assertEquals(201, minted.statusCode(), text(minted));
        String url = minted.headers().firstValue("Location").orElseThrow();
        assertTrue(url.startsWith("/queues/tokens/orders/messages/new/"), url);
        assertEquals(404, send("GET", "/queues/tokens/orders", null).statusCode(), "minting creates no queue");

        HttpResponse<byte[]> stored = send("POST", url + "?prop.lang=en", "{\"n\":1}", "Content-Type", "application/json");
        assertEquals(201, stored.statusCode(), text(stored));
        String location = stored.headers().firstValue("Location").orElseThrow();
        AtomCheck.entry(stored.body());
        JsonNode json = new ObjectMapper().readTree(send("GET", location, null, "Accept", "application/json").body());
        assertEquals("en", json.get("headers").get("lang").asText(), "prop.* is stored on a token publish too");
        HttpResponse<byte[]> repeat = send("PUT", url, "{\"n\":1}", "Content-Type", "application/json");
        assertEquals(200, repeat.statusCode(), text(repeat));
        assertEquals(location, repeat.headers().firstValue("Location").orElseThrow());
        assertEquals(409, send("PUT", url, "{\"n\":2}", "Content-Type", "application/json").statusCode());
        assertEquals(409, send("PUT", url, "{\"n\":1}", "Content-Type", "text/plain").statusCode());

        String token = url.substring(url.lastIndexOf('/') + 1);
        String forged = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        HttpResponse<byte[]> refused = send("POST", "/queues/tokens/orders/messages/new/" + forged, "x");
        assertEquals(400, refused.statusCode());
        assertTrue(text(refused).contains("forged"), text(refused));
        assertEquals(400, send("POST", "/queues/tokens/other/messages/new/" + token, "x").statusCode(),
                "a token is bound to its queue");
        assertEquals(400, send("PUT", "/queues/tokens/orders/messages/new/", "x").statusCode());

        java.util.Map<String, String> second = new java.util.HashMap<>(node.settings());
        second.put("node.id", node.settings().get("node.id") + "-tokens");
        try (TestFacade other = TestFacade.start(second)) {
            RestClient otherRest = new RestClient(other.http.base());
            HttpResponse<byte[]> elsewhere = otherRest.send("PUT", url, "{\"n\":1}", "Content-Type", "application/json");
            assertEquals(200, elsewhere.statusCode(), "the secret and the registry live in Kafka: " + text(elsewhere));
            assertEquals(location, elsewhere.headers().firstValue("Location").orElseThrow());
            String mintedThere = otherRest.send("POST", "/queues/tokens/orders", "").headers().firstValue("Location")
                    .orElseThrow();
            assertEquals(201, send("POST", mintedThere, "second").statusCode(), "a token minted there is good here");
        }
        // The second node's leaving rebalances the group: browse answers 503 until this node serves the partition again.
        HttpResponse<byte[]> browsed = io.kqf.support.Await.until("the queue served here again", () -> {
            try {
                HttpResponse<byte[]> page = send("GET", "/queues/tokens/orders", null);
                return page.statusCode() == 503 ? null : page;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(2, AtomCheck.feed(browsed.body()).getEntries().size());
    }
}
