package io.kqf.engine;

import java.time.Clock;
import java.util.List;

/**
 * Chooses what a delivery takes from a queue: the oldest lease past its deadline, else the head
 * of the highest lane this node serves. A lower lane is never served while a higher one's record
 * is still being fetched, so priorities hold across a fetch.
 */
final class NextRecord {
    /** What a delivery took: a ready record, or the record of a due lease (then {@code due} is set). */
    record Taken(Lane lane, Message record, Lease due) {
    }

    private final Poller poller;
    private final Ownership ownership;
    private final Clock clock;

    NextRecord(Poller poller, Ownership ownership, Clock clock) {
        this.poller = poller;
        this.ownership = ownership;
        this.clock = clock;
    }

    /**
     * Under the queue's monitor. {@code deadline} 0: do not wait, null when a fetch is pending;
     * otherwise waits (on the monitor) for a pending fetch until {@code deadline} (System.nanoTime),
     * then throws UNAVAILABLE. Null when nothing can be delivered.
     */
    Taken take(QueueState queue, long deadline) {
        while (true) {
            if (queue.meta() == null) {
                return null;
            }
            boolean mustWait = false;
            Lease due = queue.leases().firstDue(clock.millis());
            if (due != null) {
                Message record = due.lane().leasedRecord(due.offset());
                if (record != null) {
                    return new Taken(due.lane(), record, due);
                }
                // Recovered from the journal; the poller has not fetched its record again yet.
                mustWait = true;
                poller.watch(due.lane());
            }
            for (int priority : mustWait ? List.<Integer>of() : queue.prioritiesHighestFirst()) {
                for (Lane lane : queue.lanesOf(priority)) {
                    if (!ownership.servedHere(lane)) {
                        mustWait = true;
                        continue;
                    }
                    Message record = lane.takeReady();
                    if (record != null) {
                        poller.drained(lane);
                        return new Taken(lane, record, null);
                    }
                    if (lane.fetchPending()) {
                        mustWait = true;
                        poller.watch(lane);
                    }
                }
                if (mustWait) {
                    // A higher lane's record is on its way: do not serve a lower lane before it.
                    break;
                }
            }
            if (!mustWait || deadline == 0) {
                return null;
            }
            queue.awaitChange(deadline, "records of queue " + queue.name + " were not fetched in time");
        }
    }
}
