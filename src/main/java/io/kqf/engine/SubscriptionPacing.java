package io.kqf.engine;

import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The topics the poller should subscribe to, handed over at most once per {@link #SPACING_NANOS}.
 * Every subscription change rebalances the group, and a rebalance costs each member and the
 * coordinator time in proportion to all the topics subscribed: a burst of new queues
 * re-subscribing one by one grew quadratically. Changes closer together are applied as one; a
 * lone new queue is still subscribed at once. Requested from any thread, taken by the poller's.
 */
final class SubscriptionPacing {
    static final long SPACING_NANOS = 250_000_000L;

    private final AtomicReference<Set<String>> wanted = new AtomicReference<>(Set.of());
    private final AtomicBoolean changed = new AtomicBoolean();
    private long lastTaken = System.nanoTime() - SPACING_NANOS; // the poller's thread only

    /** The topics wanted from now on (applied by the next {@link #takeDue}). */
    void request(Set<String> topics) {
        wanted.set(Set.copyOf(topics));
        changed.set(true);
    }

    /** The topics to subscribe to now, or null when nothing changed or the last change was too recent. */
    Set<String> takeDue() {
        if (System.nanoTime() - lastTaken < SPACING_NANOS || !changed.getAndSet(false)) {
            return null;
        }
        lastTaken = System.nanoTime();
        return wanted.get();
    }

    /** How long the poller may block before a change is due: {@code idleNanos} when none waits. */
    long nanosUntilDue(long idleNanos) {
        return changed.get() ? Math.max(0, SPACING_NANOS - (System.nanoTime() - lastTaken)) : idleNanos;
    }
}
