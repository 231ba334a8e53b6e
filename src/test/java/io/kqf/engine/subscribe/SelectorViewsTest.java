package io.kqf.engine.subscribe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.kqf.engine.Delivery;
import io.kqf.engine.DeliveryMode;
import io.kqf.engine.EngineException;
import io.kqf.engine.EngineRuntime;
import io.kqf.engine.QueueNames;
import io.kqf.engine.SelectorViews;
import io.kqf.engine.select.DestinationPattern;
import io.kqf.support.Await;
import io.kqf.support.TestClock;
import io.kqf.support.TestEngines;
import io.kqf.support.TestFacade;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Selector views over the real test broker: each selector its own position, same selectors compete. */
class SelectorViewsTest {
    private final TestClock clock = new TestClock();
    private final Map<String, String> settings = TestFacade.isolatedSettings();
    private EngineRuntime runtime = TestEngines.start(settings, clock);
    private Subscriptions subscriptions = new Subscriptions(runtime, clock, "node-a");

    @AfterEach
    void stop() {
        subscriptions.close();
        runtime.engine().checkInvariants();
        runtime.close();
    }

    private static <T> T done(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    /** Puts {@code item} with header {@code kind} (and {@code price} when given). */
    private void put(String queue, String item, String kind, String price) throws Exception {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put("kind", kind.getBytes(StandardCharsets.UTF_8));
        if (price != null) {
            headers.put("price", price.getBytes(StandardCharsets.UTF_8));
        }
        done(runtime.engine().put(queue, 0, null, item.getBytes(StandardCharsets.UTF_8), headers));
    }

    private Subscription subscribe(String destination, String selector, int prefetch) {
        return subscriptions.create(new SubscriptionSpec(DestinationPattern.parse(destination), selector, prefetch,
                Duration.ofMinutes(5), Duration.ofMinutes(1), 10));
    }

    private static String text(Delivery delivery) {
        return new String(SelectorViews.original(delivery).message().value(), StandardCharsets.UTF_8);
    }

    /** Awaits until the subscription holds exactly {@code count} messages, and answers their texts. */
    private List<String> holding(Subscription subscription, int count) {
        return Await.until(subscription.id() + " holding " + count, () -> {
            try {
                List<Delivery> held = done(subscriptions.leased(subscription.id(), Duration.ZERO));
                if (held.size() != count) {
                    return null;
                }
                List<String> texts = new ArrayList<>();
                held.forEach(d -> texts.add(text(d)));
                return texts;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private void ackAll(Subscription subscription) throws Exception {
        for (Delivery d : done(subscriptions.leased(subscription.id(), Duration.ZERO))) {
            done(subscriptions.ack(subscription.id(), d.queue(), d.token()));
        }
    }

    @Test
    void different_selectors_each_see_every_message_they_select() throws Exception {
        for (int i = 0; i < 6; i++) {
            put("shop", "m" + i, i % 2 == 0 ? "book" : "film", Integer.toString(i * 10));
        }
        Subscription books = subscribe("shop", "kind = 'book'", 10);
        Subscription pricey = subscribe("shop", "price >= 30", 10);
        assertEquals(List.of("m0", "m2", "m4"), holding(books, 3));
        assertEquals(List.of("m3", "m4", "m5"), holding(pricey, 3));
    }

    @Test
    void a_view_copy_is_shown_as_the_message_it_copies_and_its_ack_leaves_the_base_queue_alone() throws Exception {
        put("hall", "only", "book", null);
        Subscription books = subscribe("hall", "kind = 'book'", 10);
        holding(books, 1);
        Delivery delivery = done(subscriptions.leased(books.id(), Duration.ZERO)).get(0);
        assertTrue(QueueNames.isView(delivery.queue()), delivery.queue());
        SelectorViews.Original original = SelectorViews.original(delivery);
        assertEquals("hall", original.queue());
        assertEquals(0, original.message().offset());
        assertFalse(original.message().headers().stream().anyMatch(h -> h.name().startsWith("kqf-view")));
        done(subscriptions.ack(books.id(), delivery.queue(), delivery.token()));

        // The no-selector view (hustmq get's) still has it, and no client lists the hidden queue.
        Optional<Delivery> plain = done(runtime.engine().deliver("hall", "w", DeliveryMode.autoAcked()));
        assertEquals("only", new String(plain.orElseThrow().message().value(), StandardCharsets.UTF_8));
        assertEquals(List.of("hall"), runtime.browser().queueNames());
        assertTrue(runtime.engine().statAll().stream().noneMatch(s -> QueueNames.isView(s.queue())));
    }

    @Test
    void subscriptions_with_the_same_selector_compete() throws Exception {
        for (int i = 0; i < 4; i++) {
            put("pool", "m" + i, "book", null);
        }
        Subscription first = subscribe("pool", "kind = 'book'", 3);
        List<String> firstHeld = holding(first, 3);
        Subscription second = subscribe("pool", "kind  =   'book' ", 3); // the same selector, other spacing
        List<String> secondHeld = holding(second, 1);
        List<String> all = new ArrayList<>(firstHeld);
        all.addAll(secondHeld);
        all.sort(null);
        assertEquals(List.of("m0", "m1", "m2", "m3"), all);
    }

    @Test
    void a_new_view_starts_at_what_the_plain_consumers_left_pending() throws Exception {
        put("start", "consumed", "book", null);
        put("start", "pending", "book", null);
        done(runtime.engine().deliver("start", "w", DeliveryMode.autoAcked())); // committed before it answers
        Subscription books = subscribe("start", "kind = 'book'", 10);
        assertEquals(List.of("pending"), holding(books, 1));
    }

    @Test
    void a_view_keeps_its_position_and_copies_nothing_twice_across_a_restart() throws Exception {
        put("durable", "a", "book", null);
        Subscription before = subscribe("durable", "kind = 'book'", 10);
        assertEquals(List.of("a"), holding(before, 1));
        ackAll(before);
        subscriptions.delete(before.id());

        put("durable", "b", "book", null); // arrives while no subscription holds the view open
        subscriptions.close();
        runtime.close();
        runtime = TestEngines.start(settings, clock);
        subscriptions = new Subscriptions(runtime, clock, "node-a");

        put("durable", "c", "book", null);
        Subscription after = subscribe("durable", "kind = 'book'", 10);
        assertEquals(List.of("b", "c"), holding(after, 2));
        ackAll(after);
        put("durable", "d", "book", null);
        assertEquals(List.of("d"), holding(after, 1));
    }

    @Test
    void a_wildcard_with_a_selector_covers_a_queue_created_later() throws Exception {
        put("zoo.cats", "tom", "cat", null);
        Subscription cats = subscribe("zoo.*", "kind = 'cat'", 10);
        assertEquals(List.of("tom"), holding(cats, 1));
        put("zoo.dogs", "rex", "dog", null);
        put("zoo.lions", "leo", "cat", null);
        List<String> held = holding(cats, 2);
        held.sort(null);
        assertEquals(List.of("leo", "tom"), held);
    }

    @Test
    void deleting_a_queue_deletes_its_views_and_a_new_view_starts_afresh() throws Exception {
        put("gone", "old", "book", null);
        Subscription before = subscribe("gone", "kind = 'book'", 10);
        assertEquals(List.of("old"), holding(before, 1));
        subscriptions.delete(before.id());
        runtime.engine().delete("gone");

        put("gone", "new", "book", null);
        Subscription after = subscribe("gone", "kind = 'book'", 10);
        assertEquals(List.of("new"), holding(after, 1));
    }

    @Test
    void a_bad_selector_is_refused_with_the_parsers_reason() {
        EngineException refused = assertThrows(EngineException.class, () -> subscribe("x", "kind = ", 1));
        assertEquals(EngineException.Reason.BAD_REQUEST, refused.reason());
        assertFalse(refused.getMessage().isBlank());
    }
}
