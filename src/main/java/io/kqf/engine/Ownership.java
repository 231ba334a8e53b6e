package io.kqf.engine;

import java.util.Collection;

/**
 * The one place that answers "does this node serve this lane now, and if not, who does?".
 *
 * <p>A lane is served here once the consumer group assigned its partition to this node and the
 * poller restored it (committed offset, acked ranges, journaled leases). Until then — during a
 * rebalance, or while another node owns the partition — a request that needs the lane waits on the
 * queue's monitor for a bounded time and then answers UNAVAILABLE. Forwarding to the owner plugs
 * in at {@link #ownerOf}: today no node announces its partitions, so "not here" is always
 * {@link Owner.Pending}.
 */
final class Ownership {
    /** Who serves a lane. */
    sealed interface Owner {
        /** This node: its state is loaded here. */
        record Here() implements Owner {
        }

        /** Nobody known yet (unassigned, being restored, or another node that has not said so). */
        record Pending() implements Owner {
        }

        /** Another node serves it. */
        record Elsewhere(String node) implements Owner {
        }
    }

    private static final Owner HERE = new Owner.Here();
    private static final Owner PENDING = new Owner.Pending();

    Owner ownerOf(Lane lane) {
        return lane.loaded() ? HERE : PENDING;
    }

    boolean servedHere(Lane lane) {
        return ownerOf(lane) instanceof Owner.Here;
    }

    /**
     * Caller holds the queue's monitor: returns once this node serves every one of {@code lanes},
     * or throws UNAVAILABLE at {@code deadlineNanos}.
     */
    void awaitServedHere(QueueState queue, Collection<Lane> lanes, long deadlineNanos) {
        for (Lane lane : lanes) {
            while (!servedHere(lane)) {
                queue.awaitChange(deadlineNanos, "partition " + lane.tp + " of queue " + queue.name
                        + " is not served by this node yet");
            }
        }
    }
}
