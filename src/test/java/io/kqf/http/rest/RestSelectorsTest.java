package io.kqf.http.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rometools.rome.feed.atom.Feed;
import io.kqf.support.AtomCheck;
import io.kqf.support.Await;
import io.kqf.support.RestClient;
import io.kqf.support.TestFacade;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Selectors, wildcards and competing consumers over real HTTP and the real test broker. */
class RestSelectorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestFacade node = TestFacade.start();
    private static final RestClient rest = new RestClient(node.http.base());

    @AfterAll
    static void stop() {
        node.close();
    }

    /** Six products: name, colour, price (a header string), and size only on some. */
    @BeforeAll
    static void publishProducts() throws Exception {
        publish("catalog", "p1", "prop.colour=red&prop.price=5&prop.size=S");
        publish("catalog", "p2", "prop.colour=blue&prop.price=12");
        publish("catalog", "p3", "prop.colour=green&prop.price=30&prop.size=L");
        publish("catalog", "p4", "prop.colour=red&prop.price=100");
        publish("catalog", "p5", "prop.colour=navy-blue&prop.price=9.5");
        publish("catalog", "p6", "prop.colour=black&prop.price=cheap");
    }

    private static void publish(String queue, String body, String query) throws Exception {
        HttpResponse<byte[]> published = rest.send("POST", "/queues/" + queue + "?" + query, body,
                "Content-Type", "text/plain");
        assertEquals(201, published.statusCode(), RestClient.text(published));
    }

    private static HttpResponse<byte[]> trySubscribe(String destination, String selector, int prefetch) throws Exception {
        String form = "destination=" + destination + "&prefetch=" + prefetch
                + (selector == null ? "" : "&selector=" + URLEncoder.encode(selector, StandardCharsets.UTF_8));
        return rest.send("POST", "/subscriptions", form, "Content-Type", "application/x-www-form-urlencoded");
    }

    private static String subscribe(String destination, String selector, int prefetch) throws Exception {
        HttpResponse<byte[]> created = trySubscribe(destination, selector, prefetch);
        assertEquals(201, created.statusCode(), RestClient.text(created));
        AtomCheck.entry(created.body());
        return created.headers().firstValue("Location").orElseThrow();
    }

    private static JsonNode feed(String subscription) throws Exception {
        HttpResponse<byte[]> feed = rest.send("GET", subscription, null, "Accept", "application/json");
        assertEquals(200, feed.statusCode(), RestClient.text(feed));
        return JSON.readTree(feed.body());
    }

    /** The bodies the subscription holds, once it holds {@code count}, sorted. */
    private static List<String> holding(String subscription, int count) {
        return Await.until(subscription + " holding " + count, () -> {
            try {
                JsonNode entries = feed(subscription).get("entries");
                if (entries.size() != count) {
                    return null;
                }
                List<String> bodies = new ArrayList<>();
                entries.forEach(e -> bodies.add(e.get("body").asText()));
                Collections.sort(bodies);
                return bodies;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "colour = 'red'                      | p1,p4",
            "colour IN ('blue', 'green')         | p2,p3",
            "colour LIKE '%blue'                 | p2,p5",
            "price BETWEEN 10 AND 40             | p2,p3",
            "size IS NULL                        | p2,p4,p5,p6",
            "price > 10                          | p2,p3,p4",
            "price < 10.0                        | p1,p5",
            "colour = 'red' AND price >= 100     | p4",
    })
    void a_selector_leases_exactly_the_messages_it_selects(String selector, String expected) throws Exception {
        List<String> wanted = List.of(expected.split(","));
        String subscription = subscribe("catalog", selector, 10);
        assertEquals(wanted, holding(subscription, wanted.size()));
        // The entry shows the original message: its queue and its place there.
        JsonNode entry = feed(subscription).get("entries").get(0);
        assertEquals("catalog", entry.get("queue").asText());
        assertTrue(entry.get("headers").has("colour"));
        assertTrue(!entry.get("headers").has("kqf-view-offset"), entry.toString());
        rest.send("DELETE", subscription, null);
    }

    @Test
    void an_ack_in_one_view_leaves_the_message_to_the_others_and_to_browse() throws Exception {
        String reds = subscribe("catalog", "colour = 'red' AND price < 10", 10);
        assertEquals(List.of("p1"), holding(reds, 1));
        String ack = feed(reds).get("entries").get(0).get("links").get("ack").asText();
        assertEquals(204, rest.send("DELETE", ack, null).statusCode());
        assertEquals(204, rest.send("DELETE", ack, null).statusCode()); // a repeated ack answers as the first
        assertEquals(0, feed(reds).get("entries").size());

        Feed browsed = AtomCheck.feed(rest.send("GET", "/queues/catalog", null).body());
        assertEquals(6, browsed.getEntries().size());
        String cheap = subscribe("catalog", "price < 6", 10);
        assertEquals(List.of("p1"), holding(cheap, 1));
    }

    @Test
    void a_bad_selector_is_400_with_the_parsers_reason() throws Exception {
        HttpResponse<byte[]> refused = trySubscribe("catalog", "colour = ", 1);
        assertEquals(400, refused.statusCode());
        String reason = RestClient.text(refused);
        assertTrue(!reason.isBlank() && !reason.contains("Exception") && reason.lines().count() == 1, reason);
    }

    @Test
    void a_wildcard_selector_subscription_picks_up_a_queue_created_after_it() throws Exception {
        publish("zoo.cats", "tom", "prop.kind=cat");
        String cats = subscribe("zoo.*", "kind = 'cat'", 10);
        assertEquals(List.of("tom"), holding(cats, 1));
        publish("zoo.lions", "leo", "prop.kind=cat");
        publish("zoo.dogs", "rex", "prop.kind=dog");
        assertEquals(List.of("leo", "tom"), holding(cats, 2));
    }

    @ParameterizedTest(name = "selector {0}")
    @CsvSource(value = {"''", "kind = 'job'"})
    void four_competing_subscriptions_ack_every_message_exactly_once(String selector) throws Exception {
        String queue = selector.isEmpty() ? "work.plain" : "work.selected";
        int messages = 120;
        for (int i = 0; i < messages; i++) {
            publish(queue, "job" + i, "prop.kind=job");
        }
        Map<String, Integer> acked = new ConcurrentHashMap<>();
        AtomicInteger total = new AtomicInteger();
        ExecutorService consumers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                String subscription = subscribe(queue, selector.isEmpty() ? null : selector, 7);
                running.add(consumers.submit(() -> {
                    while (total.get() < messages) {
                        HttpResponse<byte[]> got = rest.send("GET", subscription, null, "Accept", "application/json",
                                "Prefer", "wait=1");
                        for (JsonNode entry : JSON.readTree(got.body()).get("entries")) {
                            HttpResponse<byte[]> ack = rest.send("DELETE", entry.get("links").get("ack").asText(), null);
                            assertEquals(204, ack.statusCode(), RestClient.text(ack));
                            acked.merge(entry.get("body").asText(), 1, Integer::sum);
                            total.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> consumer : running) {
                consumer.get(120, TimeUnit.SECONDS);
            }
        } finally {
            consumers.shutdownNow();
        }
        Map<String, Integer> once = new HashMap<>();
        for (int i = 0; i < messages; i++) {
            once.put("job" + i, 1);
        }
        assertEquals(once, acked);
    }
}
