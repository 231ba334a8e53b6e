package io.kqf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.kqf.support.TestClock;
import io.kqf.support.TestEngines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Browsing without consuming, against the real test broker. */
class QueueBrowserTest {
    private final TestClock clock = new TestClock();
    private final EngineRuntime runtime = TestEngines.start(clock);
    private final QueueEngine engine = runtime.engine();
    private final QueueBrowser browser = runtime.browser();


    @AfterEach
    void stop() {
        engine.checkInvariants();
        runtime.close();
    }

    private static <T> T done(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    private static String text(Message message) {
        return new String(message.body(), StandardCharsets.UTF_8);
    }

    private List<String> browseAll(String queue, int pageSize) {
        List<String> seen = new ArrayList<>();
        QueueBrowser.Position at = QueueBrowser.Position.START;
        for (int pages = 0; pages < 100; pages++) {
            QueueBrowser.Page page = browser.browse(queue, at, pageSize);
            page.records().forEach(r -> seen.add(text(r.message())));
            if (page.next().isEmpty()) {
                return seen;
            }
            at = page.next().get();
        }
        throw new AssertionError("paging did not end");
    }

    @Test
    void pages_cover_every_pending_message_once_highest_lane_first_and_consume_nothing() throws Exception {
        for (int i = 0; i < 7; i++) {
            done(engine.put("browsed", 0, ("low" + i).getBytes(StandardCharsets.UTF_8)));
        }
        done(engine.put("browsed", 2, "high".getBytes(StandardCharsets.UTF_8)));
        List<String> seen = browseAll("browsed", 3);
        assertEquals(List.of("high", "low0", "low1", "low2", "low3", "low4", "low5", "low6"), seen);

        Delivery first = done(engine.deliver("browsed", "w", DeliveryMode.autoAcked())).orElseThrow();
        assertEquals("high", text(first.message()), "browsing moved no consumer");
        Delivery leased = done(engine.deliver("browsed", "w", DeliveryMode.queueLease())).orElseThrow();
        assertEquals(List.of("low0", "low1", "low2", "low3", "low4", "low5", "low6"), browseAll("browsed", 50),
                "an acked message leaves the browse, a leased one stays");
        done(engine.ack("browsed", leased.token(), DeliveryMode.ANY_HOLDER));
        assertEquals(6, browseAll("browsed", 4).size());
    }

    @Test
    void expired_messages_are_hidden_and_a_record_is_read_by_address() throws Exception {
        StoredAt stored = done(engine.put("ttl", 0, null, "short-lived".getBytes(StandardCharsets.UTF_8),
                Map.of(Ttl.HEADER, Ttl.headerValue(clock.millis() + 1000))));
        done(engine.put("ttl", 0, "kept".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("short-lived", "kept"), browseAll("ttl", 10));
        clock.advance(java.time.Duration.ofSeconds(2));
        assertEquals(List.of("kept"), browseAll("ttl", 10));

        Optional<Message> read = browser.read("ttl", 0, stored.partition(), stored.offset());
        assertEquals("short-lived", text(read.orElseThrow()));
        assertTrue(browser.read("ttl", 0, stored.partition(), 999).isEmpty());
        assertTrue(browser.queueNames().contains("ttl"));
    }
}
