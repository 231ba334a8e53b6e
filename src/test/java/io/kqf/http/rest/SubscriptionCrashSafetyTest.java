package io.kqf.http.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kqf.support.Await;
import io.kqf.support.ChildFacade;
import io.kqf.support.Http;
import io.kqf.support.RestClient;
import io.kqf.support.TestFacade;
import org.junit.jupiter.api.Test;

/**
 * The hustmq crash test's promises for REST subscriptions: a node is killed with SIGKILL and a
 * successor with the same node id serves its subscriptions again. No lease is lost (the feed shows
 * the same messages under the same URIs, and they still ack), no acked message comes back, no
 * live lease is handed to anyone else before its deadline, a lapsed one is, and a deleted
 * subscription stays deleted.
 */
class SubscriptionCrashSafetyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void a_killed_node_keeps_its_subscriptions_and_their_leases() throws Exception {
        Map<String, String> settings = TestFacade.isolatedSettings();
        ChildFacade first = ChildFacade.start(settings);
        RestClient before = new RestClient(first.http.base());

        for (int i = 0; i < 20; i++) {
            assertEquals(200, first.http.get("/put?queue=crash.jobs&item=m-" + i).status());
        }
        String jobs = subscribe(before, "destination=crash.jobs&prefetch=5&ackTimeout=600&timeout=600");
        Map<String, String> leased = entries(before, jobs);
        assertEquals(5, leased.size());
        List<String> acked = new ArrayList<>(leased.keySet()).subList(0, 2);
        for (String body : acked) {
            assertEquals(204, before.send("DELETE", leased.get(body), null).statusCode());
        }
        Map<String, String> stillLeased = new LinkedHashMap<>(leased);
        acked.forEach(stillLeased::remove);

        assertEquals(200, first.http.get("/put?queue=crash.short&item=s-0").status());
        String shortLived = subscribe(before, "destination=crash.short&prefetch=1&ackTimeout=2&timeout=600");
        assertEquals(Set.of("s-0"), entries(before, shortLived).keySet());

        publish(before, "crash.sel", "red-1", "prop.colour=red");
        publish(before, "crash.sel", "blue-1", "prop.colour=blue");
        publish(before, "crash.sel", "red-2", "prop.colour=red");
        String selecting = subscribe(before, "destination=crash.sel&prefetch=1&ackTimeout=600&timeout=600&selector="
                + URLEncoder.encode("colour = 'red'", StandardCharsets.UTF_8));
        Map<String, String> red = Await.until("the selector view leases a red message", () -> {
            Map<String, String> held = entries(before, selecting);
            return held.isEmpty() ? null : held;
        });
        assertEquals(Set.of("red-1"), red.keySet());

        String deleted = subscribe(before, "destination=crash.jobs&prefetch=1");
        assertEquals(204, before.send("DELETE", deleted, null).statusCode());

        first.kill();

        try (TestFacade second = TestFacade.start(settings)) {
            RestClient after = new RestClient(second.http.base());
            Http hustmq = second.http;

            Map<String, String> restored = entries(after, jobs);
            assertEquals(5, restored.size(), "topped up to the prefetch again");
            for (Map.Entry<String, String> lease : stillLeased.entrySet()) {
                assertEquals(lease.getValue(), restored.get(lease.getKey()), "a lease from before the crash keeps its URI");
            }
            for (String body : acked) {
                assertFalse(restored.containsKey(body), "an acked message never comes back: " + body);
            }

            Set<String> seen = new HashSet<>(restored.keySet());
            seen.addAll(acked);
            List<String> drained = drain(hustmq, "crash.jobs");
            assertEquals(13, drained.size(), "the rest are ready, the live leases are not: " + drained);
            for (String body : drained) {
                assertTrue(seen.add(body), "delivered twice: " + body);
            }
            assertEquals(20, seen.size(), "every message put is there");
            for (String ack : restored.values()) {
                assertEquals(204, after.send("DELETE", ack, null).statusCode(), "a lease from before the crash still acks");
            }
            assertTrue(hustmq.get("/stat?queue=crash.jobs").body().contains("\"unacked\":0"));

            String redelivered = Await.until("the lapsed short lease is handed out again", Duration.ofSeconds(30), () -> {
                Http.Response got = hustmq.get("/get?queue=crash.short&worker=other");
                return got.status() == 200 ? got.body() : null;
            });
            assertEquals("s-0", redelivered);

            assertEquals(red, entries(after, selecting), "the selector view's lease survives with its URI");
            assertEquals(204, after.send("DELETE", red.get("red-1"), null).statusCode());
            assertEquals(Set.of("red-2"), Await.until("the view leases the next red message", () -> {
                Map<String, String> held = entries(after, selecting);
                return held.isEmpty() ? null : held;
            }).keySet());

            assertEquals(404, after.send("GET", deleted, null).statusCode(), "a deleted subscription stays deleted");
        }
    }

    private static String subscribe(RestClient rest, String form) throws Exception {
        HttpResponse<byte[]> created = rest.send("POST", "/subscriptions", form,
                "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(201, created.statusCode(), RestClient.text(created));
        return created.headers().firstValue("Location").orElseThrow();
    }

    private static void publish(RestClient rest, String queue, String body, String query) throws Exception {
        HttpResponse<byte[]> published = rest.send("POST", "/queues/" + queue + "?" + query, body,
                "Content-Type", "text/plain");
        assertEquals(201, published.statusCode(), RestClient.text(published));
    }

    /** The subscription's feed: body → ack URI. */
    private static Map<String, String> entries(RestClient rest, String subscription) {
        try {
            HttpResponse<byte[]> feed = rest.send("GET", subscription, null, "Accept", "application/json");
            assertEquals(200, feed.statusCode(), RestClient.text(feed));
            Map<String, String> entries = new LinkedHashMap<>();
            for (JsonNode entry : JSON.readTree(feed.body()).get("entries")) {
                entries.put(entry.get("body").asText(), entry.get("links").get("ack").asText());
            }
            return entries;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> drain(Http http, String queue) {
        List<String> items = new ArrayList<>();
        while (true) {
            Http.Response r = http.get("/get?queue=" + queue + "&worker=drainer");
            if (r.status() == 404) {
                return items;
            }
            assertEquals(200, r.status(), r.toString());
            items.add(r.body());
        }
    }
}
