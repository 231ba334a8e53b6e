package io.kqf.engine.dedup;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.kqf.engine.EngineException;

/**
 * Tokens of the double-request publish: the first request gets a token, the second stores the
 * message under it, and every repeat of the second finds it stored. Any node verifies a token
 * another node minted, because they all sign with the one {@link TokenSecret}; nothing is stored
 * when a token is minted.
 *
 * <p>Layout before Base64url (no padding), so the token fits in a URL path segment:
 * {@code version(1) nonce(16) expiresAt(8, epoch ms) queue(UTF-8) hmac(32)}, the HMAC-SHA256
 * covering everything before it. The queue is inside the token so a token cannot be replayed on
 * another queue; the nonce is the dedup key the caller claims with.
 */
public final class PublishTokens {
    /** How long a token stays valid: the dedup window, so a token outlives no registry entry. */
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 16;
    private static final int MAC_BYTES = 32;
    private static final int HEADER_BYTES = 1 + NONCE_BYTES + Long.BYTES;
    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    /** What a valid token says. @param nonce the token's unique part, URL-safe; @param expiresAt epoch ms */
    public record Verified(String nonce, long expiresAt) {
    }

    private final SecretKeySpec key;
    private final Duration window;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** Tokens valid for {@link #DEFAULT_WINDOW}. */
    public PublishTokens(TokenSecret secret, Clock clock) {
        this(secret, DEFAULT_WINDOW, clock);
    }

    /** @param window how long a token stays valid: the dedup window of the registry it is claimed in */
    public PublishTokens(TokenSecret secret, Duration window, Clock clock) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("token window must be positive: " + window);
        }
        this.key = new SecretKeySpec(secret.key(), ALGORITHM);
        this.window = window;
        this.clock = clock;
    }

    /** A new token for publishing one message to {@code queue}, valid for the window from now. */
    public String mint(String queue) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] name = queue.getBytes(StandardCharsets.UTF_8);
        ByteBuffer token = ByteBuffer.allocate(HEADER_BYTES + name.length + MAC_BYTES);
        token.put(VERSION).put(nonce).putLong(clock.millis() + window.toMillis()).put(name);
        token.put(sign(token.array(), HEADER_BYTES + name.length));
        return ENCODER.encodeToString(token.array());
    }

    /**
     * The token's nonce and expiry, if it was minted by a node sharing our secret, for this queue,
     * and has not expired.
     *
     * @throws EngineException BAD_REQUEST with a one-line reason otherwise
     */
    public Verified verify(String token, String queue) {
        byte[] raw = decode(token);
        int signedLength = raw.length - MAC_BYTES;
        byte[] expected = sign(raw, signedLength);
        // Constant time: a byte-by-byte early exit would let a client find a valid MAC by timing.
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(raw, signedLength, raw.length))) {
            throw refused("publish token is forged or damaged");
        }
        ByteBuffer fields = ByteBuffer.wrap(raw, 0, signedLength);
        if (fields.get() != VERSION) {
            throw refused("publish token has an unknown version");
        }
        byte[] nonce = new byte[NONCE_BYTES];
        fields.get(nonce);
        long expiresAt = fields.getLong();
        String minted = new String(raw, HEADER_BYTES, signedLength - HEADER_BYTES, StandardCharsets.UTF_8);
        if (!minted.equals(queue)) {
            throw refused("publish token was issued for another queue");
        }
        if (clock.millis() >= expiresAt) {
            throw refused("publish token has expired");
        }
        return new Verified(ENCODER.encodeToString(nonce), expiresAt);
    }

    private static byte[] decode(String token) {
        if (token == null || token.isEmpty()) {
            throw refused("publish token is missing");
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw refused("publish token is malformed");
        }
        if (raw.length < HEADER_BYTES + MAC_BYTES) {
            throw refused("publish token is malformed");
        }
        return raw;
    }

    private byte[] sign(byte[] bytes, int length) {
        try {
            // A Mac is not thread-safe; getting one per call costs microseconds, a pool is not worth it.
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(bytes, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java 17 runtime provides " + ALGORITHM, e);
        }
    }

    private static EngineException refused(String reason) {
        return new EngineException(EngineException.Reason.BAD_REQUEST, reason);
    }
}
