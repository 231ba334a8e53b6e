package io.kqf.engine;

import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;

/**
 * Fires when a lease's deadline passes: a Caffeine cache with per-entry expiry and a scheduler, so
 * no thread polls deadlines. Expiry is best effort (Caffeine paces it, about a second late at
 * worst) and never early, which is the promise a lease makes; and it only wakes waiters, because
 * a get decides due-ness itself from the deadline. The lanes hold the authoritative set of
 * leases. The listener runs on Caffeine's executor.
 */
final class LeaseTimer {
    private record Key(Lane lane, long offset) {
    }

    private final Cache<Key, Lease> timers;

    /** @param clock the engine's clock: deadlines are epoch ms of it, Caffeine wants a duration from now */
    LeaseTimer(Clock clock, Consumer<Lease> onDue) {
        this.timers = Caffeine.newBuilder()
                .scheduler(Scheduler.systemScheduler())
                .expireAfter(new Expiry<Key, Lease>() {
                    @Override
                    public long expireAfterCreate(Key key, Lease lease, long currentTime) {
                        return remainingNanos(lease);
                    }

                    @Override
                    public long expireAfterUpdate(Key key, Lease lease, long currentTime, long currentDuration) {
                        return remainingNanos(lease);
                    }

                    @Override
                    public long expireAfterRead(Key key, Lease lease, long currentTime, long currentDuration) {
                        return currentDuration;
                    }

                    private long remainingNanos(Lease lease) {
                        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, lease.deadline() - clock.millis()));
                    }
                })
                .removalListener((Key key, Lease lease, RemovalCause cause) -> {
                    if (cause == RemovalCause.EXPIRED && lease != null) {
                        onDue.accept(lease);
                    }
                })
                .build();
    }

    void start(Lease lease) {
        timers.put(new Key(lease.lane(), lease.offset()), lease);
    }

    void cancel(Lease lease) {
        timers.asMap().remove(new Key(lease.lane(), lease.offset()), lease);
    }
}
