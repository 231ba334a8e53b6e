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

/** The REST queue resources over real HTTP and the real test broker; every Atom document is checked with ROME. */
class RestQueuesTest {
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

    private static String create(String name) throws Exception {
        HttpResponse<byte[]> created = send("POST", "/queues", "name=" + name,
                "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(201, created.statusCode(), text(created));
        AtomCheck.entry(created.body());
        return created.headers().firstValue("Location").orElseThrow();
    }

    @Test
    void the_service_document_names_both_collections() throws Exception {
        HttpResponse<byte[]> service = send("GET", "/", null);
        assertEquals(200, service.statusCode());
        assertTrue(service.headers().firstValue("Content-Type").orElseThrow().startsWith("application/atomsvc+xml"));
        assertTrue(text(service).contains("/queues") && text(service).contains("/subscriptions"));
        assertEquals(406, send("GET", "/", null, "Accept", "application/xml").statusCode());
    }

    @Test
    void creating_is_idempotent_and_both_spellings_name_one_queue() throws Exception {
        assertEquals("/queues/uk/products/books", create("uk.products.books"));
        HttpResponse<byte[]> again = send("POST", "/queues", "name=uk.products.books",
                "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(200, again.statusCode());
        assertEquals(204, send("PUT", "/queues/uk/products/books", null).statusCode());
        assertEquals(201, send("PUT", "/queues/uk/products/films", null).statusCode());

        Feed top = AtomCheck.feed(send("GET", "/queues", null).body());
        assertTrue(top.getEntries().stream().anyMatch(e -> ((Entry) e).getTitle().equals("uk")));
        Feed products = AtomCheck.feed(send("GET", "/queues/uk/products", null).body());
        assertEquals(List.of("books", "films"), products.getEntries().stream().map(e -> ((Entry) e).getTitle()).toList());
    }

    @Test
    void published_messages_are_browsed_page_by_page_exactly_once_without_being_consumed() throws Exception {
        create("shop.orders");
        List<String> locations = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            HttpResponse<byte[]> published = send("POST", "/queues/shop/orders?prop.color=red&key=k" + i,
                    "{\"n\":" + i + "}", "Content-Type", "application/json");
            assertEquals(201, published.statusCode(), text(published));
            AtomCheck.entry(published.body());
            locations.add(published.headers().firstValue("Location").orElseThrow());
        }
        List<String> seen = new ArrayList<>();
        String page = "/queues/shop/orders?limit=2";
        for (int pages = 0; page != null; pages++) {
            assertTrue(pages < 10, "paging ends");
            HttpResponse<byte[]> response = send("GET", page, null);
            assertEquals(200, response.statusCode());
            Feed feed = AtomCheck.feed(response.body());
            feed.getEntries().forEach(e -> seen.add(((Entry) e).getId()));
            page = next(response.headers().firstValue("Link").orElse(""));
        }
        assertEquals(5, seen.size());
        assertEquals(5, seen.stream().distinct().count(), "each message exactly once");

        HttpResponse<byte[]> body = send("GET", locations.get(2) + "/body", null);
        assertEquals("{\"n\":2}", text(body));
        assertTrue(body.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        Entry entry = AtomCheck.entry(send("GET", locations.get(2), null).body());
        assertTrue(entry.getId().startsWith("tag:kqf,2026:msg/shop.orders/"));

        // The same queue through the hustmq API: browsing consumed nothing.
        assertEquals(200, node.http.get("/get?queue=shop.orders&worker=hustmq-worker").status());
        HttpResponse<byte[]> json = send("GET", "/queues/shop/orders", null, "Accept", "application/json");
        JsonNode feed = new ObjectMapper().readTree(json.body());
        assertEquals(4, feed.get("entries").size(), "the message hustmq got and acked left the browse");
        assertEquals("red", feed.get("entries").get(0).get("headers").get("color").asText());
    }

    @Test
    void a_message_put_through_hustmq_is_browsed_here() throws Exception {
        assertEquals(200, node.http.get("/put?queue=from_hustmq&item=hello").status());
        Feed feed = AtomCheck.feed(send("GET", "/queues/from_hustmq", null).body());
        assertEquals(1, feed.getEntries().size());
    }

    @Test
    void bad_input_gets_a_4xx_with_the_reason_in_the_body() throws Exception {
        HttpResponse<byte[]> bad = send("POST", "/queues", "name=bad name!", "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(400, bad.statusCode());
        assertFalse(text(bad).isBlank());
        assertEquals(400, send("GET", "/queues/a/messages", null).statusCode());
        assertEquals(400, send("GET", "/queues/a/__x", null).statusCode());
        assertEquals(404, send("GET", "/queues/never/created", null).statusCode());
        assertEquals(404, send("GET", "/queues/shop/orders/messages/0-999999", null).statusCode());
        assertEquals(201, send("PUT", "/queues/paged", null).statusCode());
        assertEquals(400, send("GET", "/queues/paged?cursor=%21%21", null).statusCode());
        assertEquals(400, send("GET", "/queues/paged?limit=501", null).statusCode());
        HttpResponse<byte[]> json = send("GET", "/queues/never/created", null, "Accept", "application/json");
        assertTrue(new ObjectMapper().readTree(json.body()).has("error"));
    }

    @Test
    void a_deleted_queue_is_gone_and_its_name_can_be_used_again_at_once() throws Exception {
        assertEquals(201, send("POST", "/queues/doomed/q", "one", "Content-Type", "text/plain").statusCode());
        assertEquals(204, send("DELETE", "/queues/doomed/q", null).statusCode());
        assertEquals(404, send("GET", "/queues/doomed/q", null).statusCode());
        assertEquals(404, send("DELETE", "/queues/doomed/q", null).statusCode());
        assertEquals(404, send("DELETE", "/queues/doomed", null).statusCode(), "a category is no queue");
        assertEquals(404, send("DELETE", "/queues/never/was", null).statusCode());
        assertEquals(404, node.http.get("/get?queue=doomed.q&worker=worker1").status(), "hustmq sees it gone too");

        assertEquals(201, send("PUT", "/queues/doomed/q", null).statusCode());
        assertEquals(201, send("POST", "/queues/doomed/q", "two", "Content-Type", "text/plain").statusCode());
        Feed feed = AtomCheck.feed(send("GET", "/queues/doomed/q", null).body());
        assertEquals(1, feed.getEntries().size(), "the old message does not come back");
    }

    @Test
    void a_hustmq_put_keeps_its_media_type() throws Exception {
        assertEquals(200, node.http.get("/put?queue=typed&item=abc").status());
        Feed feed = AtomCheck.feed(send("GET", "/queues/typed", null).body());
        String id = ((Entry) feed.getEntries().get(0)).getTitle();
        HttpResponse<byte[]> body = send("GET", "/queues/typed/messages/" + id + "/body", null);
        assertEquals("abc", text(body));
        assertTrue(body.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
    }

    private static String next(String linkHeader) {
        Matcher m = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"").matcher(linkHeader);
        return m.find() ? m.group(1) : null;
    }
}
