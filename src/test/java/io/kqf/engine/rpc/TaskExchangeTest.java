package io.kqf.engine.rpc;

import static io.kqf.engine.rpc.TestNodes.CALL_TIMEOUT;
import static io.kqf.engine.rpc.TestNodes.CONNECTED;
import static io.kqf.engine.rpc.TestNodes.WORKER_TIMEOUT;
import static io.kqf.engine.rpc.TestNodes.bytes;
import static io.kqf.engine.rpc.TestNodes.done;
import static io.kqf.engine.rpc.TestNodes.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import io.kqf.engine.EngineException;
import io.kqf.engine.rpc.TaskExchange.Assignment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One node's exchange without HTTP or Kafka: time and the network are driven by the test. */
class TaskExchangeTest {
    private final TestNodes nodes = new TestNodes();
    private final ManualTime time = nodes.time;
    private final MemoryBus network = nodes.network;
    private final TaskExchange exchange = nodes.node("a");

    @AfterEach
    void books_agree() {
        nodes.checkInvariants();
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
        Set<String> tokens = new HashSet<>();
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
        List<Runnable> firing = time.takeDue(CALL_TIMEOUT);
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
        assertEquals(network.sent().size(), nodes.written(Message.Kind.WANT), "only WANTs: " + network.sent());
        assertEquals(4, nodes.written(Message.Kind.WANT), "one when the first worker parked, then one per refresh while parked");
    }

    @Test
    void a_call_is_not_handed_to_a_parked_worker_whose_client_left_but_to_the_next_one() {
        AtomicBoolean firstThere = new AtomicBoolean(true);
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
        AtomicBoolean callerThere = new AtomicBoolean(true);
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
        AtomicBoolean there = new AtomicBoolean(true);
        exchange.claim(there::get);
        assertEquals(new TaskExchange.Status(0, 0, 4, 1, 4), exchange.status());
        there.set(false);
        time.advance(Duration.ofSeconds(6));
        assertEquals(new TaskExchange.Status(0, 0, 4, 0, 4), exchange.status());
    }
}
