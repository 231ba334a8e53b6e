package io.kqf.engine;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One topic partition of a queue as the engine sees it. Invariant, for every offset o in
 * [low, end): o is exactly one of acked (in {@link #acked}), leased (in {@link #leased}) or ready
 * (in {@link #buffer} or not fetched yet). Everything below {@code low} is done; {@code low} is
 * the offset committed to Kafka. Guarded by the monitor of its {@link QueueState}.
 */
final class Lane {
    final QueueState queue;
    final int priority;
    final TopicPartition tp;

    boolean loaded;
    /** Lowest offset not acknowledged: the committed offset. */
    long low;
    /** Highest offset + 1 known to exist (from fetches, our own puts and the end offset at load). */
    long end;
    /** Next offset the poller will fetch. */
    long fetchedTo;
    final AckedRanges acked = new AckedRanges();
    final Map<Long, Lease> leased = new HashMap<>();
    final ArrayDeque<ConsumerRecord<byte[], byte[]>> buffer = new ArrayDeque<>();
    /** Offsets with a lease-journal entry, tombstoned once the committed offset passes them. */
    final TreeSet<Long> journaled = new TreeSet<>();

    Lane(QueueState queue, int priority, TopicPartition tp) {
        this.queue = queue;
        this.priority = priority;
        this.tp = tp;
    }

    /** Items waiting for a get: neither acked nor leased. */
    long ready() {
        return loaded ? Math.max(0, end - low - acked.count() - leased.size()) : 0;
    }

    /** True when records known to exist have not been fetched yet, so an empty buffer is not "empty". */
    boolean fetchPending() {
        return !loaded || fetchedTo < end;
    }

    void load(long committed, AckedRanges recoveredAcks, long endOffset) {
        buffer.clear();
        leased.clear();
        acked.clear();
        low = committed;
        // Keep what our own puts already noted: the end offset read at assignment may predate them
        // (a put acknowledged meanwhile would otherwise be invisible to the next get). Ends only grow.
        end = Math.max(end, Math.max(endOffset, committed));
        recoveredAcks.ranges().forEach((start, stop) -> acked.addRange(Math.max(start, committed), stop));
        low = acked.advance(low);
        fetchedTo = committed;
        loaded = true;
    }

    void unload() {
        loaded = false;
        buffer.clear();
        leased.clear();
        acked.clear();
        journaled.clear();
    }

    /** Records fetched by the poller, in offset order. */
    void offer(List<ConsumerRecord<byte[], byte[]>> records) {
        if (!loaded) {
            return;
        }
        for (ConsumerRecord<byte[], byte[]> record : records) {
            long offset = record.offset();
            if (offset < fetchedTo) {
                continue;
            }
            fetchedTo = offset + 1;
            end = Math.max(end, offset + 1);
            Lease lease = leased.get(offset);
            if (lease != null) {
                lease.attachBody(record.value());
            } else if (offset >= low && !acked.contains(offset)) {
                buffer.add(record);
            }
        }
    }

    void noteProduced(long offset) {
        end = Math.max(end, offset + 1);
    }

    void noteFetchPosition(long position) {
        fetchedTo = Math.max(fetchedTo, position);
        end = Math.max(end, position);
    }

    /** Marks an offset acknowledged and advances {@code low}. */
    void ack(long offset) {
        acked.add(offset);
        low = acked.advance(low);
    }

    /** Acks every ready offset below {@code endOffset} (purge); leased ones stay outstanding. */
    void purgeTo(long endOffset) {
        end = Math.max(end, endOffset);
        buffer.clear();
        long from = low;
        for (long leasedOffset : new TreeSet<>(leased.keySet())) {
            acked.addRange(from, leasedOffset);
            from = leasedOffset + 1;
        }
        acked.addRange(from, end);
        low = acked.advance(low);
        fetchedTo = end;
    }

    @Override
    public String toString() {
        return tp + "[low=" + low + ", end=" + end + ", fetchedTo=" + fetchedTo + ", acked=" + acked + ", leased="
                + leased.keySet() + ", buffered=" + buffer.size() + "]";
    }
}
