package io.kqf.engine;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The one home of the lease lifecycle, for every front end: hand-out, redelivery, ack, renew,
 * release, expiry, and the journal that makes all of it survive a crash.
 *
 * <p>Methods marked "under the monitor" decide and change memory only (the caller holds the
 * queue's monitor); the journal write they imply is a separate call made after the monitor is
 * released, and a delivery is answered only once that write is acknowledged. Redelivery stays
 * lazy: a due lease is handed out by the next get; the timer only wakes whoever waits for the
 * queue.
 */
final class Leases {
    private final LeaseJournal journal;
    private final LeaseTimer timer;
    private final Clock clock;

    Leases(LeaseJournal journal, Clock clock) {
        this.journal = journal;
        this.clock = clock;
        this.timer = new LeaseTimer(clock, Leases::dueNow);
    }

    long now() {
        return clock.millis();
    }

    /** Timer callback on Caffeine's executor: wake the queue's waiters, nothing else. */
    private static void dueNow(Lease lease) {
        QueueState queue = lease.lane().queue;
        synchronized (queue) {
            queue.changed();
        }
    }

    /** Under the monitor: leases a record just taken from its lane, first attempt. */
    Lease handOut(Lane lane, Message record, String holder, long deadline, boolean followsQueueTimeout) {
        long now = now();
        Lease lease = new Lease(lane, record.offset(), 1, holder, now, deadline, followsQueueTimeout);
        file(lease, record);
        return lease;
    }

    /** Under the monitor: hands a due lease out again, to {@code holder}, as the next attempt. */
    Lease redeliver(Lease due, String holder, long deadline, boolean followsQueueTimeout) {
        timer.cancel(due);
        Lease lease = due.redelivered(holder, now(), deadline, followsQueueTimeout);
        file(lease, null);
        return lease;
    }

    private void file(Lease lease, Message record) {
        lease.lane().queue.leases().add(lease, record);
        lease.lane().noteJournaled(lease.offset());
        timer.start(lease);
    }

    /** Not under the monitor: completes once Kafka acknowledged the lease's journal entry. */
    CompletableFuture<Void> journal(Lease lease) {
        return journal.recordLease(lease);
    }

    /**
     * Under the monitor: the outstanding lease {@code token} names, for {@code holder}.
     * NOT_OUTSTANDING when there is none (acked, never issued, or held by someone else);
     * STALE when the record was delivered again since the token was issued.
     */
    Lease outstanding(Lane lane, AckToken token, String holder) {
        Lease lease = lane.queue.leases().at(lane, token.offset());
        if (lease == null || !holder.equals(lease.holder())) {
            throw new EngineException(EngineException.Reason.NOT_OUTSTANDING,
                    "delivery " + describe(lane, token) + " is not outstanding (acknowledged, never issued, or held elsewhere)");
        }
        if (!token.names(lease)) {
            throw new EngineException(EngineException.Reason.STALE, "delivery " + describe(lane, token)
                    + " was superseded by attempt " + lease.attempt());
        }
        return lease;
    }

    private static String describe(Lane lane, AckToken token) {
        return lane.tp.topic() + "/" + lane.tp.partition() + "/" + token.offset() + " attempt " + token.attempt();
    }

    /** Under the monitor: ends a lease by acknowledging its record (the caller commits the lane). */
    void ack(Lease lease) {
        timer.cancel(lease);
        lease.lane().queue.leases().ack(lease);
    }

    /**
     * Under the monitor: moves a lease's deadline (renew: later; release: now, so the next get
     * redelivers it). The caller journals the result.
     */
    Lease retime(Lease lease, long deadline) {
        Lease retimed = new Lease(lease.lane(), lease.offset(), lease.attempt(), lease.holder(), lease.handedOutAt(),
                deadline, false);
        timer.cancel(lease);
        lease.lane().queue.leases().retime(lease, retimed);
        timer.start(retimed);
        return retimed;
    }

    /** Under the monitor: a queue's timeout changed; the leases that follow it are due at hand-out + the new timeout. */
    void followTimeout(QueueState queue, long timeoutMillis) {
        for (Lease lease : queue.leases().all()) {
            if (lease.followsQueueTimeout()) {
                Lease retimed = lease.until(lease.handedOutAt() + timeoutMillis);
                timer.cancel(lease);
                queue.leases().retime(lease, retimed);
                timer.start(retimed);
            }
        }
    }

    /**
     * Under the monitor: files the journal's live leases of a lane just loaded. Entries the
     * committed offset or the acked ranges have passed are stale and skipped. An already due
     * lease fires its timer at once, which wakes the queue's waiters.
     */
    void restore(Lane lane, Map<Long, LeaseJournal.Entry> entries, long queueTimeoutMillis) {
        List<Lease> restored = new ArrayList<>();
        entries.forEach((offset, entry) -> {
            lane.noteJournaled(offset);
            if (offset >= lane.low() && offset < lane.end() && lane.leaseAt(offset) == null
                    && !lane.isAcked(offset)) {
                long deadline = entry.followsQueueTimeout() ? entry.handedOutAt() + queueTimeoutMillis : entry.deadline();
                restored.add(new Lease(lane, offset, entry.attempt(), entry.holder(), entry.handedOutAt(), deadline,
                        entry.followsQueueTimeout()));
            }
        });
        for (Lease lease : restored) {
            lane.queue.leases().add(lease, null);
            timer.start(lease);
        }
    }

    /** Under the monitor: the lane is being unloaded; its leases stay in the journal for the next owner. */
    void forget(Lane lane) {
        lane.queue.leases().forget(lane).forEach(timer::cancel);
    }

    /** Under the monitor: the queue is deleted; its leases end as acknowledged. */
    void ackAll(Lane lane) {
        lane.queue.leases().ackAll(lane).forEach(timer::cancel);
    }
}
