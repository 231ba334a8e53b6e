package io.kqf.engine.dedup;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;

/**
 * The registry's entries of the window, in memory, bounded in size.
 *
 * <p>Completeness: while nothing was evicted for size, the cache holds every live entry the node
 * has seen, so a miss means "not published" and needs no Kafka read. After a size eviction a miss
 * may be an evicted entry, until the evicted entry would have died anyway: {@link #complete} is
 * false until the window has passed after the latest claim time of any entry evicted for size.
 * The eviction listener runs inside the atomic removal (Caffeine's {@code evictionListener}, not the
 * asynchronous removal listener), so no reader sees an entry gone before completeness is withdrawn.
 *
 * <p>Time: liveness is decided from the clock ({@link Published#liveAt}) on every read. Caffeine's
 * expiry, a duration computed from the clock when an entry is written, only frees memory: Caffeine
 * measures it on its own ticker, which does not follow a test clock moved forward.
 */
final class DedupCache {
    private final Cache<String, Published> entries;
    private final Clock clock;
    private final Duration window;
    /** Epoch ms (clock) until which misses are not conclusive; MIN_VALUE while nothing was evicted for size. */
    private final AtomicLong incompleteUntil = new AtomicLong(Long.MIN_VALUE);

    DedupCache(long maximumSize, Duration window, Clock clock) {
        this.clock = clock;
        this.window = window;
        this.entries = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfter(new Expiry<String, Published>() {
                    @Override
                    public long expireAfterCreate(String key, Published entry, long currentTime) {
                        return remainingNanos(entry);
                    }

                    @Override
                    public long expireAfterUpdate(String key, Published entry, long currentTime, long currentDuration) {
                        return remainingNanos(entry);
                    }

                    @Override
                    public long expireAfterRead(String key, Published entry, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .evictionListener((String key, Published entry, RemovalCause cause) -> {
                    if (cause == RemovalCause.SIZE && entry != null) {
                        incompleteUntil.accumulateAndGet(entry.claimedAt() + window.toMillis(), Math::max);
                    }
                })
                .build();
    }

    /** The live entry of {@code key}, or null if this cache has none (conclusive only when {@link #complete}). */
    Published live(String key, long nowMillis) {
        Published entry = entries.getIfPresent(key);
        return entry != null && entry.liveAt(nowMillis, window) ? entry : null;
    }

    /** Adds an entry, keeping the {@link Published#preferred} one if the key has one already; dead entries are dropped. */
    void remember(String key, Published entry) {
        long now = clock.millis();
        if (!entry.liveAt(now, window)) {
            return;
        }
        entries.asMap().merge(key, entry, (old, fresh) -> Published.preferred(old, fresh, now, window));
    }

    /** Whether a miss means the key has no live entry. */
    boolean complete(long nowMillis) {
        return nowMillis >= incompleteUntil.get();
    }

    /** Runs pending evictions now (tests: make a size eviction visible without more traffic). */
    void cleanUp() {
        entries.cleanUp();
    }

    private long remainingNanos(Published entry) {
        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, entry.claimedAt() + window.toMillis() - clock.millis()));
    }
}
