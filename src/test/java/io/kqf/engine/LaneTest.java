package io.kqf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A lane's bookkeeping: every offset in [low, end) is acked, leased or ready, and ready is counted right. */
class LaneTest {
    private final QueueState queue = new QueueState("q", QueueMeta.plain(5, 0, 0), Signals.NONE);
    private final Lane lane = queue.lane(0, 0, "q");

    static Message record(long offset) {
        return new Message(offset, 0, null, ("v" + offset).getBytes(), List.of());
    }

    static List<Message> records(long from, long to) {
        List<Message> all = new ArrayList<>();
        for (long o = from; o < to; o++) {
            all.add(record(o));
        }
        return all;
    }

    private Lease leaseOf(Message record) {
        Lease lease = new Lease(lane, record.offset(), 1, Lease.ANYONE, 0, Long.MAX_VALUE, true);
        queue.leases().add(lease, record);
        return lease;
    }

    @AfterEach
    void every_step_keeps_the_invariants() {
        queue.checkInvariants();
    }

    /** Regression: load() used to overwrite the end with the one read at assignment, hiding our own put. */
    @Test
    void load_keeps_an_end_our_own_put_noted_before_the_assignment() {
        lane.noteProduced(0);
        lane.load(0, new AckedRanges(), 0);
        assertEquals(1, lane.ready());
        assertTrue(lane.fetchPending(), "the put's record is not fetched yet, so an empty buffer is not empty");
    }

    @Test
    void acks_above_a_lease_stay_in_ranges_until_the_lease_is_acked() {
        lane.load(0, new AckedRanges(), 0);
        lane.offer(records(0, 4));
        assertEquals(4, lane.ready());
        Lease first = leaseOf(lane.takeReady());
        lane.ack(lane.takeReady().offset());
        lane.ack(lane.takeReady().offset());
        assertEquals(0, lane.low(), "offset 0 is leased: the commit cannot pass it");
        assertEquals("1-2", lane.ackedMetadata(GroupCommit.MAX_METADATA_CHARS));
        assertEquals(1, lane.ready());
        queue.leases().ack(first);
        assertEquals(3, lane.low());
        assertEquals("", lane.ackedMetadata(GroupCommit.MAX_METADATA_CHARS));
    }

    @Test
    void a_leased_offset_cannot_be_acked_behind_its_lease() {
        lane.load(0, new AckedRanges(), 0);
        lane.offer(records(0, 1));
        leaseOf(lane.takeReady());
        assertThrows(IllegalStateException.class, () -> lane.ack(0));
    }

    @Test
    void purge_acks_every_ready_offset_and_keeps_the_leased_ones() {
        lane.load(0, new AckedRanges(), 0);
        lane.offer(records(0, 5));
        lane.ack(lane.takeReady().offset());
        leaseOf(lane.takeReady());
        lane.purgeTo(5);
        assertEquals(1, lane.low());
        assertEquals(0, lane.ready());
        assertEquals(1, lane.leasedCount());
        assertFalse(lane.fetchPending());
        lane.offer(records(2, 4));
        assertNull(lane.takeReady(), "purged records fetched again are not delivered");
    }

    @Test
    void recovered_acks_and_the_committed_offset_decide_what_is_ready_after_a_restart() {
        lane.load(2, AckedRanges.decode("4-5,7"), 9);
        assertEquals(9 - 2 - 3, lane.ready());
        lane.offer(records(2, 9));
        List<Long> ready = new ArrayList<>();
        for (Message m = lane.takeReady(); m != null; m = lane.takeReady()) {
            ready.add(m.offset());
            lane.ack(m.offset());
        }
        assertEquals(List.of(2L, 3L, 6L, 8L), ready);
    }

    @Test
    void a_record_fetched_again_for_a_recovered_lease_is_kept_for_its_redelivery_not_buffered() {
        lane.load(0, new AckedRanges(), 3);
        queue.leases().add(new Lease(lane, 1, 2, Lease.ANYONE, 0, 0, true), null);
        assertNull(lane.leasedRecord(1));
        lane.offer(records(0, 3));
        assertEquals("v1", new String(lane.leasedRecord(1).body()));
        assertEquals(0, lane.takeReady().offset());
        lane.ack(0);
        assertEquals(2, lane.takeReady().offset());
        lane.ack(2);
    }

    @Test
    void browse_from_memory_sees_ready_and_leased_records_in_order_and_no_acked_one() {
        lane.load(0, new AckedRanges(), 0);
        lane.offer(records(0, 6));
        Lease leased = leaseOf(lane.takeReady()); // 0 leased
        lane.ack(lane.takeReady().offset());       // 1 acked

        List<Message> page = new ArrayList<>();
        assertEquals(6, lane.pendingInMemory(0, 10, page), "memory covers everything fetched");
        assertEquals(List.of(0L, 2L, 3L, 4L, 5L), page.stream().map(Message::offset).toList());

        List<Message> firstTwo = new ArrayList<>();
        assertEquals(3, lane.pendingInMemory(0, 2, firstTwo), "a full page continues after its last record");
        assertEquals(List.of(0L, 2L), firstTwo.stream().map(Message::offset).toList());
        assertEquals(6, lane.pendingInMemory(6, 10, new ArrayList<>()), "past what was fetched: nothing, read on from there");
        queue.leases().ack(leased);
    }

    @Test
    void browse_from_memory_declines_while_a_recovered_lease_has_no_record() {
        lane.load(0, new AckedRanges(), 3);
        Lease recovered = new Lease(lane, 1, 1, Lease.ANYONE, 0, Long.MAX_VALUE, true);
        queue.leases().add(recovered, null);
        assertEquals(-1, lane.pendingInMemory(0, 10, new ArrayList<>()));
        queue.leases().ack(recovered);
    }
}
