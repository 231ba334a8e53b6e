package io.kqf.engine.dedup;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.kqf.engine.StoredAt;

/** The answer to "may I publish this (queue, key)?": either it was published already, or go ahead. */
public sealed interface Claim permits Claim.Duplicate, Claim.Fresh {

    /**
     * Published within the window.
     *
     * @param storedAt where the first publish was stored
     * @param sameContent whether it had the fingerprint of this claim (false: a client reused a key
     *                    for another message, a conflict)
     */
    record Duplicate(StoredAt storedAt, boolean sameContent) implements Claim {
    }

    /**
     * Not published within the window. The holder publishes the message, with the key in the
     * header {@link DedupRegistry#KEY_HEADER}, while the registry writes the claim's reservation,
     * then reports exactly once, {@link #stored} or {@link #abandoned}. Until then other claims of
     * the key on this node wait, so the holder must report on every path.
     */
    final class Fresh implements Claim {
        private final AtomicBoolean settled = new AtomicBoolean();
        private final CompletableFuture<Void> reserved;
        private final Function<StoredAt, CompletableFuture<Void>> onStored;
        private final Runnable onAbandoned;

        Fresh(CompletableFuture<Void> reserved, Function<StoredAt, CompletableFuture<Void>> onStored,
              Runnable onAbandoned) {
            this.reserved = reserved;
            this.onStored = onStored;
            this.onAbandoned = onAbandoned;
        }

        /** Completes when the reservation is in Kafka (acks=all); fails when it could not be written. */
        CompletableFuture<Void> reserved() {
            return reserved;
        }

        /**
         * The message was published at {@code at}. Completes when the claim is in Kafka (acks=all):
         * its reservation, or, if that failed, an entry with the place written now. Fails with
         * {@code EngineException} UNAVAILABLE when neither could be written (the claim is then
         * released, as if abandoned). Answer the publish only once this completed.
         *
         * @throws IllegalStateException if this claim was already reported
         */
        public CompletableFuture<Void> stored(StoredAt at) {
            if (!settled.compareAndSet(false, true)) {
                throw new IllegalStateException("this claim was already reported");
            }
            return onStored.apply(at);
        }

        /** The publish failed: the next claim of the key may be fresh. A no-op once reported, so it is safe in a finally. */
        public void abandoned() {
            if (settled.compareAndSet(false, true)) {
                onAbandoned.run();
            }
        }
    }
}
