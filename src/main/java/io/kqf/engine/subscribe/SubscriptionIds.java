package io.kqf.engine.subscribe;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import io.kqf.engine.select.DestinationPattern;

/**
 * Subscription ids: 128 random bits, then the subscription's home, so any node can tell where it
 * is served. {@code <bits>.q.<queue>} for a subscription to one queue (served wherever that queue
 * is, so it moves with it), {@code <bits>.n.<node>} for a wildcard one (served by the node that
 * made it); both names base64url. Ids made before homes existed are {@code <bits>.<node>}.
 */
public final class SubscriptionIds {
    private static final String QUEUE_HOME = "q";
    private static final String NODE_HOME = "n";

    private final SecureRandom random = new SecureRandom();
    private final String nodeTag;

    SubscriptionIds(String nodeId) {
        this.nodeTag = tag(nodeId);
    }

    /** A new id for a subscription to {@code destination}, made on this node. */
    String next(DestinationPattern destination) {
        byte[] bits = new byte[16];
        random.nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits)
                + (destination.isWildcard() ? "." + NODE_HOME + "." + nodeTag : "." + QUEUE_HOME + "." + tag(destination.text()));
    }

    /** The queue an id names as its home (REST spelling, as its destination); empty for a wildcard or a foreign id. */
    public static Optional<String> queueOf(String id) {
        String[] parts = id == null ? new String[0] : id.split("\\.", -1);
        return parts.length == 3 && parts[1].equals(QUEUE_HOME) ? decoded(parts[2]) : Optional.empty();
    }

    /** The node a wildcard subscription's id names as the one that serves it; empty otherwise. */
    public static Optional<String> nodeOf(String id) {
        String[] parts = id == null ? new String[0] : id.split("\\.", -1);
        if (parts.length == 2) {
            return decoded(parts[1]); // made before subscriptions had homes
        }
        return parts.length == 3 && parts[1].equals(NODE_HOME) ? decoded(parts[2]) : Optional.empty();
    }

    private static Optional<String> decoded(String tag) {
        try {
            return Optional.of(new String(Base64.getUrlDecoder().decode(tag), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String tag(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
