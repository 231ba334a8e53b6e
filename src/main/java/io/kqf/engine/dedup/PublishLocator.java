package io.kqf.engine.dedup;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.kqf.engine.StoredAt;

/**
 * Finds where a message published under an idempotency key was stored, by the key it carries in
 * {@link DedupRegistry#KEY_HEADER}: the registry asks when it holds a claim's reservation but not
 * its place (the claiming node crashed between the two writes, or the second is on its way).
 */
public interface PublishLocator {
    /** Never finds anything: a registry without queues (tests) treats a lone reservation as abandoned. */
    PublishLocator NONE = (queue, key, claimedAt) -> CompletableFuture.completedFuture(Optional.empty());

    /**
     * @param claimedAt when the key was claimed (the claiming node's clock, which also stamped the message)
     * @return the message's place, or empty when no message of {@code queue} carries {@code key}
     *         from that time on
     */
    CompletableFuture<Optional<StoredAt>> locate(String queue, String key, long claimedAt);
}
