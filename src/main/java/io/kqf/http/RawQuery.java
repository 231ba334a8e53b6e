package io.kqf.http;

import java.util.HashMap;
import java.util.Map;

/**
 * Query parameters exactly as they appear in the request URI: no percent-decoding (a hustmq
 * item {@code %41} stays the three characters {@code %41}, {@code +} stays {@code +}), exact key
 * match, the first occurrence of a repeated key wins, {@code key=} is empty and a bare {@code key}
 * without '=' is absent.
 */
public final class RawQuery {
    private final String raw;
    private final Map<String, String> first = new HashMap<>();

    private RawQuery(String raw) {
        this.raw = raw == null ? "" : raw;
        for (String pair : this.raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                first.putIfAbsent(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
    }

    public static RawQuery of(String queryString) {
        return new RawQuery(queryString);
    }

    /** The raw value, or null when absent. */
    public String get(String key) {
        return first.get(key);
    }

    /** The raw value; BadRequest when absent or empty. */
    public String require(String key) {
        String value = first.get(key);
        if (value == null || value.isEmpty()) {
            throw new HttpFailure(400, key + " is missing");
        }
        return value;
    }

    /** The query string as received. */
    public String raw() {
        return raw;
    }
}
