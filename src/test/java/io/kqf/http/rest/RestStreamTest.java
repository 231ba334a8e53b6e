package io.kqf.http.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kqf.support.Await;
import io.kqf.support.RestClient;
import io.kqf.support.SseConnection;
import io.kqf.support.TestFacade;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** {@code GET /subscriptions/{sid}/stream} over real HTTP: delivery, ack, resume, disconnect, end. */
class RestStreamTest {
    private static final TestFacade node = TestFacade.start();
    private static final RestClient rest = new RestClient(node.http.base());
    private static final ObjectMapper JSON = new ObjectMapper();

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String subscribe(String form) throws Exception {
        HttpResponse<byte[]> created = rest.send("POST", "/subscriptions", form,
                "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(201, created.statusCode(), RestClient.text(created));
        return created.headers().firstValue("Location").orElseThrow();
    }

    private static void publish(String queuePath, String body) throws Exception {
        assertEquals(201, rest.send("POST", "/queues/" + queuePath, body, "Content-Type", "text/plain").statusCode());
    }

    private static SseConnection stream(String subscription, String... headers) throws Exception {
        SseConnection sse = new SseConnection(node.http.base(), subscription + "/stream", headers);
        assertEquals(200, sse.status);
        assertTrue(sse.headers.get("content-type").startsWith("text/event-stream"), sse.headers.toString());
        return sse;
    }

    private static String body(SseConnection.Event event) throws Exception {
        JsonNode entry = JSON.readTree(event.data());
        return entry.path("body").asText();
    }

    @Test
    void streams_leased_messages_and_an_ack_makes_room_under_the_prefetch() throws Exception {
        for (int i = 0; i < 3; i++) {
            publish("stream/ack", "m" + i);
        }
        String subscription = subscribe("destination=stream.ack&prefetch=2");
        try (SseConnection sse = stream(subscription, "Accept", "text/event-stream")) {
            SseConnection.Event first = sse.next();
            SseConnection.Event second = sse.next();
            assertEquals("message", first.type());
            assertTrue(first.data().contains("m0"), first.data());
            assertTrue(second.data().contains("m1"), second.data());
            // The prefetch bounds what is unacked: one message is still ready on the queue.
            assertTrue(node.http.get("/stat?queue=stream.ack").body().contains("\"ready\":[1,0,0]"));

            assertEquals(204, rest.send("DELETE", subscription + "/messages/" + first.id(), null).statusCode());
            SseConnection.Event third = sse.next();
            assertTrue(third.data().contains("m2"), third.data());
            assertEquals(204, rest.send("DELETE", subscription + "/messages/" + second.id(), null).statusCode());
            assertEquals(204, rest.send("DELETE", subscription + "/messages/" + third.id(), null).statusCode());
            publish("stream/ack", "m3");
            assertTrue(sse.next().data().contains("m3"), "a message published later streams too");
        }
    }

    @Test
    void last_event_id_resumes_after_the_messages_already_seen() throws Exception {
        for (int i = 0; i < 3; i++) {
            publish("stream/resume", "r" + i);
        }
        String subscription = subscribe("destination=stream.resume&prefetch=3");
        List<String> ids = new ArrayList<>();
        try (SseConnection sse = stream(subscription)) {
            for (int i = 0; i < 3; i++) {
                ids.add(sse.next().id());
            }
        }
        assertEquals(3, new HashSet<>(ids).size());
        try (SseConnection resumed = stream(subscription, "Last-Event-ID", ids.get(0))) {
            assertEquals(ids.get(1), resumed.next().id(), "resumes after the last event seen");
            assertEquals(ids.get(2), resumed.next().id());
        }
        try (SseConnection again = stream(subscription)) {
            assertEquals(ids.get(0), again.next().id(), "without Last-Event-ID every held message is sent");
        }
    }

    @Test
    void a_client_that_disconnects_holds_nothing_past_its_lease() throws Exception {
        publish("stream/gone", "lost-client");
        String subscription = subscribe("destination=stream.gone&prefetch=1&ackTimeout=1");
        String leasedId;
        try (SseConnection sse = stream(subscription)) {
            leasedId = sse.next().id();
        }
        // The lease lapses at its deadline and the message is ready again for anyone.
        String got = Await.until("the lapsed lease to return", () -> {
            var answer = node.http.get("/get?queue=stream.gone&worker=after-disconnect");
            return answer.status() == 200 ? answer.body() : null;
        });
        assertEquals("lost-client", got);
        assertEquals(410, rest.send("DELETE", subscription + "/messages/" + leasedId, null).statusCode(),
                "the stale message URI is gone");
    }

    @Test
    void deleting_the_subscription_ends_its_stream() throws Exception {
        String subscription = subscribe("destination=stream.end");
        try (SseConnection sse = stream(subscription)) {
            assertEquals(204, rest.send("DELETE", subscription, null).statusCode());
            SseConnection.Event end = sse.next();
            assertEquals("end", end.type());
            assertTrue(end.data().contains("subscription"), end.data());
            assertEquals(SseConnection.CLOSED, sse.next());
        }
    }

    @Test
    void a_stopping_server_ends_its_streams_with_a_reason() throws Exception {
        TestFacade stopping = TestFacade.start();
        boolean stopped = false;
        try {
            HttpResponse<byte[]> created = new RestClient(stopping.http.base()).send("POST", "/subscriptions",
                    "destination=stream.stopping", "Content-Type", "application/x-www-form-urlencoded");
            assertEquals(201, created.statusCode());
            String subscription = created.headers().firstValue("Location").orElseThrow();
            try (SseConnection sse = new SseConnection(stopping.http.base(), subscription + "/stream")) {
                assertEquals(200, sse.status);
                stopping.close();
                stopped = true;
                SseConnection.Event end = sse.next();
                assertEquals("end", end.type());
                assertTrue(end.data().contains("shutting down"), end.data());
                assertEquals(SseConnection.CLOSED, sse.next());
            }
        } finally {
            if (!stopped) {
                stopping.close();
            }
        }
    }

    @Test
    void refusals_are_plain_4xx_before_any_stream_starts() throws Exception {
        HttpResponse<byte[]> unknown = rest.send("GET", "/subscriptions/nope/stream", null, "Accept", "text/event-stream");
        assertEquals(404, unknown.statusCode());
        assertNotEquals("", RestClient.text(unknown).trim());
        String subscription = subscribe("destination=stream.refusals");
        HttpResponse<byte[]> json = rest.send("GET", subscription + "/stream", null, "Accept", "application/json");
        assertEquals(406, json.statusCode());
        assertTrue(RestClient.text(json).contains("text/event-stream"), RestClient.text(json));
    }

    @Test
    void competing_streams_share_a_queue_each_message_once() throws Exception {
        int messages = 40;
        for (int i = 0; i < messages; i++) {
            publish("stream/compete", "c" + i);
        }
        Set<String> bodies = ConcurrentHashMap.newKeySet();
        List<String> twice = new CopyOnWriteArrayList<>();
        List<SseConnection> streams = new ArrayList<>();
        List<Thread> consumers = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            String subscription = subscribe("destination=stream.compete&prefetch=5");
            SseConnection sse = stream(subscription);
            streams.add(sse);
            Thread consumer = new Thread(() -> {
                try {
                    for (SseConnection.Event e = sse.next(); e != SseConnection.CLOSED; e = sse.next()) {
                        if (!bodies.add(body(e))) {
                            twice.add(e.data());
                        }
                        rest.send("DELETE", subscription + "/messages/" + e.id(), null);
                    }
                } catch (Exception e) {
                    twice.add("consumer failed: " + e);
                }
            });
            consumer.start();
            consumers.add(consumer);
        }
        Await.until("every message streamed", () -> bodies.size() == messages ? true : null);
        Await.until("every message acked", () -> node.http.get("/stat?queue=stream.compete").body()
                .contains("\"unacked\":0") ? true : null);
        for (SseConnection sse : streams) {
            sse.close();
        }
        for (Thread consumer : consumers) {
            consumer.join();
        }
        assertEquals(List.of(), twice);
        assertEquals(messages, bodies.size());
    }
}
