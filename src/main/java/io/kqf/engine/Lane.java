package io.kqf.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;


/**
 * One topic partition of a queue as the engine sees it.
 *
 * <p>Invariant, for every offset o in [low, end): o is exactly one of acked (in {@link #acked}),
 * leased (in {@link #leased}) or ready (buffered, or not fetched yet). Everything below
 * {@code low} is done; {@code low} is the offset committed to Kafka. Only this class changes
 * those sets, and every change keeps the invariant; {@link #checkInvariants()} verifies it.
 *
 * <p>Guarded by the monitor of its {@link QueueState}; the poller reads {@link #buffered()} without
 * it (a stale size only delays a pause or resume by one loop).
 */
final class Lane {
    final QueueState queue;
    final int priority;
    final PartitionRef tp;

    private volatile boolean loaded;
    private volatile int unloads; // written under the queue's monitor
    /** Lowest offset not acknowledged: the committed offset. */
    private long low;
    /** Highest offset + 1 known to exist (from fetches, our own puts and the end offset at load). */
    private long end;
    /** Next offset the poller will fetch. */
    private long fetchedTo;
    private final AckedRanges acked = new AckedRanges();
    private final Map<Long, Lease> leased = new HashMap<>();
    /** Records of leased offsets, kept for redelivery; a lease recovered from the journal has none until refetched. */
    private final Map<Long, Message> leasedRecords = new HashMap<>();
    private final ArrayDeque<Message> buffer = new ArrayDeque<>();
    private volatile int buffered;
    /** Offsets with a lease-journal entry, tombstoned once the committed offset passes them. */
    private final TreeSet<Long> journaled = new TreeSet<>();

    Lane(QueueState queue, int priority, PartitionRef tp) {
        this.queue = queue;
        this.priority = priority;
        this.tp = tp;
    }

    boolean loaded() {
        return loaded;
    }

    long low() {
        return low;
    }

    long end() {
        return end;
    }

    /** Records fetched and waiting in memory (read by the poller without the monitor). */
    int buffered() {
        return buffered;
    }

    int leasedCount() {
        return leased.size();
    }

    /** Items waiting for a delivery: neither acked nor leased. */
    long ready() {
        return loaded ? Math.max(0, end - low - acked.count() - leased.size()) : 0;
    }

    /** True when records known to exist have not been fetched yet, so an empty buffer is not "empty". */
    boolean fetchPending() {
        return !loaded || fetchedTo < end;
    }

    void load(long committed, AckedRanges recoveredAcks, long endOffset) {
        clear();
        low = committed;
        // Keep what our own puts already noted: the end offset read at assignment may predate them
        // (a put acknowledged meanwhile would otherwise be invisible to the next get). Ends only grow.
        end = Math.max(end, Math.max(endOffset, committed));
        recoveredAcks.ranges().forEach((start, stop) -> acked.addRange(Math.max(start, committed), stop));
        low = acked.advance(low);
        fetchedTo = low;
        loaded = true;
    }

    /** Forgets everything but the end: the partition went to another owner, who restores it. */
    void unload() {
        if (loaded) {
            unloads++;
        }
        loaded = false;
        clear();
    }

    /** How many times this node let go of the lane after serving it (each a pause of its queue). */
    int unloads() {
        return unloads;
    }

    private void clear() {
        buffer.clear();
        buffered = 0;
        leased.clear();
        leasedRecords.clear();
        acked.clear();
        journaled.clear();
    }

    /** Records fetched by the poller, in offset order. */
    void offer(List<Message> records) {
        if (!loaded) {
            return;
        }
        for (Message record : records) {
            long offset = record.offset();
            if (offset < fetchedTo) {
                continue;
            }
            fetchedTo = offset + 1;
            end = Math.max(end, offset + 1);
            if (leased.containsKey(offset)) {
                leasedRecords.putIfAbsent(offset, record);
            } else if (offset >= low && !acked.contains(offset)) {
                buffer.add(record);
            }
        }
        buffered = buffer.size();
    }

    void noteProduced(long offset) {
        end = Math.max(end, offset + 1);
    }

    void noteFetchPosition(long position) {
        fetchedTo = Math.max(fetchedTo, position);
        end = Math.max(end, position);
    }

    /**
     * Takes the oldest fetched ready record, or null. The caller leases or acks it in the same
     * critical section (until then the offset is counted ready but buffered nowhere).
     */
    Message takeReady() {
        Message record = buffer.poll();
        buffered = buffer.size();
        return record;
    }

    /** Records {@code lease} of a record just taken ({@link #takeReady()}) or redelivered (replacing its lease). */
    void lease(Lease lease, Message record) {
        leased.put(lease.offset(), lease);
        if (record != null) {
            leasedRecords.put(lease.offset(), record);
        }
    }

    Lease leaseAt(long offset) {
        return leased.get(offset);
    }

    /** The record of a leased offset, null until the poller fetched it again (a lease recovered after a restart). */
    Message leasedRecord(long offset) {
        return leasedRecords.get(offset);
    }

    /**
     * The pending records (ready or leased) from {@code from} on that this node holds in memory:
     * everything below {@code fetchedTo} that is neither acked nor below {@code low} is buffered or
     * leased with its record. Adds up to {@code max} of them to {@code out}, in offset order, and
     * answers where a reader continues (after the last one added when {@code max} were, else
     * {@code fetchedTo}); -1 when memory cannot answer (a lease recovered without its record).
     */
    long pendingInMemory(long from, int max, List<Message> out) {
        if (!loaded || leasedRecords.size() < leased.size()) {
            return -1;
        }
        if (from >= fetchedTo) {
            return from;
        }
        List<Message> picked = new java.util.ArrayList<>();
        for (Message record : buffer) {
            if (picked.size() >= max) {
                break; // in offset order: the rest come later than the max-th
            }
            if (record.offset() >= from && !acked.contains(record.offset())) {
                picked.add(record);
            }
        }
        for (Message record : leasedRecords.values()) {
            if (record.offset() >= from) {
                picked.add(record);
            }
        }
        picked.sort(java.util.Comparator.comparingLong(Message::offset));
        if (picked.size() >= max) {
            List<Message> page = picked.subList(0, max);
            out.addAll(page);
            return page.get(max - 1).offset() + 1;
        }
        out.addAll(picked);
        return fetchedTo;
    }

    boolean isAcked(long offset) {
        return offset < low || acked.contains(offset);
    }

    Collection<Lease> leases() {
        return List.copyOf(leased.values());
    }

    /** Ends the lease of {@code offset} by acknowledging the record. */
    void ackLeased(long offset) {
        if (leased.remove(offset) == null) {
            throw new IllegalStateException(tp + " offset " + offset + " is not leased");
        }
        leasedRecords.remove(offset);
        ack(offset);
    }

    /** Acknowledges a record taken from the buffer, and advances {@code low}. */
    void ack(long offset) {
        if (leased.containsKey(offset)) {
            throw new IllegalStateException(tp + " offset " + offset + " is leased: ack it through its lease");
        }
        acked.add(offset);
        low = acked.advance(low);
    }

    /** Acks every ready offset below {@code endOffset} (purge); leased ones stay outstanding. */
    void purgeTo(long endOffset) {
        end = Math.max(end, endOffset);
        buffer.clear();
        buffered = 0;
        long from = low;
        for (long leasedOffset : new TreeSet<>(leased.keySet())) {
            acked.addRange(from, leasedOffset);
            from = leasedOffset + 1;
        }
        acked.addRange(from, end);
        low = acked.advance(low);
        fetchedTo = end;
    }

    /** The commit metadata: acked ranges above {@code low} that fit {@code maxChars}. */
    String ackedMetadata(int maxChars) {
        return acked.encode(maxChars);
    }

    /** Acked ranges that do not fit the commit metadata; the caller journals them and notes their starts. */
    Map<Long, Long> ackedOverflow(int maxChars) {
        return acked.overflow(maxChars);
    }

    void noteJournaled(long offset) {
        journaled.add(offset);
    }

    /** Journal entries the committed offset has passed: they can be tombstoned. */
    List<Long> journaledBelowLow() {
        return new ArrayList<>(journaled.headSet(low));
    }

    void forgetJournaled(Collection<Long> offsets) {
        journaled.removeAll(offsets);
    }

    /** Throws IllegalStateException naming the first broken rule; tests call it after every step. */
    void checkInvariants() {
        if (!loaded) {
            require(buffer.isEmpty() && leased.isEmpty() && acked.isEmpty(), "an unloaded lane holds state");
            return;
        }
        require(low <= fetchedTo && fetchedTo <= end, "low <= fetchedTo <= end");
        require(acked.isEmpty() || acked.ranges().keySet().iterator().next() > low, "acked ranges start above low");
        long previous = -1;
        for (Message record : buffer) {
            long offset = record.offset();
            require(offset > previous, "buffer in offset order");
            require(offset >= low && offset < fetchedTo, "buffered offset " + offset + " in [low, fetchedTo)");
            require(!acked.contains(offset) && !leased.containsKey(offset), "buffered offset " + offset + " is only ready");
            previous = offset;
        }
        for (Map.Entry<Long, Lease> entry : leased.entrySet()) {
            long offset = entry.getKey();
            require(entry.getValue().offset() == offset && entry.getValue().lane() == this, "lease filed under its offset");
            require(offset >= low && offset < end, "leased offset " + offset + " in [low, end)");
            require(!acked.contains(offset), "leased offset " + offset + " is not acked");
        }
        require(leased.keySet().containsAll(leasedRecords.keySet()), "records kept only for leased offsets");
        require(buffered == buffer.size(), "buffered count");
        require(end - low - acked.count() - leased.size() >= buffer.size(), "ready count covers the buffer");
    }

    private void require(boolean rule, String what) {
        if (!rule) {
            throw new IllegalStateException("lane invariant broken (" + what + "): " + this);
        }
    }

    @Override
    public String toString() {
        return tp + "[low=" + low + ", end=" + end + ", fetchedTo=" + fetchedTo + ", acked=" + acked + ", leased="
                + leased.keySet() + ", buffered=" + buffer.size() + "]";
    }
}
