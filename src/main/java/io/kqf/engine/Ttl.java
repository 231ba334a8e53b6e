package io.kqf.engine;

import java.nio.charset.StandardCharsets;

/**
 * A message's time to live, carried as a record header so every node (and a plain Kafka producer)
 * can set and read it: the epoch ms after which the message is hidden and never delivered.
 */
public final class Ttl {
    /** The header holding the expiry, decimal epoch ms. */
    public static final String HEADER = "kqf-expires";

    private Ttl() {
    }

    public static byte[] headerValue(long expiresAtMillis) {
        return Long.toString(expiresAtMillis).getBytes(StandardCharsets.US_ASCII);
    }

    /** The expiry of a message, or 0 when it has none (or an unreadable one: then it never expires). */
    public static long expiresAt(Message message) {
        for (Message.Header header : message.headers()) {
            if (HEADER.equals(header.name()) && header.value() != null) {
                try {
                    return Long.parseLong(new String(header.value(), StandardCharsets.US_ASCII).trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    public static boolean expired(Message message, long nowMillis) {
        long at = expiresAt(message);
        return at > 0 && at <= nowMillis;
    }
}
