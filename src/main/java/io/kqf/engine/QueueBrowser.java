package io.kqf.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.kqf.kafka.RecordReader;

/**
 * Reads a queue's records without consuming them: browse pages of what is pending, and single
 * records by address. Reads go through assign-mode readers outside any consumer group, so a
 * browse never moves a consumed position and never disturbs a delivery.
 *
 * <p>"Pending" is relative to the queue's own consumed position: a record at or above the lane's
 * committed offset that is not acknowledged (leased ones stay pending until acked) and whose
 * time to live has not passed. Lanes are read highest priority first, as deliveries take them.
 */
public final class QueueBrowser {
    /** Where a browse continues: a lane and partition, and the first offset not yet looked at. */
    public record Position(int priority, int partition, long offset) {
        public static final Position START = new Position(Integer.MAX_VALUE, 0, 0);
    }

    /** One record a browse found, with its address. */
    public record Browsed(int priority, int partition, Message message) {
    }

    /** A page, and where the next one starts (empty when the queue held nothing more). */
    public record Page(List<Browsed> records, Optional<Position> next) {
    }

    private final QueueRegistry registry;
    private final Ownership ownership;
    private final RecordReader reader;
    private final long fetchWaitNanos;
    private final java.time.Clock clock;

    QueueBrowser(QueueRegistry registry, Ownership ownership, RecordReader reader, long fetchWaitNanos,
                 java.time.Clock clock) {
        this.registry = registry;
        this.ownership = ownership;
        this.reader = reader;
        this.fetchWaitNanos = fetchWaitNanos;
        this.clock = clock;
    }

    /** Up to {@code limit} pending records from {@code from} on. */
    public Page browse(String queueName, Position from, int limit) {
        QueueState queue = registry.require(queueName, QueueType.PLAIN);
        List<Lane> lanes = lanesInOrder(queue);
        List<Browsed> found = new ArrayList<>();
        long now = clock.millis();
        for (Lane lane : lanes) {
            if (before(lane, from)) {
                continue;
            }
            long start = samePlace(lane, from) ? from.offset() : 0;
            long offset;
            long end;
            boolean endCurrent;
            List<Message> inMemory = new ArrayList<>();
            synchronized (queue) {
                ownership.awaitServedHere(queue, List.of(lane), System.nanoTime() + fetchWaitNanos);
                offset = Math.max(start, lane.low());
                end = lane.end();
                // Caught up, the poller is fetching this lane and learns of new records as they come.
                endCurrent = !lane.fetchPending();
                // The head of a queue is in memory (the poller's buffer and the leased records): no Kafka read.
                long after = lane.pendingInMemory(offset, limit - found.size(), inMemory);
                if (after >= 0) {
                    offset = after;
                }
            }
            for (Message message : inMemory) {
                if (!Ttl.expired(message, now)) {
                    found.add(new Browsed(lane.priority, lane.tp.partition(), message));
                }
            }
            // Read up to the end this node knows, which costs Kafka no end-offset request (an empty
            // lane costs none at all); past it only when the poller may not have seen the newest records.
            long stop = end;
            while (found.size() < limit) {
                if (offset >= stop) {
                    if (endCurrent || stop == Long.MAX_VALUE) {
                        break;
                    }
                    stop = Long.MAX_VALUE;
                }
                List<Message> read = KafkaTypes.messages(reader.readRange(KafkaTypes.partition(lane.tp), offset,
                        stop, limit - found.size()));
                if (read.isEmpty()) {
                    if (stop == Long.MAX_VALUE) {
                        break;
                    }
                    offset = stop; // the rest below the known end is gone (retention): look past it
                    continue;
                }
                synchronized (queue) {
                    for (Message message : read) {
                        if (!lane.isAcked(message.offset()) && message.offset() >= lane.low()
                                && !Ttl.expired(message, now)) {
                            found.add(new Browsed(lane.priority, lane.tp.partition(), message));
                        }
                    }
                }
                offset = read.get(read.size() - 1).offset() + 1;
            }
            if (found.size() >= limit) {
                return new Page(found, Optional.of(new Position(lane.priority, lane.tp.partition(), offset)));
            }
        }
        return new Page(found, Optional.empty());
    }

    /** The record at an address, while retention keeps it (acknowledged or not). */
    public Optional<Message> read(String queueName, int priority, int partition, long offset) {
        QueueState queue = registry.require(queueName, QueueType.PLAIN);
        Lane lane = queue.existingLane(priority, partition);
        if (lane == null || offset < 0) {
            return Optional.empty();
        }
        return reader.read(KafkaTypes.partition(lane.tp), offset)
                .map(record -> KafkaTypes.messages(List.of(record)).get(0));
    }

    /** The names of every existing plain queue (the shared namespace both APIs list). */
    public List<String> queueNames() {
        List<String> names = new ArrayList<>();
        for (QueueState queue : registry.existing()) {
            QueueMeta meta = queue.meta();
            if (meta != null && meta.type() == QueueType.PLAIN) {
                names.add(queue.name);
            }
        }
        return names;
    }

    /**
     * The outstanding leases of {@code holder} in a queue, as deliveries. A lease recovered from
     * the journal after a restart has its record read again here. Waits (bounded) for the queue's
     * lanes to be served here.
     *
     * @throws EngineException UNAVAILABLE when a lane is still not served here at the wait's end
     */
    public List<Delivery> held(String queueName, String holder) {
        QueueState queue = registry.find(queueName);
        if (queue == null || queue.meta() == null || queue.meta().type() != QueueType.PLAIN) {
            return List.of();
        }
        List<Lease> leases = new ArrayList<>();
        List<Message> records = new ArrayList<>();
        synchronized (queue) {
            // Leases are known once a lane is restored here: "none" from a lane still pending would be wrong.
            ownership.awaitServedHere(queue, lanesInOrder(queue), System.nanoTime() + fetchWaitNanos);
            for (Lease lease : queue.leases().all()) {
                if (holder.equals(lease.holder())) {
                    leases.add(lease);
                    records.add(lease.lane().leasedRecord(lease.offset()));
                }
            }
        }
        List<Delivery> held = new ArrayList<>();
        for (int i = 0; i < leases.size(); i++) {
            Lease lease = leases.get(i);
            Message record = records.get(i);
            if (record == null) {
                record = read(queueName, lease.lane().priority, lease.lane().tp.partition(), lease.offset()).orElse(null);
            }
            if (record != null) {
                held.add(new Delivery(queueName, lease.lane().priority, lease.lane().tp.partition(), record,
                        lease.token(), lease.attempt(), lease.deadline()));
            }
        }
        return held;
    }

    private static List<Lane> lanesInOrder(QueueState queue) {
        List<Lane> lanes = new ArrayList<>(queue.allLanes());
        lanes.sort(Comparator.<Lane>comparingInt(l -> -l.priority).thenComparingInt(l -> l.tp.partition()));
        return lanes;
    }

    /** True when {@code lane} comes before the position in browse order (already covered). */
    private static boolean before(Lane lane, Position from) {
        if (lane.priority != from.priority()) {
            return lane.priority > from.priority();
        }
        return lane.tp.partition() < from.partition();
    }

    private static boolean samePlace(Lane lane, Position from) {
        return lane.priority == from.priority() && lane.tp.partition() == from.partition();
    }
}
