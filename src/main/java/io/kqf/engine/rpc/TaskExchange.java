package io.kqf.engine.rpc;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedList;
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
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * hustmq's RPC (do_get / do_post): a caller's task is answered synchronously by whichever worker
 * claims it. A parked worker on this node takes a task in memory; otherwise the task is offered on
 * the {@link TaskBus} and a worker parked on any node may claim it. The task's origin node decides
 * every claim (first one wins), so a task is handed out at most once; a task whose caller timed
 * out or left is never handed out, and tokens are never reused, so a late result finds nobody.
 *
 * <p>All state is guarded by this object's monitor; Kafka writes happen outside it.
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
    private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** A task created on this node. */
    private final class LocalTask {
        final String token;
        final String queue;
        final byte[] body;
        final Waiter<Optional<byte[]>> caller;
        boolean assigned;
        boolean offered;
        TimeSource.Timer timeout;

        LocalTask(String token, String queue, byte[] body, Waiter<Optional<byte[]>> caller) {
            this.token = token;
            this.queue = queue;
            this.body = body;
            this.caller = caller;
        }
    }

    /** A parked do_post. */
    private record Worker(Waiter<Optional<Assignment>> parked, long deadlineNanos) {
    }

    /** A claim of a remote offer: the worker reserved for it, and the timer that gives up on the answer. */
    private record Claim(Worker worker, Message offer, TimeSource.Timer answerDeadline) {
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
    private final LinkedList<LocalTask> unassigned = new LinkedList<>();
    /** Most recently parked first, as the original. */
    private final LinkedList<Worker> workers = new LinkedList<>();
    /** Tasks offered by other nodes and not taken as far as we know, newest first. */
    private final LinkedList<Message> offers = new LinkedList<>();
    /** Our claims waiting for the origin's answer: token → the worker reserved for it. */
    private final Map<String, Claim> claiming = new HashMap<>();
    /** Remote tasks granted to a worker of this node: token → origin node (where its reply goes). */
    private final Map<String, String> granted = new HashMap<>();

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
        time.schedule(SWEEP_NANOS, this::sweepAndRepeat);
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
        LocalTask task;
        Worker worker;
        synchronized (this) {
            if (local.size() >= taskCapacity) {
                throw new EngineException(EngineException.Reason.CAPACITY, "no free task slot (" + taskCapacity + ")");
            }
            task = new LocalTask(tokenPrefix + String.format("%09d", sequence.incrementAndGet()), queue, body, caller);
            local.put(task.token, task);
            worker = nextLiveWorker();
            if (worker != null) {
                task.assigned = true;
            } else {
                unassigned.addFirst(task);
                task.offered = true;
            }
            restartTimeout(task);
        }
        caller.outcome().whenComplete((result, error) -> forget(task));
        if (worker != null) {
            worker.parked().complete(Optional.of(new Assignment(queue, task.token, body)));
        } else {
            bus.send(new Message(Kind.OFFER, task.token, node, null, queue, body));
        }
        return caller.outcome();
    }

    /** do_post without token: a task at once, or when one comes, or after do_post_timeout empty. */
    public CompletableFuture<Optional<Assignment>> claim(BooleanSupplier connected) {
        Waiter<Optional<Assignment>> parked = new Waiter<>(connected);
        Worker worker = new Worker(parked, time.nanoTime() + workerTimeout.toNanos());
        LocalTask task;
        synchronized (this) {
            if (workers.size() >= workerCapacity) {
                throw new EngineException(EngineException.Reason.CAPACITY, "no free worker slot (" + workerCapacity + ")");
            }
            task = nextLiveTask();
            parked.settle();
            if (task == null && !claimOffer(worker)) {
                repark(worker);
            }
        }
        if (task != null && task.offered) {
            // Other nodes may still hold the offer: tell them it is taken (once: forget() need not).
            synchronized (this) {
                task.offered = false;
            }
            bus.send(new Message(Kind.END, task.token, node, null, task.queue, null));
        }
        if (task != null) {
            parked.complete(Optional.of(new Assignment(task.queue, task.token, task.body)));
        } else {
            TimeSource.Timer expiry = time.schedule(workerTimeout.toNanos(), () -> expire(worker));
            parked.outcome().whenComplete((assignment, error) -> expiry.cancel());
        }
        return parked.outcome();
    }

    /**
     * do_post with token: hands the result to the caller. Throws UNKNOWN_TASK when the token is not
     * outstanding (never issued, answered, or its caller timed out).
     */
    public void reply(String token, byte[] result) {
        if (result == null || result.length == 0) {
            throw new EngineException(EngineException.Reason.BAD_REQUEST, "the result (the body) is missing");
        }
        LocalTask task;
        String origin;
        synchronized (this) {
            task = local.get(token);
            origin = task == null ? granted.remove(token) : null;
        }
        if (task != null) {
            if (!finish(task, Optional.of(result))) {
                throw unknownTask(token);
            }
            return;
        }
        if (origin == null) {
            throw unknownTask(token);
        }
        bus.send(new Message(Kind.REPLY, token, node, origin, null, result)).join();
    }

    private static EngineException unknownTask(String token) {
        return new EngineException(EngineException.Reason.NO_SUCH_QUEUE, "task " + token + " is not outstanding");
    }

    /** Bus messages, on the bus thread. */
    void onMessages(List<Message> messages) {
        messages.forEach(this::onMessage);
    }

    private void onMessage(Message m) {
        switch (m.kind()) {
            case OFFER -> {
                if (!m.from().equals(node)) {
                    offered(m);
                }
            }
            case CLAIM -> decideClaim(m);
            case GRANT, DENY -> claimAnswered(m);
            case END -> {
                synchronized (this) {
                    offers.removeIf(offer -> offer.token().equals(m.token()));
                    // Its caller is gone: a late result must get 404 here too.
                    granted.remove(m.token());
                }
            }
            case REPLY -> {
                LocalTask task;
                synchronized (this) {
                    task = node.equals(m.to()) ? local.get(m.token()) : null;
                }
                if (task != null) {
                    finish(task, Optional.of(m.body() == null ? new byte[0] : m.body()));
                }
            }
        }
    }

    private void offered(Message offer) {
        synchronized (this) {
            offers.addFirst(offer);
            Worker worker = nextLiveWorker();
            if (worker != null && !claimOffer(worker)) {
                repark(worker);
            }
        }
    }

    /**
     * Under the monitor: claims the newest remote offer for a worker the caller has reserved
     * (settled). False when there is no offer: the caller parks the worker again.
     */
    private boolean claimOffer(Worker worker) {
        Message offer = offers.pollFirst();
        if (offer == null) {
            return false;
        }
        TimeSource.Timer answerDeadline = time.schedule(CLAIM_ANSWER_NANOS,
                () -> claimAnswered(new Message(Kind.DENY, offer.token(), offer.from(), node, null, null)));
        claiming.put(offer.token(), new Claim(worker, offer, answerDeadline));
        bus.send(new Message(Kind.CLAIM, offer.token(), node, offer.from(), null, null));
        return true;
    }

    /** Under the monitor: a reserved worker goes back to waiting. */
    private void repark(Worker worker) {
        worker.parked().unsettle();
        workers.addFirst(worker);
    }

    /** At the origin: the first claim of a still unassigned, still wanted task wins. */
    private void decideClaim(Message claim) {
        if (!node.equals(claim.to())) {
            // Another node's task is being claimed: do not claim it too.
            synchronized (this) {
                offers.removeIf(offer -> offer.token().equals(claim.token()));
            }
            return;
        }
        boolean grant;
        synchronized (this) {
            LocalTask task = local.get(claim.token());
            grant = task != null && !task.assigned && task.caller.stillWaiting();
            if (grant) {
                unassigned.remove(task);
                task.assigned = true;
                restartTimeout(task);
            }
        }
        bus.send(new Message(grant ? Kind.GRANT : Kind.DENY, claim.token(), node, claim.from(), null, null));
    }

    /** At the claimer: hand the task to the reserved worker, or give the worker back. */
    private void claimAnswered(Message answer) {
        if (!node.equals(answer.to())) {
            return;
        }
        Worker worker;
        Message offer;
        synchronized (this) {
            Claim claim = claiming.remove(answer.token());
            if (claim == null) {
                return;
            }
            claim.answerDeadline().cancel();
            worker = claim.worker();
            offer = claim.offer();
            if (answer.kind() == Kind.GRANT) {
                granted.put(answer.token(), offer.from());
            }
        }
        if (answer.kind() == Kind.GRANT) {
            worker.parked().complete(Optional.of(new Assignment(offer.queue(), offer.token(), offer.body())));
            return;
        }
        synchronized (this) {
            if (time.nanoTime() >= worker.deadlineNanos()) {
                worker.parked().complete(Optional.empty());
            } else if (!claimOffer(worker)) {
                repark(worker);
            }
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

    /** Under the monitor: do_get_timeout runs from creation and again from the claim. */
    private void restartTimeout(LocalTask task) {
        if (task.timeout != null) {
            task.timeout.cancel();
        }
        task.timeout = time.schedule(callTimeout.toNanos(), () -> finish(task, Optional.empty()));
    }

    /** Takes the task out of the books (once), then answers its caller: status never counts an answered task. */
    private boolean finish(LocalTask task, Optional<byte[]> answer) {
        if (!forget(task)) {
            return false;
        }
        task.caller.release(answer);
        return true;
    }

    /** True when this call took the task out of the books. */
    private boolean forget(LocalTask task) {
        boolean offered;
        synchronized (this) {
            if (local.remove(task.token) == null) {
                return false;
            }
            unassigned.remove(task);
            if (task.timeout != null) {
                task.timeout.cancel();
            }
            offered = task.offered;
        }
        if (offered) {
            bus.send(new Message(Kind.END, task.token, node, null, task.queue, null));
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
        List<LocalTask> abandoned = new ArrayList<>();
        synchronized (this) {
            workers.removeIf(worker -> !worker.parked().stillWaiting());
            for (LocalTask task : unassigned) {
                if (!task.caller.stillWaiting()) {
                    abandoned.add(task);
                }
            }
        }
        abandoned.forEach(this::forget);
    }

    public synchronized Status status() {
        int assigned = (int) local.values().stream().filter(t -> t.assigned).count();
        return new Status(local.size() - assigned, assigned, taskCapacity, workers.size(), workerCapacity);
    }

    private void sweepAndRepeat() {
        sweep();
        time.schedule(SWEEP_NANOS, this::sweepAndRepeat);
    }

    @Override
    public void close() {
        bus.close();
        time.close();
    }
}
