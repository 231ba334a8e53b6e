package io.kqf.http.rest;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import io.kqf.engine.QueueEngine;
import io.kqf.engine.StoredAt;
import io.kqf.engine.dedup.Claim;
import io.kqf.engine.dedup.DedupRegistry;
import io.kqf.http.HttpFailure;

/**
 * A publish with a client key ({@code ?guid=} or {@code Idempotency-Key}): stored once within the
 * dedup window; a repeat answers where the first went (200), a repeat with other content 409.
 */
final class GuidPublish {
    private static final Pattern GUID = Pattern.compile("[A-Za-z0-9._~-]{1,128}");

    /** Where the message is, and whether this request stored it (201) or found it (200). */
    record Outcome(StoredAt at, boolean fresh) {
    }

    private final QueueEngine engine;
    private final DedupRegistry dedup;

    GuidPublish(QueueEngine engine, DedupRegistry dedup) {
        this.engine = engine;
        this.dedup = dedup;
    }

    static String validGuid(String guid) {
        if (!GUID.matcher(guid).matches()) {
            throw new HttpFailure(400, "guid must be 1-128 characters of [A-Za-z0-9._~-]");
        }
        return guid;
    }

    CompletableFuture<Outcome> publish(String engineQueue, String guid, String contentType, byte[] key, byte[] body,
                                       Map<String, byte[]> headers) {
        byte[] fingerprint = DedupRegistry.fingerprint(contentType == null ? "" : contentType, body);
        return dedup.claim(engineQueue, guid, fingerprint).thenCompose(claim -> {
            if (claim instanceof Claim.Duplicate duplicate) {
                if (!duplicate.sameContent()) {
                    throw new HttpFailure(409, "guid " + guid + " was published with another body or Content-Type");
                }
                return CompletableFuture.completedFuture(new Outcome(duplicate.storedAt(), false));
            }
            Claim.Fresh fresh = (Claim.Fresh) claim;
            CompletableFuture<StoredAt> stored;
            try {
                stored = engine.put(engineQueue, 0, key, body, headers);
            } catch (RuntimeException e) {
                fresh.abandoned();
                throw e;
            }
            return stored.whenComplete((at, error) -> {
                if (error != null) {
                    fresh.abandoned();
                }
            }).thenCompose(at -> fresh.stored(at).thenApply(v -> new Outcome(at, true)));
        });
    }
}
