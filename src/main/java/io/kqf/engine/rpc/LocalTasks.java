package io.kqf.engine.rpc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import io.kqf.engine.EngineException;
import io.kqf.engine.Parked;
import io.kqf.engine.rpc.TaskExchange.Assignment;

/**
 * The books of the tasks created on this node (it is their origin): every outstanding one by token,
 * the unassigned ones newest first. A task is unassigned exactly when it waits in that list. Not
 * thread-safe: guarded by the exchange's monitor.
 */
final class LocalTasks {
    /** A task created on this node. */
    static final class LocalTask {
        final String token;
        final String queue;
        final byte[] body;
        final Parked<Optional<byte[]>> caller;
        /** do_get_timeout: from creation, again from the claim. */
        long deadlineNanos;
        boolean assigned;
        /** The node a claim of it was granted to, null when assigned here or unassigned. */
        String grantedTo;
        /** Other nodes may hold an offer of it: they must hear when it is taken or gone. */
        boolean offered;

        private LocalTask(String token, String queue, byte[] body, Parked<Optional<byte[]>> caller, long deadlineNanos) {
            this.token = token;
            this.queue = queue;
            this.body = body;
            this.caller = caller;
            this.deadlineNanos = deadlineNanos;
            this.assigned = true;
        }

        Assignment assignment() {
            return new Assignment(queue, token, body);
        }
    }

    private final Map<String, LocalTask> byToken = new HashMap<>();
    private final ArrayDeque<LocalTask> unassigned = new ArrayDeque<>();
    private final int capacity;
    private final String tokenPrefix;
    private long sequence;

    /** @param startMillis wall-clock time of the start: tokens stay unique across restarts */
    LocalTasks(int capacity, long startMillis) {
        this.capacity = capacity;
        // Decimal, unique across nodes and restarts: start time + random, then a sequence.
        this.tokenPrefix = startMillis + String.format("%03d", ThreadLocalRandom.current().nextInt(1000));
    }

    /** What every token of this node starts with. */
    String tokenPrefix() {
        return tokenPrefix;
    }

    /** A new task with a token never used before, in the books, not waiting yet; CAPACITY when the books are full. */
    LocalTask create(String queue, byte[] body, Parked<Optional<byte[]>> caller, long deadlineNanos) {
        if (byToken.size() >= capacity) {
            throw new EngineException(EngineException.Reason.CAPACITY, "no free task slot (" + capacity + ")");
        }
        String digits = Long.toString(++sequence);
        String token = tokenPrefix + "000000000".substring(Math.min(9, digits.length())) + digits;
        LocalTask task = new LocalTask(token, queue, body, caller, deadlineNanos);
        byToken.put(token, task);
        return task;
    }

    LocalTask get(String token) {
        return byToken.get(token);
    }

    /** The task waits (again) for a worker, as the newest. */
    void waitUnassigned(LocalTask task) {
        task.assigned = false;
        unassigned.addFirst(task);
    }

    /** The newest unassigned task, now assigned; null if none. */
    LocalTask takeNewest() {
        LocalTask task = unassigned.pollFirst();
        if (task != null) {
            task.assigned = true;
        }
        return task;
    }

    /** An unassigned task is assigned (granted to another node's worker). */
    void assign(LocalTask task) {
        unassigned.remove(task);
        task.assigned = true;
    }

    /** Out of the books; false when it was out already. */
    boolean remove(LocalTask task) {
        if (!byToken.remove(task.token, task)) {
            return false;
        }
        if (!task.assigned) {
            unassigned.remove(task);
        }
        return true;
    }

    /** Takes out and returns the tasks whose deadline has come. */
    List<LocalTask> removeExpired(long now) {
        return removeWhere(task -> now - task.deadlineNanos >= 0);
    }

    /** Takes out and returns every task (the node is stopping: each caller gets its timeout answer). */
    List<LocalTask> removeAll() {
        return removeWhere(task -> true);
    }

    private List<LocalTask> removeWhere(java.util.function.Predicate<LocalTask> due) {
        List<LocalTask> expired = new ArrayList<>();
        for (Iterator<LocalTask> it = byToken.values().iterator(); it.hasNext(); ) {
            LocalTask task = it.next();
            if (due.test(task)) {
                it.remove();
                if (!task.assigned) {
                    unassigned.remove(task);
                }
                expired.add(task);
            }
        }
        return expired;
    }

    /** Oldest first. */
    Iterator<LocalTask> unassignedOldestFirst() {
        return unassigned.descendingIterator();
    }

    List<LocalTask> unassignedSnapshot() {
        return List.copyOf(unassigned);
    }

    int size() {
        return byToken.size();
    }

    int unassignedCount() {
        return unassigned.size();
    }

    /** Throws IllegalStateException where the books disagree with each other. */
    void checkInvariants() {
        for (LocalTask task : unassigned) {
            if (byToken.get(task.token) != task || task.assigned) {
                throw new IllegalStateException("waiting task " + task.token + " is not an unassigned task of the books");
            }
        }
        long unassignedInBooks = byToken.values().stream().filter(task -> !task.assigned).count();
        if (unassignedInBooks != unassigned.size()) {
            throw new IllegalStateException(unassignedInBooks + " unassigned tasks in the books, " + unassigned.size() + " waiting");
        }
        if (byToken.size() > capacity) {
            throw new IllegalStateException(byToken.size() + " tasks above the capacity " + capacity);
        }
    }
}
