package io.kqf.http.rest;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import io.kqf.engine.QueueEngine;
import io.kqf.engine.StoredAt;
import io.kqf.engine.dedup.Claim;
import io.kqf.engine.dedup.DedupRegistry;
import io.kqf.engine.dedup.PublishTokens;
import io.kqf.http.HttpFailure;

/**
 * A publish under an idempotency key: a client's {@code ?guid=} / {@code Idempotency-Key}, or the
 * nonce of a publish token (the double-request publish). Stored once within the dedup window; a
 * repeat answers where the first went (200), a repeat with other content 409. The two kinds share
 * the registry without colliding: a guid never contains ':', and token keys start {@code token:}.
 */
final class IdempotentPublish {
    private static final Pattern GUID = Pattern.compile("[A-Za-z0-9._~-]{1,128}");
    private static final String TOKEN_KEY_PREFIX = "token:";

    /** Where the message is, and whether this request stored it (201) or found it (200). */
    record Outcome(StoredAt at, boolean fresh) {
    }

    /** A verified idempotency key, and how to name it in a refusal. */
    record Key(String registryKey, String described) {
    }

    private final QueueEngine engine;
    private final DedupRegistry dedup;
    private final PublishTokens tokens;

    IdempotentPublish(QueueEngine engine, DedupRegistry dedup, PublishTokens tokens) {
        this.engine = engine;
        this.dedup = dedup;
        this.tokens = tokens;
    }

    static Key guid(String guid) {
        if (!GUID.matcher(guid).matches()) {
            throw new HttpFailure(400, "guid must be 1-128 characters of [A-Za-z0-9._~-]");
        }
        return new Key(guid, "guid " + guid);
    }

    /** A new publish token for {@code engineQueue} (nothing is stored: the queue is not created). */
    String mint(String engineQueue) {
        return tokens.mint(engineQueue);
    }

    /** The key of a token minted for {@code engineQueue}: BAD_REQUEST when forged, expired or another queue's. */
    Key token(String token, String engineQueue) {
        return new Key(TOKEN_KEY_PREFIX + tokens.verify(token, engineQueue).nonce(), "this publish token");
    }

    CompletableFuture<Outcome> publish(String engineQueue, Key key, String contentType, byte[] recordKey, byte[] body,
                                       Map<String, byte[]> headers) {
        byte[] fingerprint = DedupRegistry.fingerprint(contentType == null ? "" : contentType, body);
        return dedup.claim(engineQueue, key.registryKey(), fingerprint).thenCompose(claim -> {
            if (claim instanceof Claim.Duplicate duplicate) {
                if (!duplicate.sameContent()) {
                    throw new HttpFailure(409, key.described() + " was published with another body or Content-Type");
                }
                return CompletableFuture.completedFuture(new Outcome(duplicate.storedAt(), false));
            }
            Claim.Fresh fresh = (Claim.Fresh) claim;
            // The message carries its key: how another node, or this one after a crash, finds it.
            Map<String, byte[]> keyed = new LinkedHashMap<>(headers);
            keyed.put(DedupRegistry.KEY_HEADER, key.registryKey().getBytes(StandardCharsets.UTF_8));
            CompletableFuture<StoredAt> stored;
            try {
                stored = engine.put(engineQueue, 0, recordKey, body, keyed);
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
