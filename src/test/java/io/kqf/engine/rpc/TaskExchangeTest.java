package io.kqf.engine.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.kqf.engine.EngineException;
import io.kqf.engine.rpc.TaskExchange.Assignment;
import org.junit.jupiter.api.Test;

/** One node's exchange without HTTP or Kafka: time and the network are driven by the test. */
class TaskExchangeTest {
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(180);
    static final Duration WORKER_TIMEOUT = Duration.ofSeconds(120);
    static final TaskExchange.Limits LIMITS = new TaskExchange.Limits(4, 4, CALL_TIMEOUT, WORKER_TIMEOUT);
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    private final ManualTime time = new ManualTime();
    private final MemoryBus network = new MemoryBus();
    private final java.util.List<TaskExchange> nodes = new java.util.ArrayList<>();
    private final TaskExchange exchange = node(network, time, "a");

    TaskExchange node(MemoryBus network, ManualTime time, String name) {
        MemoryBus.Node bus = network.node();
        TaskExchange exchange = TaskExchange.open(name, bus, time, CLOCK, LIMITS);
        bus.watch(exchange);
        nodes.add(exchange);
        return exchange;
    }

    @org.junit.jupiter.api.AfterEach
    void books_agree() {
        nodes.forEach(TaskExchange::checkInvariants);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(Optional<byte[]> result) {
        return new String(result.orElseThrow(), StandardCharsets.UTF_8);
    }

    static final java.util.function.BooleanSupplier CONNECTED = () -> true;

    /** Everything here happens on the test's thread: an outcome is there at once, or it is a failure (never a hang). */
    static <T> T done(CompletableFuture<T> outcome) {
        assertTrue(outcome.isDone(), "not answered");
        return outcome.join();
    }

    @Test
    void a_worker_parked_first_gets_the_next_call_and_its_reply_answers_the_caller() {
        CompletableFuture<Optional<Assignment>> worker = exchange.claim(CONNECTED);
        assertFalse(worker.isDone(), "no task yet: the worker is parked");
        CompletableFuture<Optional<byte[]>> caller = exchange.call("fib", bytes("10"), CONNECTED);
        Assignment task = done(worker).orElseThrow();
        assertEquals("fib", task.queue());
        assertArrayEquals(bytes("10"), task.body());
        assertFalse(caller.isDone());
        exchange.reply(task.token(), bytes("55"));
        assertEquals("55", text(done(caller)));
        assertEquals(new TaskExchange.Status(0, 0, 4, 0, 4), exchange.status());
    }

    @Test
    void calls_without_a_worker_wait_unassigned_and_the_newest_is_claimed_first() {
        CompletableFuture<Optional<byte[]>> older = exchange.call("lifo", bytes("older"), CONNECTED);
        CompletableFuture<Optional<byte[]>> newer = exchange.call("lifo", bytes("newer"), CONNECTED);
        assertEquals(new TaskExchange.Status(2, 0, 4, 0, 4), exchange.status());
        Assignment first = done(exchange.claim(CONNECTED)).orElseThrow();
        assertArrayEquals(bytes("newer"), first.body());
        assertEquals(new TaskExchange.Status(1, 1, 4, 0, 4), exchange.status());
        Assignment second = done(exchange.claim(CONNECTED)).orElseThrow();
        assertArrayEquals(bytes("older"), second.body());
        exchange.reply(second.token(), bytes("r-older"));
        exchange.reply(first.token(), bytes("r-newer"));
        assertEquals("r-older", text(done(older)));
        assertEquals("r-newer", text(done(newer)));
    }

    @Test
    void tokens_are_decimal_and_never_repeat() {
        java.util.Set<String> tokens = new java.util.HashSet<>();
        for (int i = 0; i < 20; i++) {
            exchange.call("t", bytes("x"), CONNECTED);
            Assignment task = done(exchange.claim(CONNECTED)).orElseThrow();
            assertTrue(task.token().matches("[0-9]+"), task.token());
            assertTrue(tokens.add(task.token()), "token reused: " + task.token());
            exchange.reply(task.token(), bytes("y"));
        }
    }

    @Test
    void a_call_nobody_claims_is_answered_empty_after_do_get_timeout_and_its_slot_is_free_again() {
        CompletableFuture<Optional<byte[]>> caller = exchange.call("slow", bytes("1"), CONNECTED);
        time.advance(CALL_TIMEOUT.minusMillis(1));
        assertFalse(caller.isDone());
        time.advance(Duration.ofMillis(1));
        assertEquals(Optional.empty(), done(caller));
        assertEquals(new TaskExchange.Status(0, 0, 4, 0, 4), exchange.status());
    }

    @Test
    void the_call_timeout_restarts_when_a_worker_claims_and_a_reply_after_it_finds_nobody() {
        CompletableFuture<Optional<byte[]>> caller = exchange.call("slow", bytes("1"), CONNECTED);
        time.advance(CALL_TIMEOUT.minusSeconds(1));
        Assignment task = done(exchange.claim(CONNECTED)).orElseThrow();
        time.advance(CALL_TIMEOUT.minusMillis(1));
        assertFalse(caller.isDone(), "the claim restarted do_get_timeout");
        time.advance(Duration.ofMillis(1));
        assertEquals(Optional.empty(), done(caller));
        assertThrows(EngineException.class, () -> exchange.reply(task.token(), bytes("late")));
    }

    @Test
    void a_worker_nobody_calls_is_answered_empty_after_do_post_timeout() {
        CompletableFuture<Optional<Assignment>> worker = exchange.claim(CONNECTED);
        time.advance(WORKER_TIMEOUT);
        assertEquals(Optional.empty(), done(worker));
        assertEquals(new TaskExchange.Status(0, 0, 4, 0, 4), exchange.status());
    }

    @Test
    void capacities_refuse_calls_and_workers_beyond_the_cache_sizes() {
        for (int i = 0; i < 4; i++) {
            exchange.call("cap", bytes("x"), CONNECTED);
        }
        EngineException full = assertThrows(EngineException.class, () -> exchange.call("cap", bytes("x"), CONNECTED));
        assertEquals(EngineException.Reason.CAPACITY, full.reason());
    }

    /**
     * Regression: a parked worker's do_post_timeout timer was never cancelled, and a cancelled call
     * timeout stayed in the scheduler's queue: every answered call kept two 180 s timers, and the
     * requests they referenced, in memory for three minutes (a million of them at bench rates).
     */
    @Test
    void an_answered_call_leaves_no_timer_behind() {
        int idle = time.pending();
        CompletableFuture<Optional<Assignment>> worker = exchange.claim(CONNECTED);
        CompletableFuture<Optional<byte[]>> caller = exchange.call("q", bytes("1"), CONNECTED);
        exchange.reply(done(worker).orElseThrow().token(), bytes("2"));
        assertEquals("2", text(done(caller)));
        assertEquals(idle, time.pending(), "timers left behind by an answered call");

        exchange.call("q", bytes("1"), CONNECTED);
        exchange.reply(done(exchange.claim(CONNECTED)).orElseThrow().token(), bytes("2"));
        assertEquals(idle, time.pending(), "timers left behind when the call came first");
    }

    /**
     * Regression: claiming a remote offer wrote the CLAIM to Kafka while holding the exchange's
     * monitor, so every request of the node waited for the producer meanwhile.
     */
    @Test
    void no_message_is_written_while_the_exchange_holds_its_monitor() {
        TaskExchange b = node(network, time, "b");
        // An offer arrives for a parked worker.
        CompletableFuture<Optional<Assignment>> parkedOnB = b.claim(CONNECTED);
        CompletableFuture<Optional<byte[]>> first = exchange.call("q", bytes("1"), CONNECTED);
        network.deliverAll();
        Assignment task = done(parkedOnB).orElseThrow();
        // A worker comes while offers wait; its claim is denied (taken at the origin meanwhile) and it claims the next one.
        CompletableFuture<Optional<byte[]>> second = exchange.call("q", bytes("2"), CONNECTED);
        CompletableFuture<Optional<byte[]>> third = exchange.call("q", bytes("3"), CONNECTED);
        network.deliverAll();
        CompletableFuture<Optional<Assignment>> comesToB = b.claim(CONNECTED);
        Assignment takenAtOrigin = done(exchange.claim(CONNECTED)).orElseThrow();
        assertArrayEquals(bytes("3"), takenAtOrigin.body());
        network.deliverAll();
        assertArrayEquals(bytes("2"), done(comesToB).orElseThrow().body(), "denied the newest, it claimed the next offer");
        b.reply(task.token(), bytes("r1"));
        network.deliverAll();
        assertEquals("r1", text(done(first)));
        assertEquals(java.util.List.of(), network.sentUnderMonitor());
        assertFalse(second.isDone() || third.isDone());
    }

    @Test
    void a_worker_on_another_node_gets_the_task_and_its_result_answers_the_caller_here() {
        TaskExchange b = node(network, time, "b");
        CompletableFuture<Optional<Assignment>> worker = b.claim(CONNECTED);
        CompletableFuture<Optional<byte[]>> caller = exchange.call("fib", bytes("10"), CONNECTED);
        network.deliverAll();
        Assignment task = done(worker).orElseThrow();
        assertEquals(new TaskExchange.Status(0, 1, 4, 0, 4), exchange.status());
        assertTrue(b.reply(task.token(), bytes("55")).isDone(), "written (the in-memory bus acknowledges at once)");
        network.deliverAll();
        assertEquals("55", text(done(caller)));
        assertEquals(new TaskExchange.Status(0, 0, 4, 0, 4), exchange.status());
        assertThrows(EngineException.class, () -> b.reply(task.token(), bytes("again")), "a token answers once");
    }

    /**
     * Regression: the result of a remote task was written with send(...).join(): a Jetty thread
     * waited for Kafka without any bound. Now the reply's future fails UNAVAILABLE (503) after a
     * bounded time, and the worker may send the result again.
     */
    @Test
    void a_reply_kafka_never_acknowledges_fails_unavailable_after_a_bounded_wait_and_may_be_sent_again() {
        TaskExchange b = node(network, time, "b");
        CompletableFuture<Optional<Assignment>> worker = b.claim(CONNECTED);
        CompletableFuture<Optional<byte[]>> caller = exchange.call("q", bytes("1"), CONNECTED);
        network.deliverAll();
        String token = done(worker).orElseThrow().token();
        network.acknowledgeWith(CompletableFuture::new);
        CompletableFuture<Void> replied = b.reply(token, bytes("2"));
        network.dropNext();
        assertThrows(EngineException.class, () -> b.reply(token, bytes("2")), "one reply at a time");
        time.advance(Duration.ofNanos(TaskExchange.REPLY_WRITE_DEADLINE_NANOS - 1));
        assertFalse(replied.isDone());
        time.advance(Duration.ofNanos(1));
        EngineException failure = assertThrows(EngineException.class, () -> {
            try {
                replied.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause();
            }
        });
        assertEquals(EngineException.Reason.UNAVAILABLE, failure.reason());

        network.acknowledgeWith(() -> CompletableFuture.completedFuture(null));
        done(b.reply(token, bytes("2")));
        network.deliverAll();
        assertEquals("2", text(done(caller)));
    }

    @Test
    void a_reply_whose_write_fails_is_unavailable_at_once() {
        TaskExchange b = node(network, time, "b");
        CompletableFuture<Optional<Assignment>> worker = b.claim(CONNECTED);
        exchange.call("q", bytes("1"), CONNECTED);
        network.deliverAll();
        network.acknowledgeWith(() -> CompletableFuture.failedFuture(new io.kqf.kafka.KafkaUnavailable("broker down")));
        int timers = time.pending();
        CompletableFuture<Void> replied = b.reply(done(worker).orElseThrow().token(), bytes("2"));
        assertTrue(replied.isCompletedExceptionally());
        assertEquals(timers, time.pending(), "the write deadline's timer is gone with the failure");
    }

    /** Regression: an unknown token was refused as NO_SUCH_QUEUE, a queue's reason. */
    @Test
    void a_reply_with_a_token_that_is_not_outstanding_is_refused_as_an_unknown_task() {
        EngineException never = assertThrows(EngineException.class, () -> exchange.reply("123", bytes("55")));
        assertEquals(EngineException.Reason.UNKNOWN_TASK, never.reason());
        exchange.call("q", bytes("1"), CONNECTED);
        String token = done(exchange.claim(CONNECTED)).orElseThrow().token();
        exchange.reply(token, bytes("2"));
        EngineException again = assertThrows(EngineException.class, () -> exchange.reply(token, bytes("2")));
        assertEquals(EngineException.Reason.UNKNOWN_TASK, again.reason());
    }

    /**
     * Regression: a claim that took the task just as do_get_timeout fired (the timer thread had
     * picked the timeout up, so cancelling it was too late) handed the task to the worker and
     * still answered the caller 408: the worker computed for nobody. The claim restarts the
     * timeout, so the caller keeps waiting for the result.
     */
    @Test
    void a_claim_that_wins_against_a_firing_do_get_timeout_restarts_it_and_the_caller_gets_the_result() {
        CompletableFuture<Optional<byte[]>> caller = exchange.call("q", bytes("1"), CONNECTED);
        java.util.List<Runnable> firing = time.takeDue(CALL_TIMEOUT);
        Assignment task = done(exchange.claim(CONNECTED)).orElseThrow();
        firing.forEach(Runnable::run);
        assertFalse(caller.isDone(), "the claim restarted do_get_timeout");
        exchange.reply(task.token(), bytes("2"));
        assertEquals("2", text(done(caller)));
    }

    @Test
    void a_timeout_that_wins_against_a_claim_means_the_task_is_not_handed_out() {
        CompletableFuture<Optional<byte[]>> caller = exchange.call("q", bytes("1"), CONNECTED);
        time.advance(CALL_TIMEOUT);
        assertEquals(Optional.empty(), done(caller));
        CompletableFuture<Optional<Assignment>> worker = exchange.claim(CONNECTED);
        assertFalse(worker.isDone(), "nothing to hand out: the worker is parked");
    }

    /**
     * Regression: when the origin's answer to a claim came after the claimer had given up waiting
     * for it (5 s), the grant was ignored and the task stayed granted to nobody: its caller waited
     * for do_get_timeout. The claimer now withdraws the claim, and the origin offers the task again.
     */
    @Test
    void a_grant_that_comes_after_the_claimer_gave_up_puts_the_task_back_on_offer() {
        TaskExchange b = node(network, time, "b");
        CompletableFuture<Optional<Assignment>> worker = b.claim(CONNECTED);
        network.deliverAll();
        CompletableFuture<Optional<byte[]>> caller = exchange.call("q", bytes("1"), CONNECTED);
        network.deliverWhile(m -> m.kind() == Message.Kind.OFFER);
        assertEquals(Message.Kind.CLAIM, network.inFlight().get(0).kind());
        time.advance(Duration.ofSeconds(5));
        assertFalse(worker.isDone(), "gave up on the claim, parked again");
        network.deliverAll();
        assertTrue(worker.isDone(), "the task came back on offer and the worker claimed it");
        Assignment task = done(worker).orElseThrow();
        assertArrayEquals(bytes("1"), task.body());
        b.reply(task.token(), bytes("2"));
        network.deliverAll();
        assertEquals("2", text(done(caller)));
    }

    private long written(Message.Kind kind) {
        return network.sent().stream().filter(m -> m.kind() == kind).count();
    }

    @Test
    void a_node_alone_writes_nothing_for_its_tasks_but_a_want_a_second_while_workers_are_parked() {
        for (int i = 0; i < 10; i++) {
            CompletableFuture<Optional<byte[]>> callFirst = exchange.call("q", bytes("1"), CONNECTED);
            exchange.reply(done(exchange.claim(CONNECTED)).orElseThrow().token(), bytes("2"));
            CompletableFuture<Optional<Assignment>> workerFirst = exchange.claim(CONNECTED);
            CompletableFuture<Optional<byte[]>> caller = exchange.call("q", bytes("3"), CONNECTED);
            exchange.reply(done(workerFirst).orElseThrow().token(), bytes("4"));
            assertEquals("2", text(done(callFirst)));
            assertEquals("4", text(done(caller)));
        }
        exchange.claim(CONNECTED);
        time.advance(Duration.ofNanos(3 * RemoteOffers.WANT_REFRESH_NANOS));
        assertEquals(network.sent().size(), written(Message.Kind.WANT), "only WANTs: " + network.sent());
        assertEquals(4, written(Message.Kind.WANT), "one when the first worker parked, then one per refresh while parked");
    }

    @Test
    void a_task_waiting_here_is_offered_as_soon_as_a_worker_parks_on_another_node() {
        TaskExchange b = node(network, time, "b");
        CompletableFuture<Optional<byte[]>> caller = exchange.call("q", bytes("1"), CONNECTED);
        network.deliverAll();
        assertEquals(0, written(Message.Kind.OFFER), "nobody wants tasks: no offer");
        CompletableFuture<Optional<Assignment>> worker = b.claim(CONNECTED);
        network.deliverAll();
        assertArrayEquals(bytes("1"), done(worker).orElseThrow().body());
        assertEquals(1, written(Message.Kind.OFFER));
        b.reply(done(worker).orElseThrow().token(), bytes("2"));
        network.deliverAll();
        assertEquals("2", text(done(caller)));
    }

    @Test
    void tasks_are_offered_while_another_node_wants_them_and_not_after_its_want_has_lapsed() {
        TaskExchange b = node(network, time, "b");
        CompletableFuture<Optional<Assignment>> worker = b.claim(CONNECTED);
        network.deliverAll();
        exchange.call("q", bytes("1"), CONNECTED);
        network.deliverAll();
        assertTrue(done(worker).isPresent(), "offered at once: b had said it wants tasks");
        time.advance(Duration.ofNanos(RemoteOffers.WANT_TTL_NANOS));
        network.deliverAll();
        long offers = written(Message.Kind.OFFER);
        exchange.call("q", bytes("2"), CONNECTED);
        assertEquals(offers, written(Message.Kind.OFFER), "b has no parked worker any more: no offer");
    }

    @Test
    void a_node_with_parked_workers_keeps_saying_so_and_gets_tasks_created_long_after() {
        TaskExchange b = node(network, time, "b");
        CompletableFuture<Optional<Assignment>> worker = b.claim(CONNECTED);
        for (int i = 0; i < 10; i++) {
            time.advance(Duration.ofNanos(RemoteOffers.WANT_REFRESH_NANOS));
            network.deliverAll();
        }
        exchange.call("q", bytes("late"), CONNECTED);
        network.deliverAll();
        assertArrayEquals(bytes("late"), done(worker).orElseThrow().body());
    }

    @Test
    void a_call_is_not_handed_to_a_parked_worker_whose_client_left_but_to_the_next_one() {
        java.util.concurrent.atomic.AtomicBoolean firstThere = new java.util.concurrent.atomic.AtomicBoolean(true);
        CompletableFuture<Optional<Assignment>> older = exchange.claim(CONNECTED);
        CompletableFuture<Optional<Assignment>> left = exchange.claim(firstThere::get);
        firstThere.set(false);
        CompletableFuture<Optional<byte[]>> caller = exchange.call("q", bytes("1"), CONNECTED);
        assertTrue(left.isCancelled(), "nobody to answer");
        Assignment task = done(older).orElseThrow();
        exchange.reply(task.token(), bytes("2"));
        assertEquals("2", text(done(caller)));
    }

    @Test
    void a_task_whose_caller_left_is_never_handed_out() {
        java.util.concurrent.atomic.AtomicBoolean callerThere = new java.util.concurrent.atomic.AtomicBoolean(true);
        CompletableFuture<Optional<byte[]>> waiting = exchange.call("q", bytes("waiting"), CONNECTED);
        CompletableFuture<Optional<byte[]>> gone = exchange.call("q", bytes("gone"), callerThere::get);
        callerThere.set(false);
        Assignment task = done(exchange.claim(CONNECTED)).orElseThrow();
        assertArrayEquals(bytes("waiting"), task.body(), "the newest task's caller had left: the next one");
        assertTrue(gone.isCancelled());
        assertEquals(new TaskExchange.Status(0, 1, 4, 0, 4), exchange.status());
        exchange.reply(task.token(), bytes("r"));
        assertEquals("r", text(done(waiting)));
    }

    @Test
    void clients_that_left_while_parked_stop_counting_after_the_sweep() {
        java.util.concurrent.atomic.AtomicBoolean there = new java.util.concurrent.atomic.AtomicBoolean(true);
        exchange.claim(there::get);
        assertEquals(new TaskExchange.Status(0, 0, 4, 1, 4), exchange.status());
        there.set(false);
        time.advance(Duration.ofSeconds(6));
        assertEquals(new TaskExchange.Status(0, 0, 4, 0, 4), exchange.status());
    }

    @Test
    void a_granted_task_whose_worker_left_meanwhile_goes_back_to_its_origin_for_another_worker() {
        TaskExchange b = node(network, time, "b");
        java.util.concurrent.atomic.AtomicBoolean there = new java.util.concurrent.atomic.AtomicBoolean(true);
        CompletableFuture<Optional<Assignment>> leaving = b.claim(there::get);
        network.deliverAll();
        CompletableFuture<Optional<byte[]>> caller = exchange.call("q", bytes("1"), CONNECTED);
        network.deliverWhile(m -> m.kind() != Message.Kind.GRANT);
        there.set(false);
        network.deliverAll();
        assertTrue(leaving.isCancelled());
        assertEquals(new TaskExchange.Status(1, 0, 4, 0, 4), exchange.status(), "unassigned again at the origin");
        Assignment task = done(exchange.claim(CONNECTED)).orElseThrow();
        exchange.reply(task.token(), bytes("2"));
        assertEquals("2", text(done(caller)));
    }

    @Test
    void an_offer_older_than_do_get_timeout_is_not_claimed_its_caller_is_gone_at_the_origin() {
        // The origin crashed: no END will ever come for these offers.
        exchange.onMessages(java.util.List.of(new Message(Message.Kind.OFFER, "77", "crashed", null, "q", bytes("x"))));
        time.advance(CALL_TIMEOUT);
        CompletableFuture<Optional<Assignment>> worker = exchange.claim(CONNECTED);
        assertEquals(0, written(Message.Kind.CLAIM));
        assertFalse(worker.isDone(), "nothing worth claiming: parked");

        exchange.onMessages(java.util.List.of(new Message(Message.Kind.OFFER, "78", "crashed", null, "q", bytes("y"))));
        assertEquals(1, written(Message.Kind.CLAIM), "a fresh offer is claimed at once for the parked worker");
    }

    /** Records whether the outcome's dependents ran while {@code exchange}'s monitor was held. */
    private static <T> CompletableFuture<T> watched(CompletableFuture<T> outcome, TaskExchange exchange,
                                                    java.util.List<String> underMonitor, String what) {
        outcome.whenComplete((value, error) -> {
            if (Thread.holdsLock(exchange)) {
                underMonitor.add(what);
            }
        });
        return outcome;
    }

    /**
     * Regression: on the bus thread, a client found gone (when an offer came for its parked worker,
     * when a claim came for its task, when a grant came for its worker) was abandoned under the
     * monitor, so what depends on its outcome (forgetting the task, Javalin's answer) ran there.
     */
    @Test
    void requests_abandoned_for_a_client_that_left_are_answered_outside_the_monitor() {
        TaskExchange b = node(network, time, "b");
        java.util.List<String> underMonitor = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean workerThere = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicBoolean callerThere = new java.util.concurrent.atomic.AtomicBoolean(true);
        // An offer comes for a parked worker whose client left.
        watched(b.claim(workerThere::get), b, underMonitor, "worker found gone on an offer");
        network.deliverAll();
        workerThere.set(false);
        CompletableFuture<Optional<byte[]>> first = exchange.call("q", bytes("1"), callerThere::get);
        network.deliverAll();
        watched(first, exchange, underMonitor, "caller found gone on a claim");
        // A claim comes for a task whose caller left.
        CompletableFuture<Optional<Assignment>> second = b.claim(CONNECTED);
        callerThere.set(false);
        network.deliverAll();
        assertTrue(first.isCancelled());
        // A grant comes for a worker whose client left.
        java.util.concurrent.atomic.AtomicBoolean thirdThere = new java.util.concurrent.atomic.AtomicBoolean(true);
        watched(b.claim(thirdThere::get), b, underMonitor, "worker found gone on a grant");
        network.deliverAll();
        exchange.call("q", bytes("2"), CONNECTED);
        network.deliverWhile(m -> m.kind() != Message.Kind.GRANT);
        thirdThere.set(false);
        network.deliverAll();
        assertEquals(java.util.List.of(), underMonitor);
        assertFalse(second.isDone() && second.join().isPresent() && java.util.Arrays.equals(second.join().get().body(), bytes("1")),
                "the task whose caller left was not handed out");
    }
}
