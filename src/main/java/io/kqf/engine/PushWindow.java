package io.kqf.engine;

/**
 * The index window of a push queue (hustmq-api.md §3.2). Item at offset o has index
 * {@code (o + base + 1) mod C}; the window holds offsets [floor, end), so {@code si} is the index
 * before the oldest item and {@code ci} the index of the newest, both modulo C = 11,000,000.
 */
public record PushWindow(long si, long ci, long floor, long end, long base) {
    /** hustmq pointer arithmetic is modulo 11,000,000. */
    static final long C = 11_000_000L;
    /** An index more than this far "behind" counts as wrapped around. */
    private static final long HALF = 5_000_000L;

    /** The window as this node sees it now: attributes from {@code _kqf.meta}, end from the acknowledged pubs. */
    static PushWindow of(QueueState queue) {
        QueueMeta meta = queue.meta();
        synchronized (queue) {
            return of(meta.pushBase(), Math.min(meta.pushFloor(), queue.pushEnd), queue.pushEnd);
        }
    }

    static PushWindow of(long base, long floor, long end) {
        return new PushWindow(Math.floorMod(floor + base, C), Math.floorMod(end + base, C), floor, end, base);
    }

    /** The original's distance: how far b is after a, 0 when it is not after. */
    static long dist(long a, long b) {
        if (a <= b) {
            return b - a;
        }
        return a > HALF ? C - a + b : 0;
    }

    public long size() {
        return end - floor;
    }

    public boolean isEmpty() {
        return end <= floor;
    }

    /** si < index ≤ ci, modulo-aware: the index of a retained item. */
    public boolean contains(long index) {
        return dist(si, ci) > 0 && dist(si, index) > 0 && dist(Math.floorMod(index - 1, C), ci) > 0;
    }

    /** Offset of an index inside the window. */
    long offsetOf(long index) {
        return floor + dist(si, index) - 1;
    }

    /** True when {@code index} lies after ci (a pub with it restarts the window there). */
    boolean isAfterNewest(long index) {
        return dist(ci, index) > 0;
    }
}
