package io.kqf.engine.rpc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import io.kqf.engine.EngineException;

/**
 * Parked do_posts, the most recently parked first (as the original). None is settled, except one
 * a probe abandoned because its client left (dropped at the next expiry pass). Not thread-safe:
 * guarded by the exchange's monitor.
 */
final class ParkedWorkers {
    private final ArrayDeque<ParkedWorker> parked = new ArrayDeque<>();
    private final int capacity;

    ParkedWorkers(int capacity) {
        this.capacity = capacity;
    }

    /** CAPACITY when do_post_cache_size workers are parked. */
    void requireRoom() {
        if (parked.size() >= capacity) {
            throw new EngineException(EngineException.Reason.CAPACITY, "no free worker slot (" + capacity + ")");
        }
    }

    /** A worker (settled by whoever held it) waits again. */
    void park(ParkedWorker worker) {
        worker.waiter().unsettle();
        parked.addFirst(worker);
    }

    /** The most recently parked worker, settled (reserved for the caller); null if none. */
    ParkedWorker take() {
        ParkedWorker worker;
        while ((worker = parked.pollFirst()) != null) {
            if (worker.waiter().settle()) {
                return worker;
            }
        }
        return null;
    }

    /**
     * On the bus thread: the most recently parked worker whose client is still there, settled.
     * One whose client left is abandoned once the monitor is released.
     */
    ParkedWorker takeLive(Outbox out) {
        ParkedWorker worker;
        while ((worker = take()) != null) {
            if (worker.waiter().connected()) {
                return worker;
            }
            out.answer(worker.waiter()::abandon);
        }
        return null;
    }

    /** Drops abandoned workers, and takes out (settled) and returns those whose deadline has come. */
    List<ParkedWorker> removeExpired(long now) {
        return removeWhere(worker -> now - worker.deadlineNanos() >= 0);
    }

    /** Takes out every parked worker (the node is stopping: each gets its timeout answer). */
    List<ParkedWorker> removeAll() {
        return removeWhere(worker -> true);
    }

    private List<ParkedWorker> removeWhere(java.util.function.Predicate<ParkedWorker> due) {
        List<ParkedWorker> expired = new ArrayList<>();
        for (Iterator<ParkedWorker> it = parked.iterator(); it.hasNext(); ) {
            ParkedWorker worker = it.next();
            if (worker.waiter().isSettled()) {
                it.remove();
            } else if (due.test(worker) && worker.waiter().settle()) {
                it.remove();
                expired.add(worker);
            }
        }
        return expired;
    }

    List<ParkedWorker> snapshot() {
        return List.copyOf(parked);
    }

    boolean isEmpty() {
        return parked.isEmpty();
    }

    int size() {
        return parked.size();
    }
}
