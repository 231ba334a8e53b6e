package io.kqf.engine;

import java.util.ArrayList;
import java.util.List;

/** Live queue status (read-your-writes: computed from the lanes, never from a cache). */
final class StatReader {
    private final QueueRegistry registry;
    private final Ownership ownership;
    private final PushQueues push;
    private final long waitNanos;
    private final RemoteWrites remoteWrites;

    StatReader(QueueRegistry registry, Ownership ownership, PushQueues push, long waitNanos, RemoteWrites remoteWrites) {
        this.remoteWrites = remoteWrites;
        this.registry = registry;
        this.ownership = ownership;
        this.push = push;
        this.waitNanos = waitNanos;
    }

    QueueStat stat(String queueName) {
        QueueNames.validate(queueName);
        QueueState queue = registry.find(queueName);
        if (queue != null) {
            remoteWrites.catchUp(queue);
        }
        QueueStat stat = queue == null ? null : read(queue);
        if (stat == null) {
            throw EngineException.noSuchQueue(queueName);
        }
        return stat;
    }

    List<QueueStat> statAll(java.util.function.Predicate<String> which) {
        List<QueueStat> all = new ArrayList<>();
        for (QueueState queue : registry.existing()) {
            if (!which.test(queue.name)) {
                continue;
            }
            QueueStat stat = read(queue);
            if (stat != null) {
                all.add(stat);
            }
        }
        return all;
    }

    /** Null when the queue was deleted meanwhile. */
    private QueueStat read(QueueState queue) {
        QueueMeta pushMeta = queue.meta();
        if (pushMeta != null && pushMeta.type() == QueueType.PUSH) {
            PushWindow window = push.freshWindow(queue);
            return new QueueStat(queue.name, QueueType.PUSH, List.of(new QueueStat.LaneStat(0, window.size(), window.end())),
                    0, false, pushMeta.created(), 0, 0, pushMeta.timeoutMinutes(), window, push.lastPub(queue));
        }
        synchronized (queue) {
            ownership.awaitServedHere(queue, queue.allLanes(), System.nanoTime() + waitNanos);
            QueueMeta meta = queue.meta();
            if (meta == null) {
                return null;
            }
            List<QueueStat.LaneStat> lanes = new ArrayList<>();
            for (int priority : meta.priorities()) {
                lanes.add(new QueueStat.LaneStat(priority, queue.ready(priority), queue.endOf(priority)));
            }
            return new QueueStat(queue.name, meta.type(), lanes, meta.max(), meta.locked(), meta.created(), meta.base0(),
                    queue.unacked(), meta.timeoutMinutes(), null, meta.created());
        }
    }
}
