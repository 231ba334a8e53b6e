package io.kqf.engine;

import java.util.ArrayList;
import java.util.List;

/** Live queue status (read-your-writes: computed from the lanes, never from a cache). */
final class StatReader {
    private final QueueEngine engine;
    private final QueueRegistry registry;

    StatReader(QueueEngine engine, QueueRegistry registry) {
        this.engine = engine;
        this.registry = registry;
    }

    QueueStat stat(String queueName) {
        QueueNames.validate(queueName);
        QueueState queue = registry.find(queueName);
        if (queue == null) {
            throw EngineException.noSuchQueue(queueName);
        }
        QueueStat stat = read(queue);
        if (stat == null) {
            throw EngineException.noSuchQueue(queueName);
        }
        return stat;
    }

    List<QueueStat> statAll() {
        List<QueueStat> all = new ArrayList<>();
        for (QueueState queue : registry.existing()) {
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
            PushWindow window = engine.push().window(queue);
            return new QueueStat(queue.name, QueueType.PUSH, new long[] {window.size(), 0, 0}, 0, false, window.si(),
                    window.ci(), engine.push().lastPub(queue), 0, pushMeta.timeoutMinutes());
        }
        synchronized (queue) {
            QueueEngine.awaitLoaded(queue, System.nanoTime() + engine.fetchWaitNanos());
            QueueMeta meta = queue.meta();
            if (meta == null) {
                return null;
            }
            long[] ready = {queue.ready(0), queue.ready(1), queue.ready(2)};
            long ci = Math.floorMod(queue.laneZeroEnd() - meta.base0(), QueueEngine.POINTER_MODULUS);
            long si = Math.floorMod(ci - ready[0], QueueEngine.POINTER_MODULUS);
            return new QueueStat(queue.name, meta.type(), ready, meta.max(), meta.locked(), si, ci, meta.created(),
                    queue.unacked(), meta.timeoutMinutes());
        }
    }
}
