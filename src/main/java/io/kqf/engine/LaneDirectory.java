package io.kqf.engine;

import java.util.Map;


/** What the {@link Poller} needs from the engine: lanes by partition, and their restore on assignment. */
interface LaneDirectory {
    /** The lane of a partition of a known queue, or null if the topic is no queue of this node. */
    Lane laneFor(PartitionRef tp);

    /**
     * Rebuilds a newly assigned lane from Kafka: committed offset, acked ranges (commit metadata
     * and journal overflow), end offset and the journal's live leases by offset.
     */
    void restore(Lane lane, long committed, AckedRanges acked, long end, Map<Long, LeaseJournal.Entry> leases);

    /** Forgets a lane's in-memory state (partition revoked or lost): its new owner restores it. */
    void release(Lane lane);
}
