package io.kqf.engine.rpc;

import static io.kqf.engine.rpc.TestNodes.CALL_TIMEOUT;
import static io.kqf.engine.rpc.TestNodes.CONNECTED;
import static io.kqf.engine.rpc.TestNodes.bytes;
import static io.kqf.engine.rpc.TestNodes.done;
import static io.kqf.engine.rpc.TestNodes.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.kqf.engine.EngineException;
import io.kqf.engine.rpc.TaskExchange.Assignment;
import io.kqf.kafka.KafkaUnavailable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several nodes' exchanges on an in-memory network the test delivers message by message: the
 * protocol by which a task is offered, claimed, granted at most once, and answered across nodes.
 */
class CrossNodeTaskTest {
    private final TestNodes nodes = new TestNodes();
    private final ManualTime time = nodes.time;
    private final MemoryBus network = nodes.network;
    private final TaskExchange exchange = nodes.node("a");

    @AfterEach
    void books_agree() {
        nodes.checkInvariants();
    }

    /**
     * Regression: claiming a remote offer wrote the CLAIM to Kafka while holding the exchange's
     * monitor, so every request of the node waited for the producer meanwhile.
     */
    @Test
    void no_message_is_written_while_the_exchange_holds_its_monitor() {
        TaskExchange b = nodes.node("b");
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
        assertEquals(List.of(), network.sentUnderMonitor());
        assertFalse(second.isDone() || third.isDone());
    }

    @Test
    void a_worker_on_another_node_gets_the_task_and_its_result_answers_the_caller_here() {
        TaskExchange b = nodes.node("b");
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
        TaskExchange b = nodes.node("b");
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
            } catch (CompletionException e) {
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
        TaskExchange b = nodes.node("b");
        CompletableFuture<Optional<Assignment>> worker = b.claim(CONNECTED);
        exchange.call("q", bytes("1"), CONNECTED);
        network.deliverAll();
        network.acknowledgeWith(() -> CompletableFuture.failedFuture(new KafkaUnavailable("broker down")));
        int timers = time.pending();
        CompletableFuture<Void> replied = b.reply(done(worker).orElseThrow().token(), bytes("2"));
        assertTrue(replied.isCompletedExceptionally());
        assertEquals(timers, time.pending(), "the write deadline's timer is gone with the failure");
    }

    /**
     * Regression: when the origin's answer to a claim came after the claimer had given up waiting
     * for it (5 s), the grant was ignored and the task stayed granted to nobody: its caller waited
     * for do_get_timeout. The claimer now withdraws the claim, and the origin offers the task again.
     */
    @Test
    void a_grant_that_comes_after_the_claimer_gave_up_puts_the_task_back_on_offer() {
        TaskExchange b = nodes.node("b");
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

    @Test
    void a_task_waiting_here_is_offered_as_soon_as_a_worker_parks_on_another_node() {
        TaskExchange b = nodes.node("b");
        CompletableFuture<Optional<byte[]>> caller = exchange.call("q", bytes("1"), CONNECTED);
        network.deliverAll();
        assertEquals(0, nodes.written(Message.Kind.OFFER), "nobody wants tasks: no offer");
        CompletableFuture<Optional<Assignment>> worker = b.claim(CONNECTED);
        network.deliverAll();
        assertArrayEquals(bytes("1"), done(worker).orElseThrow().body());
        assertEquals(1, nodes.written(Message.Kind.OFFER));
        b.reply(done(worker).orElseThrow().token(), bytes("2"));
        network.deliverAll();
        assertEquals("2", text(done(caller)));
    }

    @Test
    void tasks_are_offered_while_another_node_wants_them_and_not_after_its_want_has_lapsed() {
        TaskExchange b = nodes.node("b");
        CompletableFuture<Optional<Assignment>> worker = b.claim(CONNECTED);
        network.deliverAll();
        exchange.call("q", bytes("1"), CONNECTED);
        network.deliverAll();
        assertTrue(done(worker).isPresent(), "offered at once: b had said it wants tasks");
        time.advance(Duration.ofNanos(RemoteOffers.WANT_TTL_NANOS));
        network.deliverAll();
        long offers = nodes.written(Message.Kind.OFFER);
        exchange.call("q", bytes("2"), CONNECTED);
        assertEquals(offers, nodes.written(Message.Kind.OFFER), "b has no parked worker any more: no offer");
    }

    @Test
    void a_node_with_parked_workers_keeps_saying_so_and_gets_tasks_created_long_after() {
        TaskExchange b = nodes.node("b");
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
    void a_granted_task_whose_worker_left_meanwhile_goes_back_to_its_origin_for_another_worker() {
        TaskExchange b = nodes.node("b");
        AtomicBoolean there = new AtomicBoolean(true);
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
        exchange.onMessages(List.of(new Message(Message.Kind.OFFER, "77", "crashed", null, "q", bytes("x"))));
        time.advance(CALL_TIMEOUT);
        CompletableFuture<Optional<Assignment>> worker = exchange.claim(CONNECTED);
        assertEquals(0, nodes.written(Message.Kind.CLAIM));
        assertFalse(worker.isDone(), "nothing worth claiming: parked");

        exchange.onMessages(List.of(new Message(Message.Kind.OFFER, "78", "crashed", null, "q", bytes("y"))));
        assertEquals(1, nodes.written(Message.Kind.CLAIM), "a fresh offer is claimed at once for the parked worker");
    }

    /** Records whether the outcome's dependents ran while {@code exchange}'s monitor was held. */
    private static <T> CompletableFuture<T> watched(CompletableFuture<T> outcome, TaskExchange exchange,
                                                    List<String> underMonitor, String what) {
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
        TaskExchange b = nodes.node("b");
        List<String> underMonitor = new ArrayList<>();
        AtomicBoolean workerThere = new AtomicBoolean(true);
        AtomicBoolean callerThere = new AtomicBoolean(true);
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
        AtomicBoolean thirdThere = new AtomicBoolean(true);
        watched(b.claim(thirdThere::get), b, underMonitor, "worker found gone on a grant");
        network.deliverAll();
        exchange.call("q", bytes("2"), CONNECTED);
        network.deliverWhile(m -> m.kind() != Message.Kind.GRANT);
        thirdThere.set(false);
        network.deliverAll();
        assertEquals(List.of(), underMonitor);
        assertFalse(second.isDone() && second.join().isPresent() && Arrays.equals(second.join().get().body(), bytes("1")),
                "the task whose caller left was not handed out");
    }

    @Test
    void two_nodes_claiming_the_same_offer_one_gets_the_task_and_the_other_parks_again() {
        TaskExchange b = nodes.node("b");
        TaskExchange c = nodes.node("c");
        CompletableFuture<Optional<Assignment>> onB = b.claim(CONNECTED);
        CompletableFuture<Optional<Assignment>> onC = c.claim(CONNECTED);
        network.deliverAll();
        CompletableFuture<Optional<byte[]>> caller = exchange.call("q", bytes("once"), CONNECTED);
        network.deliverWhile(m -> m.kind() == Message.Kind.OFFER);
        assertEquals(2, network.inFlight().stream().filter(m -> m.kind() == Message.Kind.CLAIM).count(), "both claim");
        network.deliverAll();
        assertTrue(onB.isDone() ^ onC.isDone(), "exactly one worker got the task");
        CompletableFuture<Optional<Assignment>> winner = onB.isDone() ? onB : onC;
        assertEquals(1, (onB.isDone() ? c : b).status().parkedWorkers(), "the other one waits again");
        (onB.isDone() ? b : c).reply(done(winner).orElseThrow().token(), bytes("r"));
        network.deliverAll();
        assertEquals("r", text(done(caller)));
        assertEquals(1, nodes.written(Message.Kind.GRANT));
    }
}
