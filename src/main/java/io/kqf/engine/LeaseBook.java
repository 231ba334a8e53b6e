package io.kqf.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * The outstanding leases of one queue: filed in their lane (which keeps its acked/leased/ready
 * invariant) and indexed by deadline, so a get finds the first due lease at once (hustmq's exact,
 * lazy redelivery: the oldest due delivery goes out before any ready record). The only writer of
 * a lane's leases. Guarded by the queue's monitor; no I/O here.
 */
final class LeaseBook {
    private static final Comparator<Lease> BY_DEADLINE = Comparator.comparingLong(Lease::deadline)
            .thenComparingLong(Lease::handedOutAt)
            .thenComparing(l -> l.lane().tp.toString())
            .thenComparingLong(Lease::offset);

    private final TreeSet<Lease> byDeadline = new TreeSet<>(BY_DEADLINE);

    /** Files a new lease (a record just taken from its lane, or a due lease handed out again). */
    void add(Lease lease, Message record) {
        Lease previous = lease.lane().leaseAt(lease.offset());
        if (previous != null) {
            byDeadline.remove(previous);
        }
        lease.lane().lease(lease, record);
        byDeadline.add(lease);
    }

    /** Replaces a lease by the same delivery with another deadline. */
    void retime(Lease current, Lease retimed) {
        byDeadline.remove(current);
        current.lane().lease(retimed, null);
        byDeadline.add(retimed);
    }

    Lease at(Lane lane, long offset) {
        return lane.leaseAt(offset);
    }

    /** Ends a lease by acknowledging its record. */
    void ack(Lease lease) {
        byDeadline.remove(lease);
        lease.lane().ackLeased(lease.offset());
    }

    /** The oldest lease whose deadline has passed, or null. */
    Lease firstDue(long nowMillis) {
        if (byDeadline.isEmpty()) {
            return null;
        }
        Lease first = byDeadline.first();
        return first.dueAt(nowMillis) ? first : null;
    }

    /** Leases whose deadline has passed. */
    long dueCount(long nowMillis) {
        long count = 0;
        for (Lease lease : byDeadline) {
            if (!lease.dueAt(nowMillis)) {
                break;
            }
            count++;
        }
        return count;
    }

    int size() {
        return byDeadline.size();
    }

    List<Lease> all() {
        return new ArrayList<>(byDeadline);
    }

    /** Acks every lease of a lane (the queue is deleted); returns them so their timers can be cancelled. */
    List<Lease> ackAll(Lane lane) {
        List<Lease> dropped = new ArrayList<>(lane.leases());
        dropped.forEach(this::ack);
        return dropped;
    }

    /** Forgets the leases of a lane that is being unloaded (its new owner restores them from the journal). */
    List<Lease> forget(Lane lane) {
        List<Lease> dropped = new ArrayList<>(lane.leases());
        dropped.forEach(byDeadline::remove);
        return dropped;
    }

    /** The index and the lanes agree: every filed lease is indexed once, and nothing else is. */
    void checkInvariants(List<Lane> lanes) {
        long filed = 0;
        for (Lane lane : lanes) {
            lane.checkInvariants();
            for (Lease lease : lane.leases()) {
                if (!byDeadline.contains(lease)) {
                    throw new IllegalStateException("lease not indexed by deadline: " + lease);
                }
                filed++;
            }
        }
        if (filed != byDeadline.size()) {
            throw new IllegalStateException(byDeadline.size() + " leases indexed, " + filed + " filed in lanes");
        }
    }
}
