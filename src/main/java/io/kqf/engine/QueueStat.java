package io.kqf.engine;

import java.util.List;

/**
 * A queue's state in neutral counts; each front end derives its own fields from them.
 *
 * @param lanes        one entry per priority lane that exists, ascending priority
 * @param created      creation time, Unix seconds
 * @param counterBase  lane-0 end offset at creation or at the last lane-0 purge (the put counter
 *                     starts there)
 * @param unacked      outstanding leases
 * @param push         the index window of a push queue, null for a plain one
 * @param lastPublished push queues: Unix seconds of the newest item (creation time before any)
 */
public record QueueStat(String queue, QueueType type, List<LaneStat> lanes, int max, boolean locked, long created,
                        long counterBase, long unacked, int timeoutMinutes, PushWindow push, long lastPublished) {

    /** @param end sum of the lane's partitions' end offsets */
    public record LaneStat(int priority, long ready, long end) {
    }

    /** Ready records of lane {@code priority}, 0 when it has none. */
    public long ready(int priority) {
        return lanes.stream().filter(l -> l.priority() == priority).mapToLong(LaneStat::ready).sum();
    }

    /** End offset sum of lane {@code priority}, 0 when it has none. */
    public long end(int priority) {
        return lanes.stream().filter(l -> l.priority() == priority).mapToLong(LaneStat::end).sum();
    }
}
