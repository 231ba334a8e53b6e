package io.kqf.engine.subscribe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.kqf.engine.Delivery;
import io.kqf.engine.DeliveryMode;
import io.kqf.engine.EngineException;
import io.kqf.engine.EngineRuntime;
import io.kqf.engine.Message;
import io.kqf.engine.QueueEngine;
import io.kqf.engine.select.DestinationPattern;
import io.kqf.support.TestClock;
import io.kqf.support.TestEngines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Subscriptions over the engine's lease model, against the real test broker, without HTTP. */
class SubscriptionsTest {
    private final TestClock clock = new TestClock();
    private final EngineRuntime runtime = TestEngines.start(clock);
    private final QueueEngine engine = runtime.engine();
    private final Subscriptions subscriptions = new Subscriptions(runtime, clock, "node-a");


    @AfterEach
    void stop() {
        subscriptions.close();
        engine.checkInvariants();
        runtime.close();
    }

    private static <T> T done(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    private void put(String queue, String... items) throws Exception {
        for (String item : items) {
            done(engine.put(queue, 0, item.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private Subscription subscribe(String destination, int prefetch, int maxDeliveries) {
        return subscriptions.create(new SubscriptionSpec(DestinationPattern.parse(destination), null, prefetch,
                Duration.ofMinutes(5), Duration.ofMinutes(1), maxDeliveries));
    }

    private List<Delivery> leased(Subscription subscription) throws Exception {
        return done(subscriptions.leased(subscription.id(), Duration.ZERO));
    }

    private static Set<String> texts(List<Delivery> deliveries) {
        Set<String> texts = new HashSet<>();
        deliveries.forEach(d -> texts.add(new String(d.body(), StandardCharsets.UTF_8)));
        return texts;
    }

    @Test
    void leases_are_topped_up_to_the_prefetch_and_a_repeated_get_answers_the_same_ones() throws Exception {
        put("orders", "a", "b", "c", "d", "e");
        Subscription subscription = subscribe("orders", 3, 10);
        List<Delivery> first = leased(subscription);
        assertEquals(Set.of("a", "b", "c"), texts(first));
        assertEquals(texts(first), texts(leased(subscription)));

        Delivery a = first.get(0);
        done(subscriptions.ack(subscription.id(), a.queue(), a.token()));
        done(subscriptions.ack(subscription.id(), a.queue(), a.token())); // a repeat answers as the first did
        assertEquals(Set.of("b", "c", "d"), texts(leased(subscription)));
    }

    @Test
    void a_deleted_subscription_gives_its_leases_back_at_once() throws Exception {
        put("jobs", "x", "y");
        Subscription first = subscribe("jobs", 2, 10);
        assertEquals(2, leased(first).size());
        subscriptions.delete(first.id());
        EngineException gone = assertThrows(EngineException.class, () -> subscriptions.touch(first.id()));
        assertEquals(EngineException.Reason.NO_SUCH_SUBSCRIPTION, gone.reason());

        List<Delivery> second = leased(subscribe("jobs", 2, 10));
        assertEquals(Set.of("x", "y"), texts(second));
        second.forEach(d -> assertEquals(2, d.attempt(), "each delivery counts"));
    }

    @Test
    void an_expired_subscription_answers_expired_and_its_leases_return() throws Exception {
        put("lapsing", "only");
        Subscription subscription = subscribe("lapsing", 1, 10);
        assertEquals(1, leased(subscription).size());
        clock.advance(Duration.ofMinutes(6));
        EngineException expired = assertThrows(EngineException.class, () -> subscriptions.touch(subscription.id()));
        assertEquals(EngineException.Reason.SUBSCRIPTION_EXPIRED, expired.reason());
        assertEquals(Set.of("only"), texts(leased(subscribe("lapsing", 1, 10))));
    }

    @Test
    void a_message_past_max_deliveries_moves_to_the_dead_letter_queue_with_its_coordinates() throws Exception {
        put("fragile", "poison");
        Subscription subscription = subscribe("fragile", 1, 1);
        Delivery first = leased(subscription).get(0);
        done(subscriptions.release(subscription.id(), first.queue(), first.token(), false));
        assertTrue(leased(subscription).isEmpty(), "the second delivery would exceed maxDeliveries 1");

        Delivery dead = done(engine.deliver("DLQ.fragile", "inspector", DeliveryMode.autoAcked())).orElseThrow();
        assertEquals("poison", new String(dead.body(), StandardCharsets.UTF_8));
        Map<String, String> headers = new java.util.HashMap<>();
        for (Message.Header h : dead.message().headers()) {
            headers.put(h.name(), new String(h.value(), StandardCharsets.UTF_8));
        }
        assertEquals("fragile", headers.get("kqf-dlq-queue"));
        assertEquals(Long.toString(first.message().offset()), headers.get("kqf-dlq-offset"));
        assertEquals("1", headers.get("kqf-dlq-delivery-count"));
    }

    @Test
    void a_wildcard_subscription_picks_up_a_queue_created_after_it_and_a_parked_get_wakes() throws Exception {
        Subscription subscription = subscribe("shop.*.books", 5, 10);
        CompletableFuture<List<Delivery>> parked = subscriptions.leased(subscription.id(), Duration.ofSeconds(30));
        put("shop.uk.books", "tolkien");
        put("shop.uk.films", "not for this subscription");
        assertEquals(Set.of("tolkien"), texts(done(parked)));
        put("shop.de.books", "goethe");
        put("DLQ.shop.de.books", "dead letters match only DLQ patterns");
        assertEquals(Set.of("tolkien", "goethe"), texts(leased(subscription)));
    }

    @Test
    void only_the_holding_subscription_can_ack_its_lease() throws Exception {
        put("owned", "m");
        Subscription holder = subscribe("owned", 1, 10);
        Subscription other = subscribe("owned", 1, 10);
        Delivery d = leased(holder).get(0);
        EngineException refused = assertThrows(EngineException.class,
                () -> subscriptions.ack(other.id(), d.queue(), d.token()));
        assertEquals(EngineException.Reason.NOT_OUTSTANDING, refused.reason());
        done(subscriptions.ack(holder.id(), d.queue(), d.token()));
    }
}
