package io.kqf.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The queue operations both HTTP APIs are built on: put, get (auto-ack or lease), ack, and the
 * attributes. Knows nothing of HTTP. Blocking is bounded: a get waits at most {@code fetchWait}
 * for the poller to fetch a record it knows exists; Kafka writes complete futures.
 */
public final class QueueEngine {
    /** hustmq pointer arithmetic is modulo 11,000,000. */
    static final long POINTER_MODULUS = 11_000_000L;
    public static final int MAX_CAPACITY = 5_000_000;

    private final QueueRegistry registry;
    private final Poller poller;
    private final LeaseTimer timer;
    private final LeaseJournal journal;
    private final MetaStore metaStore;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Clock clock;
    private final long fetchWaitNanos;
    private final int maxItemBytes;
    private volatile java.util.function.Consumer<String> getObserver = queue -> { };
    private volatile PushQueues push;

    QueueEngine(QueueRegistry registry, Poller poller, LeaseTimer timer, LeaseJournal journal, MetaStore metaStore,
                KafkaProducer<byte[], byte[]> producer, Clock clock, Duration fetchWait, int maxItemBytes) {
        this.maxItemBytes = maxItemBytes;
        this.registry = registry;
        this.poller = poller;
        this.timer = timer;
        this.journal = journal;
        this.metaStore = metaStore;
        this.producer = producer;
        this.clock = clock;
        this.fetchWaitNanos = fetchWait.toNanos();
    }

    /** Appends an item to lane {@code priority}, creating the queue if needed; completes once Kafka acknowledged it. */
    public CompletableFuture<Void> put(String queueName, int priority, byte[] item) {
        QueueNames.validate(queueName);
        if (priority < 0 || priority > 2) {
            throw EngineException.badRequest("priori must be 0, 1 or 2");
        }
        if (item == null || item.length == 0) {
            throw EngineException.badRequest("item is missing (send it as the body or as item=)");
        }
        checkSize(item);
        QueueState queue = registry.findOrCreate(queueName, QueueType.PLAIN);
        registry.ensureLane(queue, priority);
        reserve(queue);
        String topic = registry.topicOf(queue, priority);
        CompletableFuture<Void> stored = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, item), (metadata, error) -> {
                synchronized (queue) {
                    queue.inflightPuts--;
                    if (error == null) {
                        queue.lane(priority, metadata.partition(), topic).noteProduced(metadata.offset());
                    }
                    queue.changed();
                }
                if (error != null) {
                    stored.completeExceptionally(EngineException.unavailable("Kafka did not store the item: " + error.getMessage()));
                } else {
                    stored.complete(null);
                }
            });
        } catch (RuntimeException e) {
            synchronized (queue) {
                queue.inflightPuts--;
            }
            throw EngineException.unavailable("Kafka did not accept the item: " + e.getMessage());
        }
        return stored;
    }

    void checkSize(byte[] item) {
        if (item.length > maxItemBytes) {
            throw new EngineException(EngineException.Reason.TOO_LARGE,
                    "item of " + item.length + " bytes is larger than item.max.bytes (" + maxItemBytes + ")");
        }
    }

    /** Lock and max are checked exactly: puts in flight count against max until Kafka answers. */
    private void reserve(QueueState queue) {
        long deadline = System.nanoTime() + fetchWaitNanos;
        synchronized (queue) {
            QueueMeta meta = queue.meta();
            if (meta == null) {
                throw EngineException.noSuchQueue(queue.name);
            }
            if (meta.locked()) {
                throw new EngineException(EngineException.Reason.LOCKED, "queue " + queue.name + " is locked");
            }
            if (meta.max() > 0) {
                awaitLoaded(queue, deadline);
                if (queue.readyTotal() + queue.inflightPuts >= meta.max()) {
                    throw new EngineException(EngineException.Reason.FULL,
                            "queue " + queue.name + " is full (max " + meta.max() + ")");
                }
            }
            queue.inflightPuts++;
        }
    }

    /**
     * Takes the next item: the oldest due redelivery, else the head of lane 2, 1, 0. Empty when
     * nothing can be delivered now. With {@code autoAck} the future completes only once the ack is
     * committed, so a delivered item is never delivered again; otherwise it carries a lease token.
     */
    public CompletableFuture<Optional<Delivery>> get(String queueName, String worker, boolean autoAck) {
        QueueState queue = requirePlain(queueName);
        queue.sawWorker(worker, clock.millis() / 1000);
        getObserver.accept(queueName);
        CompletableFuture<Optional<Delivery>> delivery = deliver(queue, autoAck, true);
        return delivery == null ? CompletableFuture.completedFuture(Optional.empty()) : delivery;
    }

    /**
     * A get that never blocks (for parked gets, run by the long-poll thread): null when nothing can
     * be delivered right now.
     */
    CompletableFuture<Optional<Delivery>> tryGet(QueueState queue, String worker, boolean autoAck) {
        queue.sawWorker(worker, clock.millis() / 1000);
        return deliver(queue, autoAck, false);
    }

    /** Items a get could take now: ready ones plus due leases (what an evget may be released for). */
    long deliverable(QueueState queue) {
        synchronized (queue) {
            return queue.meta() == null || queue.meta().type() != QueueType.PLAIN ? 0
                    : queue.readyTotal() + queue.dueCount(clock.millis());
        }
    }

    private CompletableFuture<Optional<Delivery>> deliver(QueueState queue, boolean autoAck, boolean block) {
        long now = clock.millis();
        long timeout = registry.timeoutMillis(queue);
        synchronized (queue) {
            Taken taken = take(queue, block ? System.nanoTime() + fetchWaitNanos : 0);
            if (taken == null) {
                return null;
            }
            Lane lane = taken.lane();
            if (autoAck) {
                Lease old = queue.removeLease(lane, taken.offset());
                if (old != null) {
                    timer.cancel(old);
                }
                lane.ack(taken.offset());
                Delivery delivery = new Delivery(taken.body(), null, taken.deliveries());
                return poller.commit(lane).thenApply(v -> Optional.of(delivery));
            }
            Lease lease;
            if (taken.lease() != null) {
                queue.removeLease(lane, taken.offset());
                timer.cancel(taken.lease());
                lease = taken.lease().redelivered(now, timeout);
            } else {
                lease = new Lease(lane, taken.offset(), now, now + timeout, 1, taken.body());
            }
            queue.addLease(lease);
            lane.journaled.add(lease.offset);
            timer.start(lease);
            Delivery delivery = new Delivery(taken.body(), lease.token(), lease.deliveries);
            return journal.recordLease(lease).thenApply(v -> Optional.of(delivery));
        }
    }

    /** What a get took: a ready record, or a due lease (then {@code lease} is set). */
    private record Taken(Lane lane, long offset, byte[] body, int deliveries, Lease lease) {
    }

    /** Under the queue's monitor. {@code deadline} 0: do not wait, null when a fetch is pending. */
    private Taken take(QueueState queue, long deadline) {
        while (true) {
            if (queue.meta() == null) {
                return null;
            }
            boolean mustWait = false;
            Lease due = queue.firstDue(clock.millis());
            if (due != null) {
                if (due.body() != null) {
                    return new Taken(due.lane, due.offset, due.body(), due.deliveries + 1, due);
                }
                // Recovered from the journal; the poller has not fetched its record again yet.
                mustWait = true;
                poller.watch(due.lane);
            }
            for (int priority = 2; priority >= 0 && !mustWait; priority--) {
                for (Lane lane : queue.lanesOf(priority)) {
                    if (!lane.loaded) {
                        mustWait = true;
                        continue;
                    }
                    ConsumerRecord<byte[], byte[]> record = lane.buffer.poll();
                    if (record != null) {
                        if (poller.isPaused(lane)) {
                            poller.nudge();
                        }
                        return new Taken(lane, record.offset(), record.value(), 1, null);
                    }
                    if (lane.fetchPending()) {
                        mustWait = true;
                        poller.watch(lane);
                    }
                }
            }
            if (!mustWait || deadline == 0) {
                return null;
            }
            waitUntil(queue, deadline, "records of queue " + queue.name + " were not fetched in time");
        }
    }

    /** Acknowledges a leased delivery; completes once the ack is committed. */
    public CompletableFuture<Void> ack(String queueName, String tokenText) {
        QueueNames.validate(queueName);
        AckToken token = AckToken.parse(tokenText);
        QueueState queue = registry.find(queueName);
        if (queue == null || queue.meta().type() != QueueType.PLAIN) {
            throw notOutstanding("queue " + queueName + " does not exist");
        }
        Lane lane = queue.existingLane(token.priority(), token.partition());
        if (lane == null) {
            throw notOutstanding("token " + tokenText + " was never issued");
        }
        synchronized (queue) {
            long deadline = System.nanoTime() + fetchWaitNanos;
            while (!lane.loaded) {
                waitUntil(queue, deadline, "partition " + lane.tp + " is not loaded on this node");
            }
            Lease lease = queue.removeLease(lane, token.offset());
            if (lease == null) {
                throw notOutstanding("token " + tokenText + " is not outstanding (already acknowledged or never issued)");
            }
            timer.cancel(lease);
            lane.ack(token.offset());
        }
        return poller.commit(lane);
    }

    private static EngineException notOutstanding(String message) {
        return new EngineException(EngineException.Reason.NOT_OUTSTANDING, message);
    }

    /** Sets the redelivery timeout; it applies to deliveries already outstanding too. */
    public void setTimeout(String queueName, int minutes) {
        if (minutes < 1 || minutes > 255) {
            throw EngineException.badRequest("minute must be 1..255");
        }
        QueueState queue = requirePlain(queueName);
        updateMeta(queue, meta -> meta.withTimeout(minutes));
        long timeout = registry.timeoutMillis(queue);
        List<Lease> retimed = new ArrayList<>();
        synchronized (queue) {
            for (Lease lease : queue.leases()) {
                queue.removeLease(lease.lane, lease.offset);
                timer.cancel(lease);
                Lease updated = lease.withDeadline(lease.handedOutAt + timeout);
                queue.addLease(updated);
                retimed.add(updated);
            }
        }
        retimed.forEach(timer::start);
    }

    public void lock(String queueName, boolean on) {
        QueueState queue = requirePlain(queueName);
        updateMeta(queue, meta -> meta.withLocked(on));
    }

    public void setMax(String queueName, long max) {
        if (max < 0 || max > MAX_CAPACITY) {
            throw EngineException.badRequest("num must be 0.." + MAX_CAPACITY);
        }
        QueueState queue = requirePlain(queueName);
        updateMeta(queue, meta -> meta.withMax((int) max));
    }

    private void updateMeta(QueueState queue, java.util.function.UnaryOperator<QueueMeta> change) {
        synchronized (queue.metaWriteLock) {
            QueueMeta current = queue.meta();
            if (current == null) {
                throw EngineException.noSuchQueue(queue.name);
            }
            QueueMeta updated = change.apply(current);
            metaStore.write(queue.name, updated);
            queue.meta(updated);
        }
    }

    QueueState requirePlain(String queueName) {
        return registry.require(queueName, QueueType.PLAIN);
    }

    /** Waits on the queue's monitor (held by the caller) until notified or the deadline, then throws. */
    static void waitUntil(QueueState queue, long deadlineNanos, String failure) {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            throw EngineException.unavailable(failure);
        }
        try {
            TimeUnit.NANOSECONDS.timedWait(queue, remaining);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.unavailable("interrupted");
        }
    }

    static void awaitLoaded(QueueState queue, long deadlineNanos) {
        while (!queue.allLoaded()) {
            waitUntil(queue, deadlineNanos, "partitions of queue " + queue.name + " are not loaded on this node");
        }
    }

    void attach(PushQueues value) {
        this.push = value;
    }

    PushQueues push() {
        return push;
    }

    /** Told of every get (the long polls count it against the releases they handed out). */
    void observeGets(java.util.function.Consumer<String> observer) {
        this.getObserver = observer;
    }

    long fetchWaitNanos() {
        return fetchWaitNanos;
    }

    QueueRegistry registry() {
        return registry;
    }

    Poller poller() {
        return poller;
    }

    /** Drops the ready items of lane {@code priority}; deletes the queue when no other lane holds one. */
    public void purge(String queueName, int priority) {
        new Purger(this, metaStore, timer).purge(queueName, priority);
    }

    public QueueStat stat(String queueName) {
        return new StatReader(this, registry).stat(queueName);
    }

    public List<QueueStat> statAll() {
        return new StatReader(this, registry).statAll();
    }

    /** Workers seen within 512 s, most recent first. */
    public List<WorkerSeen> workers(String queueName) {
        QueueState queue = requirePlain(queueName);
        List<WorkerSeen> seen = new ArrayList<>();
        queue.workers().forEach((name, t) -> seen.add(new WorkerSeen(name, t)));
        seen.sort(Comparator.comparingLong(WorkerSeen::lastSeen).reversed());
        return seen;
    }
}
