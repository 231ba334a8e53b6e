package io.kqf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import io.kqf.support.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lease lifecycle in memory, with time driven by a test clock: hand-out, redelivery, ack,
 * renew, release, queue timeout changes and restore, each followed by the invariant check.
 */
class LeasesTest {
    private static final long MINUTE = 60_000;

    private final TestClock clock = new TestClock();
    /** The journal is only written by {@link Leases#journal}, which these tests never call. */
    private final Leases leases = new Leases(new LeaseJournal(null, null, "unused"), clock);
    private final QueueState queue = new QueueState("q", QueueMeta.plain(5, 0, 0), Signals.NONE);
    private final Lane lane = queue.lane(0, 0, "q");

    @BeforeEach
    void fill() {
        lane.load(0, new AckedRanges(), 0);
        lane.offer(LaneTest.records(0, 3));
    }

    @AfterEach
    void invariants_hold() {
        queue.checkInvariants();
    }

    private Lease handOut(String holder, long forMillis, boolean followsQueue) {
        return leases.handOut(lane, lane.takeReady(), holder, clock.millis() + forMillis, followsQueue);
    }

    private static AckToken anyAttempt(Lease lease) {
        return new AckToken(lease.token().priority(), lease.token().partition(), lease.offset(), AckToken.ANY_ATTEMPT);
    }

    private EngineException.Reason refusal(Runnable step) {
        return assertThrows(EngineException.class, step::run).reason();
    }

    @Test
    void a_lease_is_acked_once_and_its_offset_then_counts_as_done() {
        Lease lease = handOut(Lease.ANYONE, MINUTE, true);
        assertEquals(1, lease.attempt());
        assertEquals(2, lane.ready());
        leases.ack(leases.outstanding(lane, lease.token(), Lease.ANYONE));
        assertEquals(1, lane.low());
        assertEquals(EngineException.Reason.NOT_OUTSTANDING,
                refusal(() -> leases.outstanding(lane, lease.token(), Lease.ANYONE)), "a second ack");
    }

    @Test
    void a_redelivery_is_the_next_attempt_and_the_earlier_token_is_stale() {
        Lease first = handOut(Lease.ANYONE, MINUTE, true);
        assertNull(queue.leases().firstDue(clock.millis()), "not due before its deadline");
        clock.advance(Duration.ofMinutes(2));
        Lease due = queue.leases().firstDue(clock.millis());
        assertSame(first, due);
        Lease second = leases.redeliver(due, "sub-b", clock.millis() + MINUTE, false);
        assertEquals(2, second.attempt());
        assertEquals(EngineException.Reason.STALE, refusal(() -> leases.outstanding(lane, first.token(), "sub-b")));
        assertSame(second, leases.outstanding(lane, anyAttempt(second), "sub-b"), "any attempt names the current one");
        assertEquals(1, queue.leases().size());
    }

    @Test
    void only_the_holder_settles_its_lease() {
        Lease lease = handOut("sub-a", MINUTE, false);
        assertEquals(EngineException.Reason.NOT_OUTSTANDING, refusal(() -> leases.outstanding(lane, lease.token(), "sub-b")));
        assertEquals(EngineException.Reason.NOT_OUTSTANDING,
                refusal(() -> leases.outstanding(lane, lease.token(), Lease.ANYONE)));
        assertSame(lease, leases.outstanding(lane, lease.token(), "sub-a"));
    }

    @Test
    void release_makes_a_lease_due_now_and_renew_moves_its_deadline_later() {
        Lease released = leases.retime(handOut("sub-a", MINUTE, false), clock.millis());
        assertSame(released, queue.leases().firstDue(clock.millis()));
        Lease renewed = leases.retime(released, clock.millis() + 10 * MINUTE);
        assertNull(queue.leases().firstDue(clock.millis() + 9 * MINUTE));
        assertEquals(renewed, queue.leases().firstDue(clock.millis() + 10 * MINUTE));
        assertFalse(renewed.followsQueueTimeout(), "a renewed lease keeps its own deadline");
    }

    @Test
    void a_queue_timeout_change_retimes_queue_leases_only() {
        Lease queueLease = handOut(Lease.ANYONE, 5 * MINUTE, true);
        Lease ownDeadline = handOut("sub-a", 5 * MINUTE, false);
        leases.followTimeout(queue, MINUTE);
        assertEquals(queueLease.handedOutAt() + MINUTE, queue.leases().at(lane, queueLease.offset()).deadline());
        assertEquals(ownDeadline.deadline(), queue.leases().at(lane, ownDeadline.offset()).deadline());
    }

    @Test
    void the_oldest_due_lease_comes_first() {
        Lease later = handOut(Lease.ANYONE, 2 * MINUTE, false);
        Lease sooner = handOut(Lease.ANYONE, MINUTE, false);
        clock.advance(Duration.ofMinutes(3));
        assertEquals(2, queue.leases().dueCount(clock.millis()));
        assertSame(sooner, queue.leases().firstDue(clock.millis()));
        leases.ack(sooner);
        assertSame(later, queue.leases().firstDue(clock.millis()));
    }

    @Test
    void restore_files_journaled_leases_and_skips_the_ones_acked_since() {
        QueueState restarted = new QueueState("q", QueueMeta.plain(5, 0, 0), Signals.NONE);
        Lane fresh = restarted.lane(0, 0, "q");
        fresh.load(1, AckedRanges.decode("3"), 5);
        long now = clock.millis();
        leases.restore(fresh, Map.of(
                0L, new LeaseJournal.Entry(now, 1, 0, Lease.ANYONE, true),
                2L, new LeaseJournal.Entry(now, 3, 0, Lease.ANYONE, true),
                3L, new LeaseJournal.Entry(now, 1, 0, Lease.ANYONE, true),
                4L, new LeaseJournal.Entry(now, 2, now + 7, "sub-a", false)), 5 * MINUTE);
        assertEquals(2, restarted.leases().size(), "offset 0 is below the committed offset, 3 is acked");
        assertEquals(3, fresh.leaseAt(2).attempt());
        assertEquals(now + 5 * MINUTE, fresh.leaseAt(2).deadline(), "a queue lease is due at hand-out + the timeout");
        assertEquals(now + 7, fresh.leaseAt(4).deadline(), "an own deadline is kept");
        assertEquals("sub-a", fresh.leaseAt(4).holder());
        assertTrue(fresh.ready() == 1, "offset 1 is the only ready one");
        restarted.checkInvariants();
    }

    @Test
    void deleting_a_lane_acks_its_leases() {
        handOut(Lease.ANYONE, MINUTE, true);
        handOut("sub-a", MINUTE, false);
        leases.ackAll(lane);
        assertEquals(0, queue.leases().size());
        assertEquals(2, lane.low());
    }
}
