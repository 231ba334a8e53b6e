package io.kqf.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Acks committed in groups: every ack registered before a commit round starts is completed by
 * that round, so one offset commit answers many requests and an acknowledged 200 is never
 * delivered again. Request threads {@link #register} their lane; the poller thread runs
 * {@link #commitRound} (it alone may use the consumer). Acked ranges that do not fit the commit
 * metadata are journaled first; journal entries the committed offset passed are tombstoned after.
 */
final class GroupCommit {
    /** Commit metadata must stay under the broker's offset.metadata.max.bytes (4096 by default). */
    static final int MAX_METADATA_CHARS = 4000;
    private static final long OVERFLOW_WRITE_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** What the poller commits for one lane. */
    record Offset(long committed, String metadata) {
    }

    /** The consumer side of a round, implemented by the poller. */
    interface Committer {
        /** True while this node owns the lane's partition (only then may its offset be committed). */
        boolean owns(Lane lane);

        /** Commits synchronously; false when Kafka asks to retry later (a rebalance is running). */
        boolean commit(Map<Lane, Offset> offsets);
    }

    /** A caller waiting until the acks it applied to {@code lane} are committed. */
    private record Waiter(Lane lane, CompletableFuture<Void> done) {
    }

    private final LeaseJournal journal;
    private final Executor completions;
    private final long lingerNanos;
    private final Set<Lane> dirty = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    /** When the oldest ack not yet taken by a round arrived (System.nanoTime), 0 when none waits. */
    private final AtomicLong firstAckNanos = new AtomicLong();

    /**
     * @param linger      how long acks are gathered before a round (0: as soon as the poller can)
     * @param completions where waiters are completed: never on the poller thread
     */
    GroupCommit(LeaseJournal journal, Duration linger, Executor completions) {
        this.journal = journal;
        this.lingerNanos = linger.toNanos();
        this.completions = completions;
    }

    /**
     * Any thread: completes once every ack applied to {@code lane} before this call is committed.
     * Returns true when the poller should be woken for it (the first ack of a lingering round, or
     * every ack without a linger).
     */
    boolean register(Lane lane, CompletableFuture<Void> done) {
        dirty.add(lane);
        waiters.add(new Waiter(lane, done));
        return firstAckNanos.compareAndSet(0, System.nanoTime()) || lingerNanos == 0;
    }

    /** Nanoseconds until the gathered acks are due for a round; 0 when due now or none waits. */
    long lingerLeft() {
        long first = firstAckNanos.get();
        return first == 0 ? 0 : Math.max(0, first + lingerNanos - System.nanoTime());
    }

    boolean pending() {
        return !dirty.isEmpty() || !waiters.isEmpty();
    }

    /** Poller thread: one commit of every dirty lane this node owns, then the waiters' answers. */
    void commitRound(Committer committer) {
        firstAckNanos.set(0);
        if (!pending()) {
            return;
        }
        // Drain waiters before lanes: each waiter's ack was applied before it was queued, so the
        // snapshot below includes it. Its lane is committed now even if an earlier round took it.
        List<Waiter> round = new ArrayList<>();
        for (Waiter waiter = waiters.poll(); waiter != null; waiter = waiters.poll()) {
            round.add(waiter);
        }
        Set<Lane> lanes = new HashSet<>(dirty);
        dirty.removeAll(lanes);
        round.forEach(w -> lanes.add(w.lane()));
        Map<Lane, Offset> offsets = new HashMap<>();
        Map<Lane, List<Long>> forgettable = new HashMap<>();
        List<CompletableFuture<Void>> overflowWrites = new ArrayList<>();
        for (Lane lane : lanes) {
            if (!committer.owns(lane)) {
                continue;
            }
            Map<Long, Long> overflow;
            synchronized (lane.queue) {
                offsets.put(lane, new Offset(lane.low(), lane.ackedMetadata(MAX_METADATA_CHARS)));
                overflow = new HashMap<>(lane.ackedOverflow(MAX_METADATA_CHARS));
                overflow.keySet().forEach(lane::noteJournaled);
                forgettable.put(lane, lane.journaledBelowLow());
            }
            overflow.forEach((start, end) -> overflowWrites.add(journal.recordAckedRange(lane.tp, start, end)));
        }
        try {
            Failures.await(CompletableFuture.allOf(overflowWrites.toArray(CompletableFuture[]::new)),
                    OVERFLOW_WRITE_NANOS, "journaling acked ranges");
            if (!offsets.isEmpty() && !committer.commit(offsets)) {
                dirty.addAll(lanes);
                waiters.addAll(round);
                return;
            }
        } catch (RuntimeException e) {
            EngineException failure = EngineException.unavailable("offset commit failed: " + Failures.messageOf(e));
            round.forEach(w -> completions.execute(() -> w.done().completeExceptionally(failure)));
            return;
        }
        forgettable.forEach((lane, below) -> {
            if (!below.isEmpty()) {
                synchronized (lane.queue) {
                    lane.forgetJournaled(below);
                }
                journal.forget(lane.tp, below);
            }
        });
        for (Waiter w : round) {
            if (offsets.containsKey(w.lane())) {
                completions.execute(() -> w.done().complete(null));
            } else {
                EngineException lost = EngineException.unavailable(
                        "partition " + w.lane().tp + " is no longer owned by this node; the ack was not committed");
                completions.execute(() -> w.done().completeExceptionally(lost));
            }
        }
    }
}
