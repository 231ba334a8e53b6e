package io.kqf.engine.rpc;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.kqf.engine.EngineException;
import io.kqf.engine.Parked;
import io.kqf.engine.QueueNames;
import io.kqf.engine.rpc.LocalTasks.LocalTask;
import io.kqf.engine.rpc.Message.Kind;
import io.kqf.kafka.KafkaClients;
import io.kqf.kafka.RecordWriter;
import io.kqf.kafka.TopicAdmin;

/**
 * hustmq's RPC (do_get / do_post): a caller's task is answered synchronously by whichever worker
 * claims it. A parked worker on this node takes a task in memory; otherwise the task is offered on
 * the {@link TaskBus} and a worker parked on any node may claim it. The task's origin node decides
 * every claim (first one wins), so a task is handed out at most once; a task whose caller timed
 * out or left is never handed out, and tokens are never reused, so a late result finds nobody
 * (the protocol: {@link TaskBooks}).
 *
 * <p>Offers only go where they can be taken: a node with parked workers says so (WANT, repeated
 * every second while it lasts), and a task is offered only while some other node wants tasks, or
 * as soon as one says it does. A node alone, or one whose workers keep up with its callers, writes
 * nothing to Kafka for its tasks.
 *
 * <p>Concurrency: the books are guarded by this object's monitor, taken once per request, and
 * nothing is done under it but deciding: messages to other nodes and answers to parked requests
 * are collected in an {@link Outbox} and sent once it is released. A request thread probes a
 * client's connection outside it; the bus thread, deciding for other nodes, probes under it, and
 * abandons a request whose client left only once it is released. Deadlines are checked by one
 * tick every {@link #TICK_NANOS} (no timer per request, so none to schedule and cancel under
 * contention): do_get_timeout and do_post_timeout are late by at most a tick.
 */
public final class TaskExchange implements AutoCloseable {
    /** A task as a worker receives it. */
    public record Assignment(String queue, String token, byte[] body) {
    }

    /** RPC slot counts as do_get_status / do_post_status report them. */
    public record Status(int unassigned, int assigned, int capacity, int parkedWorkers, int workerCapacity) {
    }

    /** do_get_cache_size, do_post_cache_size, do_get_timeout, do_post_timeout. */
    public record Limits(int tasks, int workers, Duration callTimeout, Duration workerTimeout) {
    }

    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * How long a worker waits to learn that its result for a remote task did not get through
     * (below the producer's own delivery timeout, 30 s): then 503, and it may try again.
     */
    static final long REPLY_WRITE_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final String node;
    private final TaskBus bus;
    private final TimeSource time;
    private final Limits limits;
    private final long workerTimeoutNanos;
    private final TaskBooks books;
    private long sweptAtNanos;

    /** @param clock wall-clock time, for tokens only (unique across restarts); {@code time} decides timeouts */
    private TaskExchange(String node, TaskBus bus, TimeSource time, Clock clock, Limits limits) {
        this.node = node;
        this.bus = bus;
        this.time = time;
        this.limits = limits;
        this.workerTimeoutNanos = limits.workerTimeout().toNanos();
        this.books = new TaskBooks(node, time, limits, clock.millis(), this::giveUpClaim);
        this.sweptAtNanos = time.nanoTime();
        time.schedule(TICK_NANOS, this::tick);
    }

    /**
     * This node's exchange on Kafka: creates the task topics if missing and tails them from their
     * end (messages written before the start concern callers that have left with the old node).
     */
    public static TaskExchange start(KafkaClients clients, RecordWriter writer, TopicAdmin admin,
                                     String node, Clock clock, Limits limits) {
        KafkaTaskBus.ensureTopics(admin);
        return open(node, new KafkaTaskBus(clients, writer), new SystemTime("kqf-rpc-timer"), clock, limits);
    }

    /** An exchange on {@code bus}, receiving its messages from now on. */
    static TaskExchange open(String node, TaskBus bus, TimeSource time, Clock clock, Limits limits) {
        TaskExchange exchange = new TaskExchange(node, bus, time, clock, limits);
        bus.open(exchange::onMessages);
        return exchange;
    }

    /** do_get: completes with a worker's result (present) or, after do_get_timeout, empty. */
    public CompletableFuture<Optional<byte[]>> call(String queue, byte[] body, BooleanSupplier connected) {
        QueueNames.validate(queue);
        if (body == null || body.length == 0) {
            throw new EngineException(EngineException.Reason.BAD_REQUEST, "task arguments (the body) are missing");
        }
        Parked<Optional<byte[]>> caller = new Parked<>(connected);
        Outbox out = outbox();
        LocalTask task;
        ParkedWorker worker;
        synchronized (this) {
            task = books.create(queue, body, caller);
            worker = books.workerFor(task, out);
        }
        caller.outcome().whenComplete((result, error) -> {
            if (error instanceof CancellationException) {
                forget(task);
            }
        });
        // The worker's client is asked outside the monitor; one that left is dropped, the next one tried.
        while (worker != null && !worker.waiter().connected()) {
            worker.waiter().abandon();
            synchronized (this) {
                worker = books.workerFor(task, out);
            }
        }
        if (worker != null) {
            worker.waiter().complete(Optional.of(task.assignment()));
        }
        out.flush();
        return caller.outcome();
    }

    /** do_post without token: a task at once, or when one comes, or after do_post_timeout empty. */
    public CompletableFuture<Optional<Assignment>> claim(BooleanSupplier connected) {
        Parked<Optional<Assignment>> waiter = new Parked<>(connected);
        ParkedWorker worker = new ParkedWorker(waiter, time.nanoTime() + workerTimeoutNanos);
        waiter.settle();
        Outbox out = outbox();
        LocalTask task;
        synchronized (this) {
            books.requireWorkerRoom();
            task = books.taskFor(worker, out);
        }
        // The caller is asked outside the monitor; a task whose caller left is never handed out.
        while (task != null && !task.caller.stillWaiting()) {
            synchronized (this) {
                books.forget(task, out);
                task = books.taskFor(worker, out);
            }
        }
        if (task != null) {
            waiter.complete(Optional.of(task.assignment()));
        }
        out.flush();
        return waiter.outcome();
    }

    /** What every task token this node issues starts with (other nodes send a worker's result here by it). */
    public String tokenPrefix() {
        return books.tokenPrefix();
    }

    /**
     * do_post with token: hands the result to the caller. Throws UNKNOWN_TASK at once when the
     * token is not outstanding (never issued, answered, or its caller timed out or left). A task of
     * this node is answered before this returns; a remote task's result is written to its origin,
     * and the future fails with UNAVAILABLE when Kafka does not take it within a bounded time.
     */
    public CompletableFuture<Void> reply(String token, byte[] result) {
        if (result == null || result.length == 0) {
            throw new EngineException(EngineException.Reason.BAD_REQUEST, "the result (the body) is missing");
        }
        Outbox out = outbox();
        boolean answered = false;
        RemoteOffers.Grant grant = null;
        synchronized (this) {
            LocalTask task = books.task(token);
            if (task != null) {
                answered = books.finish(task, Optional.of(result), out);
            } else {
                grant = books.grantToReply(token);
            }
        }
        out.flush();
        if (answered) {
            return CompletableFuture.completedFuture(null);
        }
        if (grant == null) {
            throw new EngineException(EngineException.Reason.UNKNOWN_TASK, "task " + token + " is not outstanding");
        }
        return replyToOrigin(token, grant, result);
    }

    /** The write of a remote task's result, bounded: done, or UNAVAILABLE and the worker may try again. */
    private CompletableFuture<Void> replyToOrigin(String token, RemoteOffers.Grant grant, byte[] result) {
        CompletableFuture<Void> replied = new CompletableFuture<>();
        TimeSource.Timer deadline = time.schedule(REPLY_WRITE_DEADLINE_NANOS, () -> {
            if (replied.completeExceptionally(new EngineException(EngineException.Reason.UNAVAILABLE,
                    "Kafka did not take the result of task " + token + " within "
                            + TimeUnit.NANOSECONDS.toSeconds(REPLY_WRITE_DEADLINE_NANOS) + " s"))) {
                replyWritten(token, grant, false);
            }
        });
        bus.send(new Message(Kind.REPLY, token, node, grant.origin, null, result)).whenComplete((written, error) -> {
            deadline.cancel();
            if (error == null) {
                replyWritten(token, grant, true);
                replied.complete(null);
            } else if (replied.completeExceptionally(new EngineException(EngineException.Reason.UNAVAILABLE,
                    "the result of task " + token + " was not written: " + error.getMessage()))) {
                replyWritten(token, grant, false);
            }
        });
        return replied;
    }

    private synchronized void replyWritten(String token, RemoteOffers.Grant grant, boolean written) {
        books.replyWritten(token, grant, written);
    }

    /** Bus messages, on the bus thread: one decision under the monitor for the whole list. */
    void onMessages(List<Message> messages) {
        Outbox out = outbox();
        synchronized (this) {
            for (Message message : messages) {
                books.onMessage(message, out);
            }
        }
        out.flush();
    }

    /** On the timer thread: an origin has not answered a claim in time. */
    private void giveUpClaim(Message offer) {
        Outbox out = outbox();
        synchronized (this) {
            books.giveUpClaim(offer, out);
        }
        out.flush();
    }

    /** A caller that left: out of the books. */
    private void forget(LocalTask task) {
        Outbox out = outbox();
        synchronized (this) {
            books.forget(task, out);
        }
        out.flush();
    }

    /** Every tick, rescheduled whatever happens. */
    private void tick() {
        try {
            tickOnce();
        } finally {
            time.schedule(TICK_NANOS, this::tick);
        }
    }

    /**
     * Deadlines and WANT refreshes; every {@link #SWEEP_NANOS}, the clients of parked requests are
     * probed (outside the monitor) and those that left abandoned: the next tick drops such a
     * worker, forget() such a task.
     */
    private void tickOnce() {
        Outbox out = outbox();
        TaskBooks.Sweep sweep;
        synchronized (this) {
            boolean sweepDue = time.nanoTime() - sweptAtNanos >= SWEEP_NANOS;
            if (sweepDue) {
                sweptAtNanos = time.nanoTime();
            }
            sweep = books.expire(sweepDue, out);
        }
        out.flush();
        if (sweep != null) {
            sweep.workers().forEach(worker -> worker.waiter().stillWaiting());
            sweep.tasks().forEach(task -> task.caller.stillWaiting());
        }
    }

    private Outbox outbox() {
        return new Outbox(bus, this);
    }

    /** Stopping: callers and parked workers get their timeout answer (408) while HTTP can still send it. */
    public void timeOutAll() {
        Outbox out = outbox();
        synchronized (this) {
            books.expireAll(out);
        }
        out.flush();
    }

    public synchronized Status status() {
        return books.status(limits);
    }

    /** For tests: the books agree with each other (throws IllegalStateException where they do not). */
    synchronized void checkInvariants() {
        books.checkInvariants();
    }

    @Override
    public void close() {
        bus.close();
        time.close();
    }
}
