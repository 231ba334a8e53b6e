package io.kqf.http.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.rometools.rome.feed.atom.Entry;
import com.rometools.rome.feed.atom.Feed;
import com.rometools.rome.feed.atom.Link;
import io.kqf.support.AtomCheck;
import io.kqf.support.RestClient;
import io.kqf.support.TestFacade;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Subscriptions over real HTTP and the real test broker: leases, acks by DELETE, interop with hustmq. */
class RestSubscriptionsTest {
    private static final TestFacade node = TestFacade.start();
    private static final RestClient rest = new RestClient(node.http.base());

    @AfterAll
    static void stop() {
        node.close();
    }

    private static HttpResponse<byte[]> send(String method, String path, String body, String... headers) throws Exception {
        return rest.send(method, path, body, headers);
    }

    private static String subscribe(String form) throws Exception {
        HttpResponse<byte[]> created = send("POST", "/subscriptions", form, "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(201, created.statusCode(), new String(created.body(), StandardCharsets.UTF_8));
        AtomCheck.entry(created.body());
        return created.headers().firstValue("Location").orElseThrow();
    }

    private static List<String> ackLinks(Feed feed) {
        List<String> links = new ArrayList<>();
        for (Object e : feed.getEntries()) {
            for (Object l : ((Entry) e).getOtherLinks()) {
                if ("edit".equals(((Link) l).getRel())) {
                    links.add(((Link) l).getHref());
                }
            }
        }
        return links;
    }

    @Test
    void a_hustmq_put_is_leased_to_a_subscription_and_acked_by_delete() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(200, node.http.get("/put?queue=uk.products.books&item=book" + i).status());
        }
        String subscription = subscribe("destination=uk.products.>&prefetch=2");
        Feed first = AtomCheck.feed(send("GET", subscription, null).body());
        assertEquals(2, first.getEntries().size());
        Feed again = AtomCheck.feed(send("GET", subscription, null).body());
        assertEquals(ackLinks(first), ackLinks(again), "a repeated GET answers the same leases");

        String ack = ackLinks(first).get(0);
        assertEquals(204, send("DELETE", ack, null).statusCode());
        assertEquals(204, send("DELETE", ack, null).statusCode(), "a repeated ack answers as the first");
        Feed topped = AtomCheck.feed(send("GET", subscription, null).body());
        assertEquals(2, topped.getEntries().size());
        assertTrue(!ackLinks(topped).contains(ack));

        // Delete the subscription: its leases go back at once and hustmq get receives them.
        assertEquals(204, send("DELETE", subscription, null).statusCode());
        assertEquals(404, send("GET", subscription, null).statusCode());
        int got = 0;
        while (node.http.get("/get?queue=uk.products.books&worker=hustmq-worker").status() == 200) {
            got++;
        }
        assertEquals(2, got);
    }

    @Test
    void a_rest_publish_reaches_hustmq_get_and_a_parked_subscription_wakes() throws Exception {
        String subscription = subscribe("destination=interop.q&prefetch=1");
        var parked = rest.sendAsync("GET", subscription, null, "Prefer", "wait=30");
        assertEquals(201, send("POST", "/queues/interop/q", "first", "Content-Type", "text/plain").statusCode());
        HttpResponse<byte[]> woke = parked.get();
        assertEquals("wait=30", woke.headers().firstValue("Preference-Applied").orElseThrow());
        assertEquals(1, AtomCheck.feed(woke.body()).getEntries().size());

        assertEquals(201, send("POST", "/queues/interop/q", "second", "Content-Type", "text/plain").statusCode());
        var got = node.http.get("/get?queue=interop.q&worker=hustmq-worker");
        assertEquals(200, got.status());
        assertEquals("second", got.body());
    }

    @Test
    void refusals_are_4xx_with_a_reason() throws Exception {
        assertEquals(400, send("POST", "/subscriptions", "prefetch=2", "Content-Type", "application/x-www-form-urlencoded").statusCode());
        assertEquals(400, send("POST", "/subscriptions", "destination=a.>.b", "Content-Type", "application/x-www-form-urlencoded").statusCode());
        assertEquals(400, send("POST", "/subscriptions", "destination=a&prefetch=0", "Content-Type", "application/x-www-form-urlencoded").statusCode());
        assertEquals(404, send("GET", "/subscriptions/nope", null).statusCode());
        String subscription = subscribe("destination=refusals");
        assertEquals(404, send("DELETE", subscription + "/messages/garbage", null).statusCode());
        assertEquals(410, send("DELETE", subscription + "/messages/refusals~0-0-0-1", null).statusCode());
    }
}
