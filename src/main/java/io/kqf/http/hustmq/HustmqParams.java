package io.kqf.http.hustmq;

import io.kqf.http.HttpFailure;
import io.kqf.http.RawQuery;

/** hustmq's parameter rules (hustmq-api.md §0.2, §0.5), made strict where the original was lenient. */
final class HustmqParams {
    private static final int WORKER_MIN = 5;
    private static final int WORKER_MAX = 32;

    private HustmqParams() {
    }

    /** {@code priori}: absent means 0; otherwise exactly 0, 1 or 2. */
    static int priority(RawQuery query, boolean required) {
        String value = query.get("priori");
        if (value == null && !required) {
            return 0;
        }
        if (value == null || value.isEmpty()) {
            throw new HttpFailure(400, "priori is missing");
        }
        if (!value.equals("0") && !value.equals("1") && !value.equals("2")) {
            throw new HttpFailure(400, "priori must be 0, 1 or 2");
        }
        return value.charAt(0) - '0';
    }

    /** The worker name of a get: 5-32 bytes. */
    static String worker(RawQuery query) {
        String worker = query.require("worker");
        int length = worker.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (length < WORKER_MIN || length > WORKER_MAX) {
            throw new HttpFailure(400, "worker must be 5-32 bytes");
        }
        return worker;
    }

    /** get's {@code ack}: absent, true and 1 auto-acknowledge; false, 0 and anything else lease. */
    static boolean autoAck(RawQuery query) {
        String value = query.get("ack");
        return value == null || value.equals("true") || value.equals("1");
    }

    /** A non-negative decimal number of at most {@code maxDigits} digits, without sign or garbage. */
    static long digits(RawQuery query, String key, int maxDigits) {
        String value = query.require(key);
        if (value.length() > maxDigits || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new HttpFailure(400, key + " must be a decimal number");
        }
        return Long.parseLong(value);
    }

    /**
     * ack's {@code peer}: the node index the original routed by. One logical backend is index 0;
     * like {@code strtoull}, a value that does not start with a digit means 0.
     */
    static void peer(RawQuery query) {
        String value = query.require("peer");
        int start = value.charAt(0) == '+' || value.charAt(0) == '-' ? 1 : 0;
        int end = start;
        while (end < value.length() && Character.isDigit(value.charAt(end))) {
            end++;
        }
        // strtoull: a '-' wraps a non-zero number to a huge one, so only a zero magnitude means backend 0.
        boolean nonZero = !value.substring(start, end).replaceFirst("^0+", "").isEmpty();
        if (nonZero) {
            throw new HttpFailure(400, "peer " + value + " names no backend (this facade is peer 0)");
        }
    }

    /**
     * The item of put/pub: the body if non-empty, else the raw {@code item} parameter.
     *
     * @param missingStatus what the original answers without one (put 400, pub 404)
     */
    static byte[] item(byte[] body, RawQuery query, int missingStatus) {
        if (body != null && body.length > 0) {
            return body;
        }
        String item = query.get("item");
        if (item == null || item.isEmpty()) {
            throw new HttpFailure(missingStatus, "item is missing (send it as the body or as item=)");
        }
        return item.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
