package io.kqf.engine.rpc;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.kqf.engine.EngineException;
import io.kqf.engine.QueueNames;
import io.kqf.engine.rpc.Message.Kind;
import io.kqf.kafka.KafkaClients;
import io.kqf.kafka.RecordWriter;
import io.kqf.kafka.TopicAdmin;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * hustmq's RPC (do_get / do_post): a caller's task is answered synchronously by whichever worker
 * claims it. A parked worker on this node takes a task in memory; otherwise the task is offered on
 * the {@link TaskBus} and a worker parked on any node may claim it. The task's origin node decides
 * every claim (first one wins), so a task is handed out at most once; a task whose caller timed
 * out or left is never handed out, and tokens are never reused, so a late result finds nobody.
 *
 * <p>Offers only go where they can be taken: a node with parked workers says so (WANT, repeated
 * every second while it lasts), and a task is offered only while some other node wants tasks, or
 * as soon as one says it does. A node alone, or one whose workers keep up with its callers, writes
 * nothing to Kafka for its tasks.
 *
 * <p>Concurrency: all state is guarded by this object's monitor, taken once per request, and
 * nothing is done under it but deciding: messages to other nodes and answers to parked requests
 * are collected in an {@link Outbox} and sent once it is released; a request thread probes a
 * client's connection outside it (the bus thread, deciding for other nodes, probes under it, and
 * abandons a request whose client left only once it is released).
 * Deadlines are checked by one tick every {@link #TICK_NANOS} (no timer per request, so none to
 * schedule and cancel under contention): do_get_timeout and do_post_timeout are late by at most a
 * tick.
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
    private static final long CLAIM_ANSWER_NANOS = TimeUnit.SECONDS.toNanos(5);
    /**
     * How long a worker waits to learn that its result for a remote task did not get through
     * (below the producer's own delivery timeout, 30 s): then 503, and it may try again.
     */
    static final long REPLY_WRITE_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** A task created on this node. */
    private static final class LocalTask {
        final String token;
        final String queue;
        final byte[] body;
        final Waiter<Optional<byte[]>> caller;
        /** do_get_timeout: from creation, again from the claim. */
        long deadlineNanos;
        boolean assigned;
        /** The node a claim of it was granted to, null when assigned here or unassigned. */
        String grantedTo;
        /** Other nodes may hold an offer of it: they must hear when it is taken or gone. */
        boolean offered;

        LocalTask(String token, String queue, byte[] body, Waiter<Optional<byte[]>> caller, long deadlineNanos) {
            this.token = token;
            this.queue = queue;
            this.body = body;
            this.caller = caller;
            this.deadlineNanos = deadlineNanos;
        }

        Assignment assignment() {
            return new Assignment(queue, token, body);
        }
    }

    private final String node;
    private final TaskBus bus;
    private final TimeSource time;
    private final int taskCapacity;
    private final int workerCapacity;
    private final long callTimeoutNanos;
    private final long workerTimeoutNanos;
    private final String tokenPrefix;
    private final AtomicLong sequence = new AtomicLong();

    private final Map<String, LocalTask> local = new HashMap<>();
    /** Newest first: the original hands out the newest unassigned task. */
    private final ArrayDeque<LocalTask> unassigned = new ArrayDeque<>();
    /** Most recently parked first, as the original; none of them settled (the tick drops abandoned ones). */
    private final ArrayDeque<ParkedWorker> workers = new ArrayDeque<>();
    private final RemoteOffers remote = new RemoteOffers();
    private long sweptAtNanos;

    /** @param clock wall-clock time, for tokens only (unique across restarts); {@code time} decides timeouts */
    private TaskExchange(String node, TaskBus bus, TimeSource time, Clock clock, Limits limits) {
        this.node = node;
        this.bus = bus;
        this.time = time;
        this.taskCapacity = limits.tasks();
        this.workerCapacity = limits.workers();
        this.callTimeoutNanos = limits.callTimeout().toNanos();
        this.workerTimeoutNanos = limits.workerTimeout().toNanos();
        // Decimal, unique across nodes and restarts: start time + random, then a sequence.
        this.tokenPrefix = clock.millis() + String.format("%03d", ThreadLocalRandom.current().nextInt(1000));
        this.sweptAtNanos = time.nanoTime();
        time.schedule(TICK_NANOS, this::tick);
    }

    /**
     * This node's exchange on Kafka: creates the task topics if missing and tails them from their
     * end (messages written before the start concern callers that have left with the old node).
     */
    public static TaskExchange start(KafkaClients clients, KafkaProducer<byte[], byte[]> producer, TopicAdmin admin,
                                     String node, Clock clock, Limits limits) {
        KafkaTaskBus.ensureTopics(admin);
        return open(node, new KafkaTaskBus(clients, new RecordWriter(producer)), new SystemTime("kqf-rpc-timer"),
                clock, limits);
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
        Waiter<Optional<byte[]>> caller = new Waiter<>(connected);
        Outbox out = outbox();
        LocalTask task;
        ParkedWorker worker;
        synchronized (this) {
            if (local.size() >= taskCapacity) {
                throw new EngineException(EngineException.Reason.CAPACITY, "no free task slot (" + taskCapacity + ")");
            }
            task = new LocalTask(nextToken(), queue, body, caller, time.nanoTime() + callTimeoutNanos);
            local.put(task.token, task);
            worker = takeWorker(task, out);
        }
        caller.outcome().whenComplete((result, error) -> {
            if (error instanceof CancellationException) {
                forget(task);
            }
        });
        while (worker != null && !worker.waiter().connected()) {
            worker.waiter().abandon();
            synchronized (this) {
                worker = takeWorker(task, out);
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
        Waiter<Optional<Assignment>> waiter = new Waiter<>(connected);
        ParkedWorker worker = new ParkedWorker(waiter, time.nanoTime() + workerTimeoutNanos);
        waiter.settle();
        Outbox out = outbox();
        LocalTask task;
        synchronized (this) {
            if (workers.size() >= workerCapacity) {
                throw new EngineException(EngineException.Reason.CAPACITY, "no free worker slot (" + workerCapacity + ")");
            }
            task = takeTask(worker, out);
        }
        while (task != null && !task.caller.stillWaiting()) {
            synchronized (this) {
                forget(task, out);
                task = takeTask(worker, out);
            }
        }
        if (task != null) {
            waiter.complete(Optional.of(task.assignment()));
        }
        out.flush();
        return waiter.outcome();
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
            LocalTask task = local.get(token);
            if (task != null) {
                answered = finish(task, Optional.of(result), out);
            } else {
                grant = remote.grant(token);
                if (grant != null && !grant.replying) {
                    grant.replying = true;
                } else {
                    grant = null;
                }
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
                replyFailed(grant);
            }
        });
        bus.send(new Message(Kind.REPLY, token, node, grant.origin, null, result)).whenComplete((written, error) -> {
            deadline.cancel();
            if (error == null) {
                synchronized (this) {
                    remote.replied(token, grant);
                }
                replied.complete(null);
            } else if (replied.completeExceptionally(new EngineException(EngineException.Reason.UNAVAILABLE,
                    "the result of task " + token + " was not written: " + error.getMessage()))) {
                replyFailed(grant);
            }
        });
        return replied;
    }

    /** The worker may send its result again (unless the task ended meanwhile). */
    private synchronized void replyFailed(RemoteOffers.Grant grant) {
        grant.replying = false;
    }

    /** Bus messages, on the bus thread: one decision under the monitor for the whole list. */
    void onMessages(List<Message> messages) {
        Outbox out = outbox();
        synchronized (this) {
            for (Message message : messages) {
                onMessage(message, out);
            }
        }
        out.flush();
    }

    /** Under the monitor. */
    private void onMessage(Message m, Outbox out) {
        boolean mine = node.equals(m.to());
        switch (m.kind()) {
            case OFFER -> {
                if (!m.from().equals(node)) {
                    remote.offered(m, time.nanoTime());
                    ParkedWorker worker = takeLiveWorker(out);
                    if (worker != null && !claimOffer(worker, out)) {
                        repark(worker, out);
                    }
                }
            }
            case CLAIM -> {
                if (mine) {
                    decideClaim(m, out);
                } else {
                    // Another node's task is being claimed: do not claim it too.
                    remote.dropOffer(m.to(), m.token());
                }
            }
            case GRANT, DENY -> {
                if (mine) {
                    claimAnswered(m, out);
                }
            }
            case CANCEL -> {
                if (mine) {
                    claimWithdrawn(m, out);
                }
            }
            case END -> remote.ended(m.from(), m.token());
            case REPLY -> {
                LocalTask task = mine ? local.get(m.token()) : null;
                if (task != null) {
                    finish(task, Optional.of(m.body() == null ? new byte[0] : m.body()), out);
                }
            }
            case WANT -> {
                if (!m.from().equals(node)) {
                    remote.wanted(m.from(), time.nanoTime());
                    offerWaitingTasks(out);
                }
            }
        }
    }

    /**
     * Under the monitor: the most recently parked worker (now settled, reserved for the task, which
     * is assigned); or none, and the task waits unassigned (offered if other nodes want tasks).
     */
    private ParkedWorker takeWorker(LocalTask task, Outbox out) {
        ParkedWorker worker;
        while ((worker = workers.pollFirst()) != null) {
            if (worker.waiter().settle()) {
                task.assigned = true;
                return worker;
            }
        }
        task.assigned = false;
        unassigned.addFirst(task);
        if (remote.othersWant(time.nanoTime())) {
            offer(task, out);
        }
        return null;
    }

    /**
     * Under the monitor, on the bus thread: the most recently parked worker whose client is still
     * there, settled. One whose client left is abandoned once the monitor is released.
     */
    private ParkedWorker takeLiveWorker(Outbox out) {
        ParkedWorker worker;
        while ((worker = workers.pollFirst()) != null) {
            if (!worker.waiter().settle()) {
                continue;
            }
            if (worker.waiter().connected()) {
                return worker;
            }
            out.answer(worker.waiter()::abandon);
        }
        return null;
    }

    /**
     * Under the monitor: the newest unassigned task, now assigned to the (settled) worker, its
     * do_get_timeout restarted; or none, and the worker claims a remote offer or parks.
     */
    private LocalTask takeTask(ParkedWorker worker, Outbox out) {
        LocalTask task = unassigned.pollFirst();
        if (task == null) {
            if (!claimOffer(worker, out)) {
                repark(worker, out);
            }
            return null;
        }
        task.assigned = true;
        task.deadlineNanos = time.nanoTime() + callTimeoutNanos;
        if (task.offered) {
            // Other nodes may still hold the offer: tell them it is taken (once: forget() need not).
            task.offered = false;
            out.send(new Message(Kind.END, task.token, node, null, task.queue, null));
        }
        return task;
    }

    /** Under the monitor: a worker (settled) goes back to waiting, and other nodes hear that we want tasks. */
    private void repark(ParkedWorker worker, Outbox out) {
        worker.waiter().unsettle();
        workers.addFirst(worker);
        if (remote.wantDue(time.nanoTime())) {
            out.send(new Message(Kind.WANT, node, node, null, null, null));
        }
    }

    /** Under the monitor: every unassigned task not on offer yet, oldest first (each receiver keeps the newest first). */
    private void offerWaitingTasks(Outbox out) {
        for (Iterator<LocalTask> it = unassigned.descendingIterator(); it.hasNext(); ) {
            LocalTask task = it.next();
            if (!task.offered) {
                offer(task, out);
            }
        }
    }

    /** Under the monitor. */
    private void offer(LocalTask task, Outbox out) {
        task.offered = true;
        out.send(new Message(Kind.OFFER, task.token, node, null, task.queue, task.body));
    }

    /**
     * Under the monitor: claims the newest remote offer for a worker the caller has reserved
     * (settled). False when there is no offer: the caller parks the worker again.
     */
    private boolean claimOffer(ParkedWorker worker, Outbox out) {
        Message offer = remote.takeOffer(time.nanoTime(), callTimeoutNanos);
        if (offer == null) {
            return false;
        }
        TimeSource.Timer answerDeadline = time.schedule(CLAIM_ANSWER_NANOS, () -> giveUpClaim(offer));
        remote.claimed(new RemoteOffers.Claim(worker, offer, answerDeadline));
        out.send(new Message(Kind.CLAIM, offer.token(), node, offer.from(), null, null));
        return true;
    }

    /** Under the monitor, at the origin: the first claim of a still unassigned, still wanted task wins. */
    private void decideClaim(Message claim, Outbox out) {
        LocalTask task = local.get(claim.token());
        boolean grant = task != null && !task.assigned && callerThere(task, out);
        if (grant) {
            unassigned.remove(task);
            task.assigned = true;
            task.grantedTo = claim.from();
            task.deadlineNanos = time.nanoTime() + callTimeoutNanos;
        }
        out.send(new Message(grant ? Kind.GRANT : Kind.DENY, claim.token(), node, claim.from(), null, null));
    }

    /**
     * Under the monitor, on the bus thread: whether the task's caller is still there. A caller that
     * left takes its task out of the books and is abandoned once the monitor is released.
     */
    private boolean callerThere(LocalTask task, Outbox out) {
        if (task.caller.connected()) {
            return true;
        }
        if (task.caller.settle()) {
            forget(task, out);
            out.answer(task.caller::abandon);
        }
        return false;
    }

    /** Under the monitor, at the claimer: hand the task to the reserved worker, or give the worker back. */
    private void claimAnswered(Message answer, Outbox out) {
        RemoteOffers.Claim claim = remote.answered(answer.from(), answer.token());
        if (claim == null) {
            return;
        }
        ParkedWorker worker = claim.worker();
        Message offer = claim.offer();
        if (answer.kind() == Kind.DENY) {
            nextForReserved(worker, out);
        } else if (!worker.waiter().connected()) {
            // Its client left while we waited for the grant: the origin takes the task back.
            out.answer(worker.waiter()::abandon);
            out.send(new Message(Kind.CANCEL, offer.token(), node, offer.from(), null, null));
        } else {
            remote.granted(offer.token(), new RemoteOffers.Grant(offer.from(), time.nanoTime()));
            Assignment assignment = new Assignment(offer.queue(), offer.token(), offer.body());
            out.answer(() -> worker.waiter().complete(Optional.of(assignment)));
        }
    }

    /**
     * At the claimer, when the origin has not answered in time (slow, or gone): the worker goes on,
     * and the origin is told to take the task back if its answer was a grant on the way.
     */
    private void giveUpClaim(Message offer) {
        Outbox out = outbox();
        synchronized (this) {
            RemoteOffers.Claim claim = remote.answered(offer.from(), offer.token());
            if (claim != null) {
                out.send(new Message(Kind.CANCEL, offer.token(), node, offer.from(), null, null));
                nextForReserved(claim.worker(), out);
            }
        }
        out.flush();
    }

    /** Under the monitor: a worker whose claim fell through claims the next offer, parks again, or is over. */
    private void nextForReserved(ParkedWorker worker, Outbox out) {
        if (time.nanoTime() - worker.deadlineNanos() >= 0) {
            out.answer(() -> worker.waiter().complete(Optional.empty()));
        } else if (!claimOffer(worker, out)) {
            repark(worker, out);
        }
    }

    /**
     * Under the monitor, at the origin: a claimer gave up on its claim. A task granted to it is
     * unassigned again (a worker here or an offer elsewhere takes it); the CANCEL follows the
     * CLAIM in the topic, so a grant is always decided before its withdrawal arrives.
     */
    private void claimWithdrawn(Message cancel, Outbox out) {
        LocalTask task = local.get(cancel.token());
        if (task == null || !cancel.from().equals(task.grantedTo)) {
            return;
        }
        task.grantedTo = null;
        ParkedWorker worker = takeLiveWorker(out);
        if (worker != null) {
            task.offered = false;
            out.send(new Message(Kind.END, task.token, node, null, task.queue, null));
            out.answer(() -> worker.waiter().complete(Optional.of(task.assignment())));
        } else {
            // Offered again: other nodes dropped the offer when they saw the claim.
            task.assigned = false;
            unassigned.addFirst(task);
            offer(task, out);
        }
    }

    /**
     * Under the monitor: takes the task out of the books (once), then its caller is answered: status
     * never counts an answered task. False when it was out already, or its caller had left.
     */
    private boolean finish(LocalTask task, Optional<byte[]> answer, Outbox out) {
        if (!forget(task, out) || task.caller.isSettled()) {
            return false;
        }
        out.answer(() -> task.caller.release(answer));
        return true;
    }

    /** A caller that left: out of the books. */
    private void forget(LocalTask task) {
        Outbox out = outbox();
        synchronized (this) {
            forget(task, out);
        }
        out.flush();
    }

    /** Under the monitor: true when this call took the task out of the books. */
    private boolean forget(LocalTask task, Outbox out) {
        if (local.remove(task.token) == null) {
            return false;
        }
        unbook(task, out);
        return true;
    }

    /** Under the monitor: the rest of a task's leaving, once it is out of {@code local}. */
    private void unbook(LocalTask task, Outbox out) {
        if (!task.assigned) {
            unassigned.remove(task);
        }
        if (task.offered) {
            out.send(new Message(Kind.END, task.token, node, null, task.queue, null));
        }
    }

    /**
     * Every tick (rescheduled whatever happens): calls and parked workers past their deadline get their empty answer; while
     * workers are parked, WANT again once a refresh has passed; every {@link #SWEEP_NANOS}, the
     * clients of waiting requests are probed (outside the monitor) and those that left dropped.
     */
    private void tick() {
        try {
            tickOnce();
        } finally {
            time.schedule(TICK_NANOS, this::tick);
        }
    }

    private void tickOnce() {
        Outbox out = outbox();
        List<ParkedWorker> parked = null;
        List<LocalTask> waiting = null;
        synchronized (this) {
            long now = time.nanoTime();
            for (Iterator<LocalTask> it = local.values().iterator(); it.hasNext(); ) {
                LocalTask task = it.next();
                if (now - task.deadlineNanos >= 0) {
                    it.remove();
                    unbook(task, out);
                    out.answer(() -> task.caller.release(Optional.empty()));
                }
            }
            for (Iterator<ParkedWorker> it = workers.iterator(); it.hasNext(); ) {
                ParkedWorker worker = it.next();
                if (worker.waiter().isSettled()) {
                    it.remove(); // abandoned by a probe: its client left
                } else if (now - worker.deadlineNanos() >= 0 && worker.waiter().settle()) {
                    it.remove();
                    out.answer(() -> worker.waiter().complete(Optional.empty()));
                }
            }
            if (!workers.isEmpty() && remote.wantDue(now)) {
                out.send(new Message(Kind.WANT, node, node, null, null, null));
            }
            remote.othersWant(now);
            if (now - sweptAtNanos >= SWEEP_NANOS) {
                sweptAtNanos = now;
                remote.dropStale(now, callTimeoutNanos);
                parked = List.copyOf(workers);
                waiting = List.copyOf(unassigned);
            }
        }
        out.flush();
        if (parked != null) {
            // A client that left is abandoned here; the next tick (workers) or forget (tasks) drops it.
            parked.forEach(worker -> worker.waiter().stillWaiting());
            waiting.forEach(task -> task.caller.stillWaiting());
        }
    }

    private String nextToken() {
        String sequenceDigits = Long.toString(sequence.incrementAndGet());
        return tokenPrefix + "000000000".substring(Math.min(9, sequenceDigits.length())) + sequenceDigits;
    }

    private Outbox outbox() {
        return new Outbox(bus, this);
    }

    /** For tests: the books agree with each other (throws IllegalStateException where they do not). */
    synchronized void checkInvariants() {
        for (LocalTask task : unassigned) {
            if (local.get(task.token) != task || task.assigned) {
                throw new IllegalStateException("unassigned task " + task.token + " is not an unassigned task of the books");
            }
        }
        long waitingInBooks = local.values().stream().filter(task -> !task.assigned).count();
        if (waitingInBooks != unassigned.size()) {
            throw new IllegalStateException(waitingInBooks + " unassigned tasks in the books, " + unassigned.size() + " waiting");
        }
        if (local.size() > taskCapacity) {
            throw new IllegalStateException(local.size() + " tasks above the capacity " + taskCapacity);
        }
    }

    public synchronized Status status() {
        int unassignedCount = unassigned.size();
        return new Status(unassignedCount, local.size() - unassignedCount, taskCapacity, workers.size(), workerCapacity);
    }

    @Override
    public void close() {
        bus.close();
        time.close();
    }
}
