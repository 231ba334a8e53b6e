package io.kqf.engine;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.kqf.kafka.KafkaUnavailable;
import io.kqf.kafka.TopicRefused;
import io.kqf.kafka.TopicAdmin;

/**
 * Every queue this node knows, their lanes and topics. Creates queues (topic, then attributes)
 * and lanes, keeps the poller's subscription in step, and restores or forgets lanes as the consumer
 * group assigns or revokes their partitions.
 *
 * <p>A queue deleted by purge keeps its {@link QueueState} with null attributes: its lanes stay
 * subscribed and loaded (everything in them acked), so re-creating the name reuses them.
 */
final class QueueRegistry implements LaneDirectory {
    private record LaneTopic(QueueState queue, int priority) {
    }

    /** Push items live at most 7,200 s (mq.ttl.maximum); keep them an hour longer than that. */
    private static final Map<String, String> PUSH_TOPIC_CONFIG = Map.of("retention.ms", String.valueOf(3 * 3600 * 1000));

    private final QueueNames names;
    private final TopicAdmin admin;
    private final MetaStore metaStore;
    private final Clock clock;
    private final int defaultTimeoutMinutes;
    private final long minuteMillis;
    private final Map<String, QueueState> queues = new ConcurrentHashMap<>();
    private final Map<String, LaneTopic> byTopic = new ConcurrentHashMap<>();
    private final Map<String, Object> creationLocks = new ConcurrentHashMap<>();
    private final Poller poller;
    private final Leases leases;
    private final Signals signals;

    QueueRegistry(QueueNames names, TopicAdmin admin, MetaStore metaStore, Poller poller, Leases leases,
                  Signals signals, Clock clock, int defaultTimeoutMinutes, long minuteMillis) {
        this.names = names;
        this.admin = admin;
        this.metaStore = metaStore;
        this.poller = poller;
        this.leases = leases;
        this.signals = signals;
        this.clock = clock;
        this.defaultTimeoutMinutes = defaultTimeoutMinutes;
        this.minuteMillis = minuteMillis;
    }

    /** Builds the states of every queue in the attributes topic, with the lanes their topics have. */
    void loadExisting(Map<String, QueueMeta> all) {
        List<String> topics = new ArrayList<>();
        all.forEach((name, meta) -> {
            for (int p : meta.priorities()) {
                if (meta.type() == QueueType.PLAIN) {
                    topics.add(names.topic(name, p));
                }
            }
        });
        Map<String, Integer> partitions = admin.partitionsOf(topics);
        all.forEach((name, meta) -> {
            QueueState queue = new QueueState(name, meta, signals);
            queues.put(name, queue);
            if (meta.type() == QueueType.PUSH) {
                queue.pushEnd = admin.endOffsetSum(names.topic(name, 0), 1);
                return;
            }
            for (int p : meta.priorities()) {
                Integer count = partitions.get(names.topic(name, p));
                if (count != null) {
                    registerLanes(queue, p, count);
                }
            }
        });
        resubscribe();
    }

    /** The state of an existing queue, or null. */
    QueueState find(String name) {
        QueueState queue = queues.get(name);
        return queue == null || queue.meta() == null ? null : queue;
    }

    /** The existing selector views of queue {@code base}. */
    List<QueueState> viewsOf(String base) {
        List<QueueState> views = new ArrayList<>();
        queues.values().forEach(q -> {
            if (q.meta() != null && QueueNames.isView(q.name) && QueueNames.baseOf(q.name).equals(base)) {
                views.add(q);
            }
        });
        return views;
    }

    /** Every existing queue clients name: selector views' hidden queues are left out. */
    List<QueueState> existing() {
        List<QueueState> all = new ArrayList<>();
        queues.values().forEach(q -> {
            if (q.meta() != null && !QueueNames.isView(q.name)) {
                all.add(q);
            }
        });
        return all;
    }

    /** The queue {@code name} of {@code type}, created (topic + attributes) if it does not exist. */
    QueueState findOrCreate(String name, QueueType type) {
        return findOrCreate(name, type, 1);
    }

    /** @param partitions of a queue created now (an existing topic keeps its own) */
    QueueState findOrCreate(String name, QueueType type, int partitions) {
        QueueState queue = find(name);
        if (queue == null) {
            synchronized (creationLock(name)) {
                queue = find(name);
                if (queue == null) {
                    queue = type == QueueType.PLAIN ? create(name, partitions) : createPush(name);
                }
            }
        }
        return requireType(queue, type);
    }

    /** The existing queue {@code name} of {@code type}: NO_SUCH_QUEUE or WRONG_TYPE otherwise. */
    QueueState require(String name, QueueType type) {
        QueueNames.validate(name);
        return existing(name, type);
    }

    /** {@link #require} of a plain queue or a selector view's hidden queue (leases are served from both). */
    QueueState requireLeasable(String name) {
        QueueNames.validateLeased(name);
        return existing(name, QueueType.PLAIN);
    }

    /**
     * Creates selector view {@code view} of plain queue {@code base} if it does not exist: a hidden
     * plain queue with as many partitions as the base, so partition p of the base is copied to
     * partition p of the view (in order, which is what lets a view's copier resume exactly).
     */
    QueueState findOrCreateView(String view, QueueState base) {
        return findOrCreate(view, QueueType.PLAIN, base.partitionCount());
    }

    private QueueState existing(String name, QueueType type) {
        QueueState queue = find(name);
        if (queue == null) {
            throw EngineException.noSuchQueue(name);
        }
        return requireType(queue, type);
    }

    private static QueueState requireType(QueueState queue, QueueType type) {
        if (queue.meta().type() != type) {
            throw new EngineException(EngineException.Reason.WRONG_TYPE, "queue " + queue.name + " is a "
                    + (queue.meta().type() == QueueType.PUSH ? "push" : "plain") + " queue");
        }
        return queue;
    }

    private QueueState createPush(String name) {
        if (queues.containsKey(name)) {
            // A deleted plain queue keeps its lanes subscribed; its name cannot turn into a push queue.
            throw new EngineException(EngineException.Reason.WRONG_TYPE, "queue " + name + " was a plain queue");
        }
        String topic = names.topic(name, 0);
        try {
            TopicAdmin.Ensured ensured = admin.ensure(topic, 1, PUSH_TOPIC_CONFIG);
            long end = ensured.createdNow() ? 0 : admin.endOffsetSum(topic, ensured.partitions());
            QueueMeta meta = QueueMeta.push(defaultTimeoutMinutes, clock.millis() / 1000, end);
            metaStore.write(name, meta);
            QueueState queue = new QueueState(name, meta, signals);
            queue.pushEnd = end;
            queues.put(name, queue);
            return queue;
        } catch (KafkaUnavailable e) {
            throw EngineException.unavailable(e.getMessage());
        } catch (TopicRefused e) {
            throw new EngineException(EngineException.Reason.CONFLICT, e.getMessage());
        }
    }

    private QueueState create(String name, int wantedPartitions) {
        String topic = names.topic(name, 0);
        try {
            TopicAdmin.Ensured ensured = admin.ensure(topic, wantedPartitions, Map.of());
            int partitions = ensured.partitions();
            QueueState queue = queues.get(name);
            // A topic created just now is empty (and may not be listable yet): its end is 0.
            long base0 = queue != null ? queue.endOf(0) : ensured.createdNow() ? 0 : admin.endOffsetSum(topic, partitions);
            QueueMeta meta = QueueMeta.plain(defaultTimeoutMinutes, clock.millis() / 1000, base0);
            if (queue != null) {
                meta = meta.withLanesOf(queue.meta() == null ? queue.laneMask() : queue.meta().lanes());
            }
            metaStore.write(name, meta);
            if (queue == null) {
                queue = new QueueState(name, meta, signals);
                registerLanes(queue, 0, partitions);
                queues.put(name, queue);
                resubscribe();
            } else {
                queue.meta(meta);
            }
            return queue;
        } catch (KafkaUnavailable e) {
            throw EngineException.unavailable(e.getMessage());
        } catch (TopicRefused e) {
            throw new EngineException(EngineException.Reason.CONFLICT, e.getMessage());
        }
    }

    /** Makes sure lane {@code priority} of a queue exists (its topic is created on first use). */
    void ensureLane(QueueState queue, int priority) {
        if (queue.hasLane(priority)) {
            return;
        }
        synchronized (creationLock(queue.name)) {
            if (queue.hasLane(priority)) {
                return;
            }
            String topic = names.topic(queue.name, priority);
            try {
                int wanted = queue.partitionCount();
                int partitions = admin.ensureData(topic, wanted, Map.of());
                synchronized (queue.metaWriteLock) {
                    QueueMeta meta = queue.meta().withLane(priority);
                    metaStore.write(queue.name, meta);
                    queue.meta(meta);
                }
                registerLanes(queue, priority, partitions);
                resubscribe();
            } catch (KafkaUnavailable e) {
                throw EngineException.unavailable(e.getMessage());
            } catch (TopicRefused e) {
                throw new EngineException(EngineException.Reason.CONFLICT, e.getMessage());
            }
        }
    }

    private void registerLanes(QueueState queue, int priority, int partitions) {
        String topic = names.topic(queue.name, priority);
        byTopic.put(topic, new LaneTopic(queue, priority));
        for (int p = 0; p < partitions; p++) {
            queue.lane(priority, p, topic);
        }
    }

    QueueNames names() {
        return names;
    }

    String topicOf(QueueState queue, int priority) {
        return names.topic(queue.name, priority);
    }

    private Object creationLock(String name) {
        return creationLocks.computeIfAbsent(name, n -> new Object());
    }

    private void resubscribe() {
        poller.subscribe(new HashSet<>(byTopic.keySet()));
    }

    long timeoutMillis(QueueState queue) {
        QueueMeta meta = queue.meta();
        return (meta == null ? defaultTimeoutMinutes : meta.timeoutMinutes()) * minuteMillis;
    }

    @Override
    public Lane laneFor(PartitionRef tp) {
        LaneTopic laneTopic = byTopic.get(tp.topic());
        return laneTopic == null ? null : laneTopic.queue().lane(laneTopic.priority(), tp.partition(), tp.topic());
    }

    @Override
    public void restore(Lane lane, long committed, AckedRanges acked, long end, Map<Long, LeaseJournal.Entry> journaled) {
        QueueState queue = lane.queue;
        long timeout = timeoutMillis(queue);
        synchronized (queue) {
            lane.load(committed, acked, end);
            acked.ranges().keySet().forEach(lane::noteJournaled);
            leases.restore(lane, journaled, timeout);
            queue.changed();
        }
    }

    @Override
    public void release(Lane lane) {
        QueueState queue = lane.queue;
        synchronized (queue) {
            leases.forget(lane);
            lane.unload();
            queue.changed();
        }
    }

    /** Attributes changed by another node (tail of the attributes topic). */
    void onRemoteChange(String name, QueueMeta meta) {
        synchronized (creationLock(name)) {
            QueueState queue = queues.get(name);
            if (queue != null) {
                boolean recreated = queue.meta() == null && meta != null;
                queue.meta(meta);
                if (meta != null && meta.type() == QueueType.PLAIN) {
                    addRemoteLanes(queue, meta);
                }
                if (recreated) {
                    // Re-created by another node's put: records fetched meanwhile are deliverable now.
                    synchronized (queue) {
                        queue.changed();
                    }
                }
            } else if (meta != null) {
                loadExisting(Map.of(name, meta));
            }
        }
    }

    /**
     * Lanes another node added to a queue (its first put at a new priority): this node subscribes
     * to them too, so it can be given them, and counts them when it serves the queue.
     */
    private void addRemoteLanes(QueueState queue, QueueMeta meta) {
        boolean added = false;
        for (int p : meta.priorities()) {
            if (!queue.hasLane(p)) {
                try {
                    Optional<Integer> partitions = admin.partitions(names.topic(queue.name, p));
                    if (partitions.isPresent()) {
                        registerLanes(queue, p, partitions.get());
                        added = true;
                    }
                } catch (KafkaUnavailable e) {
                    // registered on this node's next put there, or its next start
                }
            }
        }
        if (added) {
            resubscribe();
        }
    }

    Collection<QueueState> all() {
        return queues.values();
    }
}
