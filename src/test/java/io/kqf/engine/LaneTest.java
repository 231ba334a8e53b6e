package io.kqf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** A lane's bookkeeping: every offset in [low, end) is acked, leased or ready, and ready is counted right. */
class LaneTest {
    private final QueueState queue = new QueueState("q", QueueMeta.plain(5, 0, 0), Signals.NONE);
    private final Lane lane = queue.lane(0, 0, "q");

    private static ConsumerRecord<byte[], byte[]> record(long offset) {
        return new ConsumerRecord<>("q", 0, offset, null, ("v" + offset).getBytes());
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
        lane.offer(List.of(record(0), record(1), record(2), record(3)));
        assertEquals(4, lane.ready());
        lane.buffer.poll();
        queue.addLease(new Lease(lane, 0, 0, Long.MAX_VALUE, 1, null));
        lane.buffer.poll();
        lane.ack(1);
        lane.buffer.poll();
        lane.ack(2);
        assertEquals(0, lane.low, "offset 0 is leased: the commit cannot pass it");
        assertEquals("1-2", lane.acked.encode(Poller.MAX_METADATA_CHARS));
        assertEquals(1, lane.ready());
        queue.removeLease(lane, 0);
        lane.ack(0);
        assertEquals(3, lane.low);
        assertTrue(lane.acked.isEmpty());
    }

    @Test
    void purge_acks_every_ready_offset_and_keeps_the_leased_ones() {
        lane.load(0, new AckedRanges(), 0);
        lane.offer(List.of(record(0), record(1), record(2), record(3), record(4)));
        lane.buffer.poll();
        lane.buffer.poll();
        queue.addLease(new Lease(lane, 1, 0, Long.MAX_VALUE, 1, null));
        lane.ack(0);
        lane.purgeTo(5);
        assertEquals(1, lane.low);
        assertEquals(0, lane.ready());
        assertEquals(1, lane.leased.size());
        assertFalse(lane.fetchPending());
        lane.offer(List.of(record(2), record(3)));
        assertTrue(lane.buffer.isEmpty(), "purged records fetched again are not delivered");
    }

    @Test
    void recovered_acks_and_the_committed_offset_decide_what_is_ready_after_a_restart() {
        lane.load(2, AckedRanges.decode("4-5,7"), 9);
        assertEquals(9 - 2 - 3, lane.ready());
        lane.offer(List.of(record(2), record(3), record(4), record(5), record(6), record(7), record(8)));
        assertEquals(List.of(2L, 3L, 6L, 8L), lane.buffer.stream().map(ConsumerRecord::offset).toList());
    }
}
