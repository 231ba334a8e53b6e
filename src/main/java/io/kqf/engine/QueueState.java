package io.kqf.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The live state of one queue on this node: its attributes, its lanes (priority → partitions),
 * its leases and the workers seen. Its monitor guards all of it and its lanes; critical sections
 * never do I/O, and waits on the monitor are bounded.
 */
final class QueueState {
    /** hustmq forgets a worker 512 s after its last get and keeps at most 1,025 names per queue. */
    static final long WORKER_MEMORY_SECONDS = 512;
    static final int WORKERS_PER_QUEUE = 1025;

    final String name;
    private volatile QueueMeta meta;
    /** priority → partition → lane. */
    private final TreeMap<Integer, TreeMap<Integer, Lane>> lanes = new TreeMap<>();
    /** The same lanes by (priority, partition), for lookups without the monitor. */
    private final java.util.concurrent.ConcurrentHashMap<Long, Lane> byPlace = new java.util.concurrent.ConcurrentHashMap<>();
    private final LeaseBook leases = new LeaseBook();
    private volatile Cache<String, Long> workers;
    /** Push queues: end offset of the topic (the next pub's offset). */
    long pushEnd;
    /** The cluster membership pushEnd was last read from Kafka under (a push queue's home may have moved since). */
    long pushEndMembership;
    /** Push queues: Unix seconds of the newest item, 0 when not known yet. */
    long lastPubSeconds;
    /** Puts accepted by the max check but not yet acknowledged by Kafka. */
    int inflightPuts;
    /** Serialises read-modify-write of the attributes (which do Kafka I/O, so not under the monitor). */
    final Object metaWriteLock = new Object();
    /** priority → the partition a get starts at, rotating so multi-partition lanes share load. */
    private final Map<Integer, Integer> nextPartition = new HashMap<>();

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

    /**
     * Caller holds the monitor: waits for the next {@link #changed()} or the deadline, then throws
     * UNAVAILABLE with {@code failure} if the deadline has passed. Callers loop on their condition.
     */
    void awaitChange(long deadlineNanos, String failure) {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            throw EngineException.unavailable(failure);
        }
        try {
            TimeUnit.NANOSECONDS.timedWait(this, remaining);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.unavailable("interrupted");
        }
    }

    QueueMeta meta() {
        return meta;
    }

    void meta(QueueMeta value) {
        meta = value;
    }

    /** Caller holds the monitor. */
    LeaseBook leases() {
        return leases;
    }

    synchronized Lane lane(int priority, int partition, String topic) {
        Lane lane = lanes.computeIfAbsent(priority, p -> new TreeMap<>())
                .computeIfAbsent(partition, p -> new Lane(this, priority, new PartitionRef(topic, partition)));
        byPlace.putIfAbsent(place(priority, partition), lane);
        return lane;
    }

    /**
     * Without the monitor: every ack and delivery looks its lane up first, and taking the monitor
     * for that doubled the contended entries of a busy queue. Lanes are only ever added.
     */
    Lane existingLane(int priority, int partition) {
        return byPlace.get(place(priority, partition));
    }

    private static long place(int priority, int partition) {
        return ((long) priority << 32) | (partition & 0xffffffffL);
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

    /** Priorities with a lane, highest first: the order a get serves them in. */
    synchronized List<Integer> prioritiesHighestFirst() {
        return new ArrayList<>(lanes.descendingKeySet());
    }

    /** Partitions of lane 0, the count every further lane of the queue is created with. */
    synchronized int partitionCount() {
        TreeMap<Integer, Lane> byPartition = lanes.get(0);
        return byPartition == null || byPartition.isEmpty() ? 1 : byPartition.size();
    }

    /** The lanes of one priority, starting at a rotating partition so multi-partition lanes share load. */
    synchronized List<Lane> lanesOf(int priority) {
        TreeMap<Integer, Lane> byPartition = lanes.get(priority);
        if (byPartition == null) {
            return List.of();
        }
        List<Lane> all = new ArrayList<>(byPartition.values());
        if (all.size() > 1) {
            int start = nextPartition.merge(priority, 1, Integer::sum);
            Collections.rotate(all, -Math.floorMod(start, all.size()));
        }
        return all;
    }

    /** Without the monitor (every routed request asks): whether it has lanes, and whether one is loaded here. */
    boolean hasAnyLane() {
        return !byPlace.isEmpty();
    }

    /** How many times this node let go of one of the queue's lanes after serving it. */
    int laneUnloads() {
        return byPlace.values().stream().mapToInt(Lane::unloads).sum();
    }

    boolean anyLaneLoaded() {
        for (Lane lane : byPlace.values()) {
            if (lane.loaded()) {
                return true;
            }
        }
        return false;
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
        long total = 0;
        for (int priority : lanes.keySet()) {
            total += ready(priority);
        }
        return total;
    }

    synchronized long unacked() {
        return leases.size();
    }

    /** Sum of the end offsets of a lane's partitions. */
    synchronized long endOf(int priority) {
        TreeMap<Integer, Lane> byPartition = lanes.get(priority);
        return byPartition == null ? 0 : byPartition.values().stream().mapToLong(Lane::end).sum();
    }

    /** Caller holds the monitor. Throws IllegalStateException when a lane or the lease index is inconsistent. */
    void checkInvariants() {
        leases.checkInvariants(allLanes());
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
