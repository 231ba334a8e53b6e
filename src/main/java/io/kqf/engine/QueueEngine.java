package io.kqf.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.kqf.kafka.RecordWriter;

/**
 * The queue operations every front end is built on: put, deliver (auto-ack or lease), ack, renew,
 * release, and the attributes. Knows nothing of HTTP or of either API's spelling.
 *
 * <p>Locking rule: decide under the queue's monitor, do Kafka I/O after releasing it. Blocking is
 * bounded: a delivery waits at most {@code fetchWait} for the poller to fetch a record it knows
 * exists or for this node to be given the partition; Kafka writes complete futures.
 */
public final class QueueEngine {
    public static final int MAX_CAPACITY = 5_000_000;
    public static final int MAX_TIMEOUT_MINUTES = 255;
    /** Longest a request waits for Kafka to acknowledge a commit or a write (the producer's delivery timeout). */
    private static final long KAFKA_ANSWER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    private final QueueRegistry registry;
    private final Poller poller;
    private final Leases leases;
    private final Ownership ownership;
    private final MetaStore metaStore;
    private final RecordWriter writer;
    private final QueueEvents events;
    private final Purger purger;
    private final StatReader stats;
    private final Clock clock;
    private final long fetchWaitNanos;
    private final ItemLimit itemLimit;
    private final int priorities;
    private final NextRecord next;
    private final RemoteWrites remoteWrites;
    private final Runnable attributesCatchUp;

    QueueEngine(QueueRegistry registry, Poller poller, Leases leases, Ownership ownership, MetaStore metaStore,
                RecordWriter writer, QueueEvents events, Purger purger, StatReader stats, Clock clock,
                Duration fetchWait, ItemLimit itemLimit, int priorities, RemoteWrites remoteWrites,
                Runnable attributesCatchUp) {
        this.remoteWrites = remoteWrites;
        this.attributesCatchUp = attributesCatchUp;
        this.registry = registry;
        this.poller = poller;
        this.leases = leases;
        this.ownership = ownership;
        this.metaStore = metaStore;
        this.writer = writer;
        this.events = events;
        this.purger = purger;
        this.stats = stats;
        this.clock = clock;
        this.next = new NextRecord(poller, ownership, clock);
        this.fetchWaitNanos = fetchWait.toNanos();
        this.itemLimit = itemLimit;
        this.priorities = priorities;
    }

    /** Creates a queue with {@code partitions} per lane if it does not exist (an existing one keeps its own). */
    public void create(String queueName, int partitions) {
        QueueNames.validate(queueName);
        if (partitions < 1) {
            throw EngineException.badRequest("a queue has at least one partition");
        }
        registry.findOrCreate(queueName, QueueType.PLAIN, partitions);
    }

    /** Appends a record to lane {@code priority}, creating the queue if needed; completes once Kafka acknowledged it. */
    public CompletableFuture<StoredAt> put(String queueName, int priority, byte[] value) {
        return put(queueName, priority, null, value, Map.of());
    }

    /**
     * Appends a record with a key and headers. Lock and max are checked exactly: puts in flight
     * count against max until Kafka answers.
     */
    public CompletableFuture<StoredAt> put(String queueName, int priority, byte[] key, byte[] value,
                                           Map<String, byte[]> headers) {
        QueueNames.validate(queueName);
        checkPriority(priority);
        if (value == null) {
            throw EngineException.badRequest("the message has no value");
        }
        itemLimit.check(value.length);
        QueueState queue = registry.findOrCreate(queueName, QueueType.PLAIN);
        registry.ensureLane(queue, priority);
        reserve(queue);
        String topic = registry.topicOf(queue, priority);
        return stored(queue, priority, topic, writer.send(topic, key, value, headers));
    }

    /**
     * Appends a copy of a base queue's record to selector view {@code view}: same lane, same
     * partition, same time. No lock or max applies (a view has neither).
     */
    CompletableFuture<StoredAt> putCopy(String view, int priority, int partition, Message source,
                                        Map<String, byte[]> headers) {
        QueueState queue = registry.find(view);
        if (queue == null) {
            throw EngineException.noSuchQueue(view);
        }
        registry.ensureLane(queue, priority);
        synchronized (queue) {
            queue.inflightPuts++;
        }
        String topic = registry.topicOf(queue, priority);
        return stored(queue, priority, topic,
                writer.send(topic, partition, source.timestamp(), source.key(), source.value(), headers));
    }

    private CompletableFuture<StoredAt> stored(QueueState queue, int priority, String topic,
                                               CompletableFuture<io.kqf.kafka.RecordWriter.Written> sent) {
        return sent.handle((written, error) -> {
            synchronized (queue) {
                queue.inflightPuts--;
                if (error == null) {
                    queue.lane(priority, written.partition(), topic).noteProduced(written.offset());
                }
                queue.changed();
            }
            if (error != null) {
                throw EngineException.unavailable(Failures.messageOf(error));
            }
            return new StoredAt(priority, written.partition(), written.offset(), written.timestamp());
        });
    }

    /** Whether puts to the queue are counted against a max (then only the node serving its lanes can check it). */
    public boolean limitsPuts(String queueName) {
        QueueState queue = registry.find(queueName);
        QueueMeta meta = queue == null ? null : queue.meta();
        return meta != null && meta.type() == QueueType.PLAIN && meta.max() > 0;
    }

    void checkPriority(int priority) {
        if (priority < 0 || priority >= priorities) {
            throw EngineException.badRequest("priority must be 0.." + (priorities - 1));
        }
    }

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
                ownership.awaitServedHere(queue, queue.allLanes(), deadline);
                if (queue.readyTotal() + queue.inflightPuts >= meta.max()) {
                    throw new EngineException(EngineException.Reason.FULL,
                            "queue " + queue.name + " is full (max " + meta.max() + ")");
                }
            }
            queue.inflightPuts++;
        }
    }

    /**
     * Takes the next record: the oldest due lease, else the head of the highest lane. Empty when
     * nothing can be delivered now. Auto-acked: completes only once the ack is committed, so the
     * record is never delivered again; leased: once the lease is journaled.
     *
     * @param consumer the client's name, remembered for {@link #workers}
     */
    public CompletableFuture<Optional<Delivery>> deliver(String queueName, String consumer, DeliveryMode mode) {
        QueueState queue = registry.requireLeasable(queueName);
        queue.sawWorker(consumer, clock.millis() / 1000);
        events.gotten(queueName);
        CompletableFuture<Optional<Delivery>> delivery = deliver(queue, mode, true);
        if (delivery == null && remoteWrites.catchUp(queue)) {
            delivery = deliver(queue, mode, true);
        }
        return delivery == null ? CompletableFuture.completedFuture(Optional.empty()) : delivery;
    }

    /** A delivery that never blocks (for parked gets): null when nothing can be delivered right now. */
    CompletableFuture<Optional<Delivery>> tryDeliver(QueueState queue, String consumer, DeliveryMode mode) {
        queue.sawWorker(consumer, clock.millis() / 1000);
        return deliver(queue, mode, false);
    }

    /** Records a delivery could take now: ready ones plus due leases (what an evget may be released for). */
    long deliverable(QueueState queue) {
        synchronized (queue) {
            return queue.meta() == null || queue.meta().type() != QueueType.PLAIN ? 0
                    : queue.readyTotal() + queue.leases().dueCount(clock.millis());
        }
    }

    private CompletableFuture<Optional<Delivery>> deliver(QueueState queue, DeliveryMode mode, boolean block) {
        long timeout = registry.timeoutMillis(queue);
        Lane commit = null;
        Lease lease = null;
        Delivery delivery;
        synchronized (queue) {
            NextRecord.Taken taken = next.take(queue, block ? System.nanoTime() + fetchWaitNanos : 0);
            if (taken == null) {
                return null;
            }
            Lane lane = taken.lane();
            int attempt = taken.due() == null ? 1 : taken.due().attempt() + 1;
            if (mode.autoAck()) {
                if (taken.due() != null) {
                    leases.ack(taken.due());
                } else {
                    lane.ack(taken.record().offset());
                }
                commit = lane;
                delivery = new Delivery(queue.name, lane.priority, lane.tp.partition(), taken.record(), null, attempt, 0);
            } else {
                long now = clock.millis();
                boolean follows = mode.leaseFor() == null;
                long deadline = now + (follows ? timeout : mode.leaseFor().toMillis());
                lease = taken.due() != null ? leases.redeliver(taken.due(), mode.holder(), deadline, follows)
                        : leases.handOut(lane, taken.record(), mode.holder(), deadline, follows);
                delivery = new Delivery(queue.name, lane.priority, lane.tp.partition(), taken.record(), lease.token(),
                        lease.attempt(), lease.deadline());
            }
        }
        Delivery answer = delivery;
        CompletableFuture<Void> durable = commit != null ? committed(commit) : journaled(lease);
        return durable.thenApply(v -> Optional.of(answer));
    }

    /**
     * Acknowledges a leased delivery; completes once the ack is committed.
     *
     * @param holder who acks: {@link Lease#ANYONE} settles any holder's lease
     */
    public CompletableFuture<Void> ack(String queueName, AckToken token, String holder) {
        Lane lane = leasedLane(queueName, token);
        synchronized (lane.queue) {
            ownership.awaitServedHere(lane.queue, List.of(lane), System.nanoTime() + fetchWaitNanos);
            leases.ack(leases.outstanding(lane, token, holder));
        }
        return committed(lane);
    }

    /** Extends a lease to now + {@code duration}; completes with the new deadline once journaled. */
    public CompletableFuture<Long> renew(String queueName, AckToken token, String holder, Duration duration) {
        return retime(queueName, token, holder, duration);
    }

    /** Gives a lease back: due after {@code delay} (zero: the next delivery takes it at once). */
    public CompletableFuture<Void> release(String queueName, AckToken token, String holder, Duration delay) {
        return retime(queueName, token, holder, delay).thenApply(deadline -> null);
    }

    private CompletableFuture<Long> retime(String queueName, AckToken token, String holder, Duration fromNow) {
        if (fromNow.isNegative()) {
            throw EngineException.badRequest("a lease cannot end in the past");
        }
        Lane lane = leasedLane(queueName, token);
        Lease retimed;
        synchronized (lane.queue) {
            ownership.awaitServedHere(lane.queue, List.of(lane), System.nanoTime() + fetchWaitNanos);
            Lease lease = leases.outstanding(lane, token, holder);
            retimed = leases.retime(lease, clock.millis() + fromNow.toMillis());
            lane.queue.changed();
        }
        return journaled(retimed).thenApply(v -> retimed.deadline());
    }

    /** Completes once the lane's acks so far are committed, UNAVAILABLE after {@link #KAFKA_ANSWER_NANOS}. */
    private CompletableFuture<Void> committed(Lane lane) {
        return Failures.within(poller.commit(lane), KAFKA_ANSWER_NANOS, "committing the ack");
    }

    private CompletableFuture<Void> journaled(Lease lease) {
        return Failures.within(leases.journal(lease), KAFKA_ANSWER_NANOS, "journaling the lease");
    }

    private Lane leasedLane(String queueName, AckToken token) {
        QueueNames.validateLeased(queueName);
        QueueState queue = registry.find(queueName);
        if (queue == null || queue.meta().type() != QueueType.PLAIN) {
            throw new EngineException(EngineException.Reason.NOT_OUTSTANDING, "queue " + queueName + " does not exist");
        }
        Lane lane = queue.existingLane(token.priority(), token.partition());
        if (lane == null) {
            throw new EngineException(EngineException.Reason.NOT_OUTSTANDING, "no such delivery of queue " + queueName);
        }
        return lane;
    }

    /** Sets the queue's lease timeout; the leases that follow it (queue leases) are re-timed too. */
    public void setTimeout(String queueName, int minutes) {
        if (minutes < 1 || minutes > MAX_TIMEOUT_MINUTES) {
            throw EngineException.badRequest("timeout must be 1.." + MAX_TIMEOUT_MINUTES + " minutes");
        }
        QueueState queue = requirePlain(queueName);
        updateMeta(queue, meta -> meta.withTimeout(minutes));
        long timeout = registry.timeoutMillis(queue);
        synchronized (queue) {
            leases.followTimeout(queue, timeout);
            queue.changed();
        }
    }

    public void lock(String queueName, boolean on) {
        QueueState queue = requirePlain(queueName);
        updateMeta(queue, meta -> meta.withLocked(on));
    }

    public void setMax(String queueName, long max) {
        if (max < 0 || max > MAX_CAPACITY) {
            throw EngineException.badRequest("max must be 0.." + MAX_CAPACITY);
        }
        QueueState queue = requirePlain(queueName);
        updateMeta(queue, meta -> meta.withMax((int) max));
    }

    private void updateMeta(QueueState queue, java.util.function.UnaryOperator<QueueMeta> change) {
        // Another node may have changed the attributes a moment ago: apply that first, so this
        // read-modify-write does not write its change over theirs.
        attributesCatchUp.run();
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

    /** Throws TOO_LARGE above the largest accepted item. */
    void checkSize(byte[] item) {
        itemLimit.check(item.length);
    }

    /** Drops the ready records of lane {@code priority}; deletes the queue when no other lane holds one. */
    public void purge(String queueName, int priority) {
        checkPriority(priority);
        purger.purge(requirePlain(queueName), priority);
    }

    /** Deletes a queue (every message acked, its attributes removed) and its selector views. */
    public void delete(String queueName) {
        QueueState queue = requirePlain(queueName);
        for (QueueState view : registry.viewsOf(queueName)) {
            purger.delete(view);
        }
        purger.delete(queue);
    }

    public QueueStat stat(String queueName) {
        return stats.stat(queueName);
    }

    public List<QueueStat> statAll() {
        return stats.statAll(name -> true);
    }

    /** The stats of the queues {@code which} accepts. */
    public List<QueueStat> statAll(java.util.function.Predicate<String> which) {
        return stats.statAll(which);
    }

    /** Consumers seen within 512 s, most recent first. */
    public List<WorkerSeen> workers(String queueName) {
        QueueState queue = requirePlain(queueName);
        List<WorkerSeen> seen = new ArrayList<>();
        queue.workers().forEach((name, t) -> seen.add(new WorkerSeen(name, t)));
        seen.sort(Comparator.comparingLong(WorkerSeen::lastSeen).reversed());
        return seen;
    }

    /** Checks every queue's lanes and lease index (tests call it after each scenario). */
    public void checkInvariants() {
        for (QueueState queue : registry.all()) {
            synchronized (queue) {
                queue.checkInvariants();
            }
        }
    }
}
