package io.kqf.engine.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.kqf.engine.StoredAt;
import io.kqf.kafka.KafkaClients;
import io.kqf.kafka.RecordWriter;
import io.kqf.kafka.TopicAdmin;
import io.kqf.support.Await;
import io.kqf.support.TestClock;
import io.kqf.support.TestKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dedup registry against a real broker; each test has its own registry topic. */
class DedupRegistryTest {
    private static final int MAX_RECORD = 1024 * 1024;
    private static final Duration WINDOW = Duration.ofHours(1);
    private static final Duration START = Duration.ofSeconds(30);

    private final KafkaClients clients = new KafkaClients(TestKafka.bootstrapServers(), Map.of(), MAX_RECORD);
    private final TopicAdmin admin = new TopicAdmin(clients.admin("dedup-test"), (short) 1, MAX_RECORD);
    private final KafkaProducer<byte[], byte[]> producer = clients.producer("dedup-test");
    private final RecordWriter writer = new RecordWriter(producer, Runnable::run);
    private final String topic = "dedup" + System.nanoTime();
    private final TestClock clock = new TestClock();
    private final List<DedupRegistry> started = new ArrayList<>();

    @AfterEach
    void close() {
        started.forEach(DedupRegistry::close);
        producer.close();
        admin.close();
    }

    /** A message in the queue the tests publish to: where it was stored, and when (the test clock). */
    private record Placed(StoredAt at, long publishedAt) {
    }

    /** That queue as the locator sees it, by key; as the real one, it finds only messages from the claim time on. */
    private final Map<String, Placed> queue = new java.util.concurrent.ConcurrentHashMap<>();

    private DedupRegistry registry(Clock clock, long maximumSize) {
        return registry(clock, maximumSize, (q, key, claimedAt) -> CompletableFuture.completedFuture(
                java.util.Optional.ofNullable(queue.get(key)).filter(p -> p.publishedAt() >= claimedAt).map(Placed::at)));
    }

    private DedupRegistry registry(Clock clock, long maximumSize, PublishLocator locator) {
        DedupRegistry registry = new DedupRegistry(clients, admin, writer, topic, clock, WINDOW, maximumSize,
                DedupRegistry.DEFAULT_MAXIMUM_KEYS, locator);
        registry.start(START);
        started.add(registry);
        return registry;
    }

    private DedupRegistry registry() {
        return registry(clock, DedupRegistry.DEFAULT_MAXIMUM_SIZE);
    }

    private static byte[] body(String text) {
        return DedupRegistry.fingerprint("text/plain", text.getBytes(StandardCharsets.UTF_8));
    }

    private static Claim claim(DedupRegistry registry, String key, byte[] fingerprint) throws Exception {
        return registry.claim("orders", key, fingerprint).get(30, TimeUnit.SECONDS);
    }

    private static StoredAt storedAt(long offset) {
        return new StoredAt(0, 3, offset, 1_700_000_000_000L + offset);
    }

    private static void store(Claim claim, StoredAt at) throws Exception {
        assertInstanceOf(Claim.Fresh.class, claim).stored(at).get(30, TimeUnit.SECONDS);
    }

    /** A fresh claim whose message lands in the queue at {@code at} (carrying its key), reported stored. */
    private void publish(DedupRegistry registry, String key, byte[] fingerprint, StoredAt at) throws Exception {
        Claim claim = claim(registry, key, fingerprint);
        queue.put(key, new Placed(at, clock.millis()));
        store(claim, at);
    }

    @Test
    void a_first_claim_is_fresh_and_once_stored_a_repeat_is_a_duplicate_that_tells_same_from_different_content()
            throws Exception {
        DedupRegistry registry = registry();
        Claim first = claim(registry, "order-17", body("a"));
        store(first, storedAt(41));

        assertEquals(new Claim.Duplicate(storedAt(41), true), claim(registry, "order-17", body("a")));
        assertEquals(new Claim.Duplicate(storedAt(41), false), claim(registry, "order-17", body("b")));
        assertEquals(new Claim.Duplicate(storedAt(41), false),
                claim(registry, "order-17", DedupRegistry.fingerprint("application/json", "a".getBytes(StandardCharsets.UTF_8))),
                "another content type is other content");
        assertThrows(IllegalStateException.class, () -> ((Claim.Fresh) first).stored(storedAt(42)));
    }

    @Test
    void keys_are_per_queue() throws Exception {
        DedupRegistry registry = registry();
        publish(registry, "k", body("a"), storedAt(1));
        assertInstanceOf(Claim.Fresh.class, registry.claim("invoices", "k", body("a")).get(30, TimeUnit.SECONDS));
    }

    @Test
    void an_abandoned_claim_lets_the_next_claim_be_fresh() throws Exception {
        DedupRegistry registry = registry();
        ((Claim.Fresh) claim(registry, "k", body("a"))).abandoned();
        publish(registry, "k", body("a"), storedAt(7));
        assertEquals(new Claim.Duplicate(storedAt(7), true), claim(registry, "k", body("a")));
    }

    @Test
    void concurrent_claims_of_one_key_hand_out_one_fresh_and_the_others_wait_for_its_outcome() throws Exception {
        DedupRegistry registry = registry();
        List<CompletableFuture<Claim>> claims = claimAtOnce(registry, 16);

        Await.until("the first claim answered", () -> claims.stream().anyMatch(CompletableFuture::isDone) ? true : null);
        List<CompletableFuture<Claim>> answered = claims.stream().filter(CompletableFuture::isDone).toList();
        assertEquals(1, answered.size(), "the others wait while the first is held");
        store(answered.get(0).get(), storedAt(5));

        for (CompletableFuture<Claim> claim : claims) {
            if (claim != answered.get(0)) {
                assertEquals(new Claim.Duplicate(storedAt(5), true), claim.get(30, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void a_waiting_claim_becomes_fresh_when_the_holder_abandons() throws Exception {
        DedupRegistry registry = registry();
        Claim.Fresh holder = (Claim.Fresh) claim(registry, "k", body("a"));
        CompletableFuture<Claim> waiting = registry.claim("orders", "k", body("a"));
        CompletableFuture<Claim> alsoWaiting = registry.claim("orders", "k", body("a"));
        assertFalse(waiting.isDone() || alsoWaiting.isDone());

        holder.abandoned();

        Await.until("a waiter answered", () -> waiting.isDone() || alsoWaiting.isDone() ? true : null);
        assertTrue(waiting.isDone() != alsoWaiting.isDone(), "exactly one waiter is answered: the other waits again");
        CompletableFuture<Claim> answered = waiting.isDone() ? waiting : alsoWaiting;
        CompletableFuture<Claim> stillWaiting = answered == waiting ? alsoWaiting : waiting;
        store(answered.join(), storedAt(9));
        assertEquals(new Claim.Duplicate(storedAt(9), true), stillWaiting.get(30, TimeUnit.SECONDS));
    }

    @Test
    void another_registry_on_the_topic_sees_the_entries_after_a_restart_and_while_running() throws Exception {
        DedupRegistry first = registry();
        publish(first, "before", body("a"), storedAt(1));

        DedupRegistry second = registry();
        assertEquals(new Claim.Duplicate(storedAt(1), true), claim(second, "before", body("a")), "replayed at start");

        publish(first, "later", body("b"), storedAt(2));
        Claim seen = Await.until("the second registry's tail brought the entry", () -> {
            Claim claim = second.claim("orders", "later", body("b")).join();
            if (claim instanceof Claim.Fresh fresh) {
                fresh.abandoned();
                return null;
            }
            return claim;
        });
        assertEquals(new Claim.Duplicate(storedAt(2), true), seen);
    }

    @Test
    void an_entry_counts_for_the_window_after_its_claim_and_no_longer() throws Exception {
        DedupRegistry registry = registry();
        publish(registry, "k", body("a"), storedAt(1));

        clock.advance(WINDOW.minusSeconds(1));
        assertInstanceOf(Claim.Duplicate.class, claim(registry, "k", body("a")));
        clock.advance(Duration.ofSeconds(1));
        Claim.Fresh again = assertInstanceOf(Claim.Fresh.class, claim(registry, "k", body("a")));
        again.abandoned();

        DedupRegistry restarted = registry();
        assertInstanceOf(Claim.Fresh.class, claim(restarted, "k", body("a")), "a dead entry is not replayed");
    }

    @Test
    void a_cache_smaller_than_the_window_still_finds_every_duplicate_through_kafka() throws Exception {
        DedupRegistry registry = registry(clock, 2);
        for (int i = 0; i < 10; i++) {
            publish(registry, "key-" + i, body("m" + i), storedAt(100 + i));
        }
        assertFalse(registry.answersMissesFromCache(), "entries were evicted for size");

        for (int i = 0; i < 10; i++) {
            assertEquals(new Claim.Duplicate(storedAt(100 + i), true), claim(registry, "key-" + i, body("m" + i)), "key-" + i);
        }
        Claim.Fresh unknown = assertInstanceOf(Claim.Fresh.class, claim(registry, "key-new", body("x")));
        unknown.abandoned();
    }

    @Test
    void a_complete_cache_answers_misses_without_kafka() {
        assertTrue(registry().answersMissesFromCache());
    }

    /** {@code n} claims of one key from several threads released at once. */
    private static List<CompletableFuture<Claim>> claimAtOnce(DedupRegistry registry, int n) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<CompletableFuture<Claim>>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                calls.add(threads.submit(() -> {
                    go.await();
                    return registry.claim("orders", "k", body("a"));
                }));
            }
            go.countDown();
            List<CompletableFuture<Claim>> claims = new ArrayList<>();
            for (Future<CompletableFuture<Claim>> call : calls) {
                claims.add(call.get(30, TimeUnit.SECONDS));
            }
            return claims;
        } finally {
            threads.shutdown();
        }
    }

    @Test
    void a_reservation_whose_place_was_never_written_is_resolved_by_the_messages_key() throws Exception {
        // The claiming node "crashes" after its reservation and its message, before the place's write.
        Claim.Fresh crashed = assertInstanceOf(Claim.Fresh.class, claim(registry(), "order-9", body("a")));
        crashed.reserved().get(30, TimeUnit.SECONDS);

        List<String> asked = new ArrayList<>();
        DedupRegistry successor = registry(clock, DedupRegistry.DEFAULT_MAXIMUM_SIZE, (queue, key, claimedAt) -> {
            asked.add(queue + "/" + key);
            return CompletableFuture.completedFuture(java.util.Optional.of(storedAt(33)));
        });
        assertEquals(new Claim.Duplicate(storedAt(33), true), claim(successor, "order-9", body("a")));
        assertEquals(new Claim.Duplicate(storedAt(33), false), claim(successor, "order-9", body("b")));
        assertEquals(List.of("orders/order-9"), asked, "looked up once, then remembered");
    }

    @Test
    void a_reservation_whose_message_is_not_found_counts_as_abandoned() throws Exception {
        Claim.Fresh crashed = assertInstanceOf(Claim.Fresh.class, claim(registry(), "order-10", body("a")));
        crashed.reserved().get(30, TimeUnit.SECONDS);

        DedupRegistry successor = registry(clock, DedupRegistry.DEFAULT_MAXIMUM_SIZE, PublishLocator.NONE);
        Claim.Fresh again = assertInstanceOf(Claim.Fresh.class, claim(successor, "order-10", body("a")));
        queue.put("order-10", new Placed(storedAt(50), clock.millis()));
        store(again, storedAt(50));
        assertEquals(new Claim.Duplicate(storedAt(50), true), claim(successor, "order-10", body("a")),
                "this node keeps the place");
        assertEquals(new Claim.Duplicate(storedAt(50), true), claim(registry(), "order-10", body("a")),
                "a node that replays both reservations finds the message by its key");
    }
}
