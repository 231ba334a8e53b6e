package io.kqf.engine.dedup;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * A 64-bit fingerprint of every key claimed within the window, 8 bytes a key where the entry cache
 * ({@link DedupCache}) keeps about 200, so it can hold many more keys than the cache. Its one
 * question, "can this key have an entry?", is answered without Kafka even after the cache evicted
 * entries for size: no fingerprint means no entry (a new key, the common case), and only a match
 * (a real duplicate, or a fingerprint collision, about 2^-64 a pair) needs the registry's scan.
 *
 * <p>Fingerprints are kept in buckets by claim time, a 24th of the window each, and a bucket is
 * dropped once all its claims are older than the window. Beyond {@code maximumKeys} live
 * fingerprints a key is not recorded, and every question answers "maybe" until the window has
 * passed after the last key that was not recorded. Guarded by this object's monitor.
 */
final class SeenKeys {
    private static final int BUCKETS_PER_WINDOW = 24;

    private final long windowMillis;
    private final long bucketMillis;
    private final long maximumKeys;
    /** Bucket index (claim time / bucketMillis) → the fingerprints of its claims. */
    private final TreeMap<Long, LongSet> buckets = new TreeMap<>();
    private long count;
    /** Epoch ms until which answers are "maybe" (a key was not recorded); MIN_VALUE while every key was. */
    private long inconclusiveUntil = Long.MIN_VALUE;

    SeenKeys(Duration window, long maximumKeys) {
        this.windowMillis = window.toMillis();
        this.bucketMillis = Math.max(1, windowMillis / BUCKETS_PER_WINDOW);
        this.maximumKeys = maximumKeys;
    }

    /** Records a key claimed at {@code claimedAt}. */
    synchronized void add(String key, long claimedAt, long now) {
        expire(now);
        if (claimedAt + windowMillis <= now) {
            return;
        }
        if (count >= maximumKeys) {
            inconclusiveUntil = Math.max(inconclusiveUntil, claimedAt + windowMillis);
            return;
        }
        if (buckets.computeIfAbsent(claimedAt / bucketMillis, b -> new LongSet()).add(fingerprint(key))) {
            count++;
        }
    }

    /** False only when {@code key} certainly has no live entry. */
    synchronized boolean mightHave(String key, long now) {
        expire(now);
        if (now < inconclusiveUntil) {
            return true;
        }
        long fingerprint = fingerprint(key);
        for (LongSet bucket : buckets.values()) {
            if (bucket.contains(fingerprint)) {
                return true;
            }
        }
        return false;
    }

    synchronized long size() {
        return count;
    }

    /** Drops the buckets whose every claim is older than the window. */
    private void expire(long now) {
        for (Iterator<Map.Entry<Long, LongSet>> it = buckets.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, LongSet> bucket = it.next();
            if ((bucket.getKey() + 1) * bucketMillis + windowMillis > now) {
                return; // in time order: the rest are younger
            }
            count -= bucket.getValue().size();
            it.remove();
        }
    }

    /** FNV-1a over the key's chars, then a 64-bit finalizer (splitmix64) so every bit depends on every char. */
    static long fingerprint(String key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    /** An open-addressing set of longs (0 marks a free slot; the value 0 is stored as 1). */
    private static final class LongSet {
        private long[] slots = new long[16];
        private int size;

        boolean add(long value) {
            long v = value == 0 ? 1 : value;
            if ((size + 1) * 4L > slots.length * 3L) {
                grow();
            }
            if (insert(slots, v)) {
                size++;
                return true;
            }
            return false;
        }

        boolean contains(long value) {
            long v = value == 0 ? 1 : value;
            int mask = slots.length - 1;
            for (int i = (int) v & mask; slots[i] != 0; i = (i + 1) & mask) {
                if (slots[i] == v) {
                    return true;
                }
            }
            return false;
        }

        int size() {
            return size;
        }

        private static boolean insert(long[] table, long v) {
            int mask = table.length - 1;
            int i = (int) v & mask;
            while (table[i] != 0) {
                if (table[i] == v) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            table[i] = v;
            return true;
        }

        private void grow() {
            long[] bigger = new long[slots.length * 2];
            for (long v : slots) {
                if (v != 0) {
                    insert(bigger, v);
                }
            }
            slots = bigger;
        }
    }
}
