package io.kqf.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.kafka.common.TopicPartition;

/**
 * The live state of one queue on this node: its attributes, its lanes (priority → partitions),
 * the leases due for redelivery and the workers seen. Its monitor guards all of it and its lanes;
 * critical sections never do I/O, and waits on the monitor are bounded.
 */
final class QueueState {
    /** hustmq forgets a worker 512 s after its last get and keeps at most 1,025 names per queue. */
    static final long WORKER_MEMORY_SECONDS = 512;
    static final int WORKERS_PER_QUEUE = 1025;

    final String name;
    private volatile QueueMeta meta;
    /** priority → partition → lane. */
    private final TreeMap<Integer, TreeMap<Integer, Lane>> lanes = new TreeMap<>();
    /**
     * Every outstanding lease by deadline. Redelivery is lazy and exact: a get takes the first lease
     * whose deadline has passed before any lane. Deadlines are hand-out time + the queue's timeout,
     * so the first due lease is also the oldest hand-out.
     */
    private final TreeSet<Lease> byDeadline = new TreeSet<>(Comparator.comparingLong((Lease l) -> l.deadline)
            .thenComparingLong(l -> l.handedOutAt).thenComparing(l -> l.lane.tp.toString()).thenComparingLong(l -> l.offset));
    private volatile Cache<String, Long> workers;
    /** Push queues: end offset of the topic (the next pub's offset). */
    long pushEnd;
    /** Push queues: Unix seconds of the newest item, 0 when not known yet. */
    long lastPubSeconds;
    /** Puts accepted by the max check but not yet acknowledged by Kafka. */
    int inflightPuts;
    /** Set once purge deleted the queue: holders of this object must look the name up again. */
    boolean deleted;
    /** Serialises read-modify-write of the attributes (which do Kafka I/O, so not under the monitor). */
    final Object metaWriteLock = new Object();
    private final int[] nextPartition = new int[3];

    private final Signals signals;

    QueueState(String name, QueueMeta meta, Signals signals) {
        this.name = name;
        this.meta = meta;
        this.signals = signals;
    }

    /** Caller holds the monitor: wakes gets waiting on it and tells the long polls. */
    void changed() {
        notifyAll();
        signals.changed(name);
    }

    QueueMeta meta() {
        return meta;
    }

    void meta(QueueMeta value) {
        meta = value;
    }

    synchronized Lane lane(int priority, int partition, String topic) {
        return lanes.computeIfAbsent(priority, p -> new TreeMap<>())
                .computeIfAbsent(partition, p -> new Lane(this, priority, new TopicPartition(topic, partition)));
    }

    synchronized Lane existingLane(int priority, int partition) {
        TreeMap<Integer, Lane> byPartition = lanes.get(priority);
        return byPartition == null ? null : byPartition.get(partition);
    }

    /** Caller holds the monitor. */
    void addLease(Lease lease) {
        lease.lane.leased.put(lease.offset, lease);
        byDeadline.add(lease);
    }

    /** Caller holds the monitor. Returns the removed lease, or null if the offset was not leased. */
    Lease removeLease(Lane lane, long offset) {
        Lease lease = lane.leased.remove(offset);
        if (lease != null) {
            byDeadline.remove(lease);
        }
        return lease;
    }

    /** Caller holds the monitor. The oldest lease whose deadline has passed, or null. */
    Lease firstDue(long nowMillis) {
        if (byDeadline.isEmpty()) {
            return null;
        }
        Lease first = byDeadline.first();
        return first.deadline <= nowMillis ? first : null;
    }

    /** Caller holds the monitor. Leases whose deadline has passed. */
    long dueCount(long nowMillis) {
        long count = 0;
        for (Lease lease : byDeadline) {
            if (lease.deadline > nowMillis) {
                break;
            }
            count++;
        }
        return count;
    }

    /** Caller holds the monitor. */
    List<Lease> leases() {
        return new ArrayList<>(byDeadline);
    }

    /** Caller holds the monitor: the lane is unloaded or emptied, its leases go with it. */
    void forgetLeasesOf(Lane lane) {
        byDeadline.removeIf(lease -> lease.lane == lane);
    }

    synchronized int laneMask() {
        int mask = 0;
        for (int p : lanes.keySet()) {
            mask |= 1 << p;
        }
        return mask;
    }

    synchronized boolean hasLane(int priority) {
        return lanes.containsKey(priority);
    }

    /** The lanes of one priority, starting at a rotating partition so multi-partition lanes share load. */
    synchronized List<Lane> lanesOf(int priority) {
        TreeMap<Integer, Lane> byPartition = lanes.get(priority);
        if (byPartition == null) {
            return List.of();
        }
        List<Lane> all = new ArrayList<>(byPartition.values());
        if (all.size() > 1) {
            int start = Math.floorMod(nextPartition[priority]++, all.size());
            java.util.Collections.rotate(all, -start);
        }
        return all;
    }

    synchronized List<Lane> allLanes() {
        List<Lane> all = new ArrayList<>();
        lanes.values().forEach(byPartition -> all.addAll(byPartition.values()));
        return all;
    }

    synchronized Collection<String> topics() {
        List<String> topics = new ArrayList<>();
        lanes.values().forEach(byPartition -> byPartition.values().stream().findFirst()
                .ifPresent(lane -> topics.add(lane.tp.topic())));
        return topics;
    }

    synchronized long ready(int priority) {
        TreeMap<Integer, Lane> byPartition = lanes.get(priority);
        return byPartition == null ? 0 : byPartition.values().stream().mapToLong(Lane::ready).sum();
    }

    synchronized long readyTotal() {
        return ready(0) + ready(1) + ready(2);
    }

    synchronized long unacked() {
        long count = 0;
        for (Map<Integer, Lane> byPartition : lanes.values()) {
            for (Lane lane : byPartition.values()) {
                count += lane.leased.size();
            }
        }
        return count;
    }

    synchronized long laneZeroEnd() {
        TreeMap<Integer, Lane> byPartition = lanes.get(0);
        return byPartition == null ? 0 : byPartition.values().stream().mapToLong(l -> l.end).sum();
    }

    synchronized boolean allLoaded() {
        return lanes.values().stream().allMatch(byPartition -> byPartition.values().stream().allMatch(l -> l.loaded));
    }

    void sawWorker(String worker, long nowSeconds) {
        Cache<String, Long> seen = workers;
        if (seen == null) {
            synchronized (this) {
                if (workers == null) {
                    workers = Caffeine.newBuilder()
                            .expireAfterWrite(WORKER_MEMORY_SECONDS, TimeUnit.SECONDS)
                            .maximumSize(WORKERS_PER_QUEUE)
                            .build();
                }
                seen = workers;
            }
        }
        seen.put(worker, nowSeconds);
    }

    void forgetWorkers() {
        workers = null;
    }

    /** Workers seen within the last 512 s: name → Unix seconds of the latest get. */
    Map<String, Long> workers() {
        Cache<String, Long> seen = workers;
        return seen == null ? Map.of() : Map.copyOf(seen.asMap());
    }
}
