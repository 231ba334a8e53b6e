package io.kqf.engine.rpc;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * <p>Concurrency: all state is guarded by this object's monitor, and nothing is done under it
 * but deciding: messages to other nodes and answers to parked requests are collected in an
 * {@link Outbox} and sent once the monitor is released.
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

    private static final long CLAIM_ANSWER_NANOS = TimeUnit.SECONDS.toNanos(5);
    /**
     * How long a worker waits to learn that its result for a remote task did not get through
     * (below the producer's own delivery timeout, 30 s): then 503, and it may try again.
     */
    static final long REPLY_WRITE_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** A node with parked workers repeats WANT this often, and not more often. */
    static final long WANT_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long a WANT counts: three refreshes, so one late or lost WANT does not stop the offers. */
    static final long WANT_TTL_NANOS = 3 * WANT_REFRESH_NANOS;

    /** A task created on this node. */
    private static final class LocalTask {
        final String token;
        final String queue;
        final byte[] body;
        final Waiter<Optional<byte[]>> caller;
        boolean assigned;
        /** The node a claim of it was granted to, null when assigned here or unassigned. */
        String grantedTo;
        /** Other nodes may hold an offer of it: they must hear when it is taken or gone. */
        boolean offered;
        TimeSource.Timer timeout;
        /** Which timeout is current: one that fired as it was replaced must not act. */
        int timeoutGeneration;

        LocalTask(String token, String queue, byte[] body, Waiter<Optional<byte[]>> caller) {
            this.token = token;
            this.queue = queue;
            this.body = body;
            this.caller = caller;
        }

        Assignment assignment() {
            return new Assignment(queue, token, body);
        }
    }

    /** A parked do_post. */
    private record Worker(Waiter<Optional<Assignment>> parked, long deadlineNanos) {
    }

    /** A claim of a remote offer: the worker reserved for it, and the timer that gives up on the answer. */
    private record Claim(Worker worker, Message offer, TimeSource.Timer answerDeadline) {
    }

    /** A remote task granted to a worker of this node. */
    private static final class Grant {
        /** Where its result goes. */
        final String origin;
        /** A reply is being written: a second one for the same token is refused meanwhile. */
        boolean replying;

        Grant(String origin) {
            this.origin = origin;
        }
    }

    private final String node;
    private final TaskBus bus;
    private final TimeSource time;
    private final int taskCapacity;
    private final int workerCapacity;
    private final Duration callTimeout;
    private final Duration workerTimeout;
    private final String tokenPrefix;
    private final AtomicLong sequence = new AtomicLong();

    private final Map<String, LocalTask> local = new HashMap<>();
    /** Newest first: the original hands out the newest unassigned task. */
    private final ArrayDeque<LocalTask> unassigned = new ArrayDeque<>();
    /** Most recently parked first, as the original. */
    private final ArrayDeque<Worker> workers = new ArrayDeque<>();
    /** Tasks offered by other nodes and not taken as far as we know, newest first. */
    private final ArrayDeque<Message> offers = new ArrayDeque<>();
    /** Our claims waiting for the origin's answer, by token. */
    private final Map<String, Claim> claiming = new HashMap<>();
    /** Remote tasks granted to a worker of this node, by token. */
    private final Map<String, Grant> granted = new HashMap<>();
    /** Other nodes that said they have parked workers: node → until when that counts (nanos). */
    private final Map<String, Long> wantedBy = new HashMap<>();
    private long wantSentAtNanos;
    private boolean wantSent;
    private long sweptAtNanos;

    /** @param clock wall-clock time, for tokens only (unique across restarts); {@code time} decides timeouts */
    private TaskExchange(String node, TaskBus bus, TimeSource time, Clock clock, Limits limits) {
        this.node = node;
        this.bus = bus;
        this.time = time;
        this.taskCapacity = limits.tasks();
        this.workerCapacity = limits.workers();
        this.callTimeout = limits.callTimeout();
        this.workerTimeout = limits.workerTimeout();
        // Decimal, unique across nodes and restarts: start time + random, then a sequence.
        this.tokenPrefix = clock.millis() + String.format("%03d", ThreadLocalRandom.current().nextInt(1000));
        this.sweptAtNanos = time.nanoTime();
        time.schedule(WANT_REFRESH_NANOS, this::tick);
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
        Waiter<Optional<byte[]>> caller = new Waiter<>(connected);
        Outbox out = outbox();
        LocalTask task;
        synchronized (this) {
            if (local.size() >= taskCapacity) {
                throw new EngineException(EngineException.Reason.CAPACITY, "no free task slot (" + taskCapacity + ")");
            }
            task = new LocalTask(tokenPrefix + String.format("%09d", sequence.incrementAndGet()), queue, body, caller);
            local.put(task.token, task);
            restartTimeout(task);
            Worker worker = nextLiveWorker();
            if (worker != null) {
                task.assigned = true;
                handOut(worker, task.assignment(), out);
            } else {
                unassigned.addFirst(task);
                if (othersWant()) {
                    offer(task, out);
                }
            }
        }
        caller.outcome().whenComplete((result, error) -> forget(task));
        out.flush();
        return caller.outcome();
    }

    /** do_post without token: a task at once, or when one comes, or after do_post_timeout empty. */
    public CompletableFuture<Optional<Assignment>> claim(BooleanSupplier connected) {
        Waiter<Optional<Assignment>> parked = new Waiter<>(connected);
        Worker worker = new Worker(parked, time.nanoTime() + workerTimeout.toNanos());
        Outbox out = outbox();
        synchronized (this) {
            if (workers.size() >= workerCapacity) {
                throw new EngineException(EngineException.Reason.CAPACITY, "no free worker slot (" + workerCapacity + ")");
            }
            parked.settle();
            LocalTask task = nextLiveTask();
            if (task != null) {
                if (task.offered) {
                    // Other nodes may still hold the offer: tell them it is taken (once: forget() need not).
                    task.offered = false;
                    out.send(new Message(Kind.END, task.token, node, null, task.queue, null));
                }
                handOut(worker, task.assignment(), out);
            } else {
                TimeSource.Timer expiry = time.schedule(workerTimeout.toNanos(), () -> expire(worker));
                parked.outcome().whenComplete((assignment, error) -> expiry.cancel());
                if (!claimOffer(worker, out)) {
                    repark(worker, out);
                }
            }
        }
        out.flush();
        return parked.outcome();
    }

    /**
     * do_post with token: hands the result to the caller. Throws at once when the token is not
     * outstanding (never issued, answered, or its caller timed out). A task of this node is
     * answered before this returns; a remote task's result is written to its origin, and the
     * future fails with UNAVAILABLE when Kafka does not take it within a bounded time.
     */
    public CompletableFuture<Void> reply(String token, byte[] result) {
        if (result == null || result.length == 0) {
            throw new EngineException(EngineException.Reason.BAD_REQUEST, "the result (the body) is missing");
        }
        Outbox out = outbox();
        boolean answered;
        Grant grant = null;
        synchronized (this) {
            LocalTask task = local.get(token);
            answered = task != null && finish(task, Optional.of(result), out);
            if (task == null) {
                grant = granted.get(token);
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
            throw unknownTask(token);
        }
        return replyToOrigin(token, grant, result);
    }

    /** The write of a remote task's result, bounded: done, or UNAVAILABLE and the worker may try again. */
    private CompletableFuture<Void> replyToOrigin(String token, Grant grant, byte[] result) {
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
                    granted.remove(token, grant);
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
    private synchronized void replyFailed(Grant grant) {
        grant.replying = false;
    }

    private static EngineException unknownTask(String token) {
        return new EngineException(EngineException.Reason.UNKNOWN_TASK, "task " + token + " is not outstanding");
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
        switch (m.kind()) {
            case OFFER -> {
                if (!m.from().equals(node)) {
                    offers.addFirst(m);
                    Worker worker = nextLiveWorker();
                    if (worker != null && !claimOffer(worker, out)) {
                        repark(worker, out);
                    }
                }
            }
            case CLAIM -> decideClaim(m, out);
            case GRANT, DENY -> claimAnswered(m, out);
            case CANCEL -> claimWithdrawn(m, out);
            case WANT -> {
                if (!m.from().equals(node)) {
                    wantedBy.put(m.from(), time.nanoTime() + WANT_TTL_NANOS);
                    offerWaitingTasks(out);
                }
            }
            case END -> {
                offers.removeIf(offer -> offer.token().equals(m.token()));
                // Its caller is gone: a late result must get 404 here too.
                Grant grant = granted.get(m.token());
                if (grant != null && grant.origin.equals(m.from())) {
                    granted.remove(m.token());
                }
            }
            case REPLY -> {
                LocalTask task = node.equals(m.to()) ? local.get(m.token()) : null;
                if (task != null) {
                    finish(task, Optional.of(m.body() == null ? new byte[0] : m.body()), out);
                }
            }
        }
    }

    /**
     * Under the monitor: claims the newest remote offer for a worker the caller has reserved
     * (settled). False when there is no offer: the caller parks the worker again.
     */
    private boolean claimOffer(Worker worker, Outbox out) {
        Message offer = offers.pollFirst();
        if (offer == null) {
            return false;
        }
        TimeSource.Timer answerDeadline = time.schedule(CLAIM_ANSWER_NANOS, () -> giveUpClaim(offer.token()));
        claiming.put(offer.token(), new Claim(worker, offer, answerDeadline));
        out.send(new Message(Kind.CLAIM, offer.token(), node, offer.from(), null, null));
        return true;
    }

    /** Under the monitor: a reserved worker goes back to waiting, and other nodes hear that we want tasks. */
    private void repark(Worker worker, Outbox out) {
        worker.parked().unsettle();
        workers.addFirst(worker);
        sayWantIfDue(out);
    }

    /** Under the monitor: WANT, unless one went out less than a refresh ago. */
    private void sayWantIfDue(Outbox out) {
        long now = time.nanoTime();
        if (!wantSent || now - wantSentAtNanos >= WANT_REFRESH_NANOS) {
            wantSent = true;
            wantSentAtNanos = now;
            out.send(new Message(Kind.WANT, node, node, null, null, null));
        }
    }

    /** Under the monitor: whether another node said, recently enough, that it has parked workers. */
    private boolean othersWant() {
        long now = time.nanoTime();
        wantedBy.values().removeIf(until -> now - until >= 0);
        return !wantedBy.isEmpty();
    }

    /** Under the monitor: every unassigned task not on offer yet, oldest first (each receiver keeps the newest first). */
    private void offerWaitingTasks(Outbox out) {
        for (var it = unassigned.descendingIterator(); it.hasNext(); ) {
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

    /** Under the monitor: the worker (settled) gets the task once the monitor is released. */
    private static void handOut(Worker worker, Assignment assignment, Outbox out) {
        out.answer(() -> worker.parked().complete(Optional.of(assignment)));
    }

    /** Under the monitor, at the origin: the first claim of a still unassigned, still wanted task wins. */
    private void decideClaim(Message claim, Outbox out) {
        if (!node.equals(claim.to())) {
            // Another node's task is being claimed: do not claim it too.
            offers.removeIf(offer -> offer.token().equals(claim.token()));
            return;
        }
        LocalTask task = local.get(claim.token());
        boolean grant = task != null && !task.assigned && task.caller.stillWaiting();
        if (grant) {
            unassigned.remove(task);
            task.assigned = true;
            task.grantedTo = claim.from();
            restartTimeout(task);
        }
        out.send(new Message(grant ? Kind.GRANT : Kind.DENY, claim.token(), node, claim.from(), null, null));
    }

    /** Under the monitor, at the claimer: hand the task to the reserved worker, or give the worker back. */
    private void claimAnswered(Message answer, Outbox out) {
        if (!node.equals(answer.to())) {
            return;
        }
        Claim claim = claiming.remove(answer.token());
        if (claim == null) {
            return;
        }
        claim.answerDeadline().cancel();
        Message offer = claim.offer();
        if (answer.kind() == Kind.GRANT) {
            granted.put(answer.token(), new Grant(offer.from()));
            handOut(claim.worker(), new Assignment(offer.queue(), offer.token(), offer.body()), out);
        } else {
            nextForReserved(claim.worker(), out);
        }
    }

    /**
     * At the claimer, when the origin has not answered in time (slow, or gone): the worker goes on,
     * and the origin is told to take the task back if its answer was a grant on the way.
     */
    private void giveUpClaim(String token) {
        Outbox out = outbox();
        synchronized (this) {
            Claim claim = claiming.remove(token);
            if (claim != null) {
                out.send(new Message(Kind.CANCEL, token, node, claim.offer().from(), null, null));
                nextForReserved(claim.worker(), out);
            }
        }
        out.flush();
    }

    /** Under the monitor: a worker whose claim fell through claims the next offer, parks again, or is over. */
    private void nextForReserved(Worker worker, Outbox out) {
        if (time.nanoTime() >= worker.deadlineNanos()) {
            out.answer(() -> worker.parked().complete(Optional.empty()));
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
        LocalTask task = node.equals(cancel.to()) ? local.get(cancel.token()) : null;
        if (task == null || !cancel.from().equals(task.grantedTo)) {
            return;
        }
        task.grantedTo = null;
        Worker worker = nextLiveWorker();
        if (worker != null) {
            out.send(new Message(Kind.END, task.token, node, null, task.queue, null));
            task.offered = false;
            handOut(worker, task.assignment(), out);
        } else {
            // Offered again: other nodes dropped the offer when they saw the claim.
            task.assigned = false;
            unassigned.addFirst(task);
            offer(task, out);
        }
    }

    /** Under the monitor: the most recently parked worker whose client is still there. */
    private Worker nextLiveWorker() {
        while (!workers.isEmpty()) {
            Worker worker = workers.pollFirst();
            if (worker.parked().stillWaiting() && worker.parked().settle()) {
                return worker;
            }
        }
        return null;
    }

    /** Under the monitor: the newest unassigned task whose caller is still there, now assigned. */
    private LocalTask nextLiveTask() {
        while (!unassigned.isEmpty()) {
            LocalTask task = unassigned.pollFirst();
            if (task.caller.stillWaiting()) {
                task.assigned = true;
                restartTimeout(task);
                return task;
            }
        }
        return null;
    }

    /**
     * Under the monitor: do_get_timeout runs from creation and again from the claim. Cancelling
     * the previous timer may come too late (its thread has picked it up): the generation tells it.
     */
    private void restartTimeout(LocalTask task) {
        if (task.timeout != null) {
            task.timeout.cancel();
        }
        int generation = ++task.timeoutGeneration;
        task.timeout = time.schedule(callTimeout.toNanos(), () -> {
            Outbox out = outbox();
            synchronized (this) {
                if (task.timeoutGeneration == generation) {
                    finish(task, Optional.empty(), out);
                }
            }
            out.flush();
        });
    }

    /**
     * Under the monitor: takes the task out of the books (once), then its caller is answered: status
     * never counts an answered task. False when it was out already.
     */
    private boolean finish(LocalTask task, Optional<byte[]> answer, Outbox out) {
        if (!forget(task, out)) {
            return false;
        }
        out.answer(() -> task.caller.release(answer));
        return true;
    }

    /** A caller that left or was answered: out of the books. */
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
        unassigned.remove(task);
        task.timeout.cancel();
        if (task.offered) {
            out.send(new Message(Kind.END, task.token, node, null, task.queue, null));
        }
        return true;
    }

    private void expire(Worker worker) {
        boolean parkedHere;
        synchronized (this) {
            parkedHere = workers.remove(worker);
        }
        if (parkedHere) {
            worker.parked().release(Optional.empty());
        }
    }

    /** Drops parked workers and unassigned tasks whose clients left (they must not count, nor be handed out). */
    private void sweep() {
        Outbox out = outbox();
        synchronized (this) {
            workers.removeIf(worker -> !worker.parked().stillWaiting());
            for (LocalTask task : new ArrayList<>(unassigned)) {
                if (!task.caller.stillWaiting()) {
                    forget(task, out);
                }
            }
        }
        out.flush();
    }

    /** Every second: WANT again while workers are parked here; every five, the sweep. */
    private void tick() {
        Outbox out = outbox();
        boolean sweepDue;
        synchronized (this) {
            if (!workers.isEmpty()) {
                sayWantIfDue(out);
            }
            othersWant();
            sweepDue = time.nanoTime() - sweptAtNanos >= SWEEP_NANOS;
            if (sweepDue) {
                sweptAtNanos = time.nanoTime();
            }
        }
        out.flush();
        if (sweepDue) {
            sweep();
        }
        time.schedule(WANT_REFRESH_NANOS, this::tick);
    }

    private Outbox outbox() {
        return new Outbox(bus, this);
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
