package io.kqf.engine;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The attributes of a queue kept in the compacted {@code _kqf.meta} topic.
 *
 * @param created        creation time, Unix seconds
 * @param timeoutMinutes redelivery timeout of unacked deliveries
 * @param base0          lane-0 offset at creation or last lane-0 purge: hustmq's ci counts from here
 * @param pushBase       push queues: idx = offset + pushBase + 1
 * @param lastPub        push queues: time of the last pub (Unix seconds), 0 before
 * @param lanes          bit p set when the topic of priority lane p exists
 */
public record QueueMeta(QueueType type, boolean locked, int max, int timeoutMinutes, long created, long base0,
                        long pushBase, long lastPub, int lanes) {

    static QueueMeta plain(int timeoutMinutes, long nowSeconds, long base0) {
        return new QueueMeta(QueueType.PLAIN, false, 0, timeoutMinutes, nowSeconds, base0, 0, 0, 1);
    }

    QueueMeta withLocked(boolean value) {
        return new QueueMeta(type, value, max, timeoutMinutes, created, base0, pushBase, lastPub, lanes);
    }

    QueueMeta withMax(int value) {
        return new QueueMeta(type, locked, value, timeoutMinutes, created, base0, pushBase, lastPub, lanes);
    }

    QueueMeta withTimeout(int minutes) {
        return new QueueMeta(type, locked, max, minutes, created, base0, pushBase, lastPub, lanes);
    }

    QueueMeta withBase0(long value) {
        return new QueueMeta(type, locked, max, timeoutMinutes, created, value, pushBase, lastPub, lanes);
    }

    QueueMeta withPush(long base, long lastPubSeconds) {
        return new QueueMeta(type, locked, max, timeoutMinutes, created, base0, base, lastPubSeconds, lanes);
    }

    QueueMeta withLane(int priority) {
        return new QueueMeta(type, locked, max, timeoutMinutes, created, base0, pushBase, lastPub, lanes | (1 << priority));
    }

    QueueMeta withLanesOf(int mask) {
        return new QueueMeta(type, locked, max, timeoutMinutes, created, base0, pushBase, lastPub, lanes | mask);
    }

    boolean hasLane(int priority) {
        return (lanes & (1 << priority)) != 0;
    }

    /** Compact text form: {@code type=0;lock=0;max=0;timeout=5;created=...;base0=0;pushBase=0;lastPub=0;lanes=1}. */
    byte[] encode() {
        String text = "type=" + type.code() + ";lock=" + (locked ? 1 : 0) + ";max=" + max + ";timeout=" + timeoutMinutes
                + ";created=" + created + ";base0=" + base0 + ";pushBase=" + pushBase + ";lastPub=" + lastPub + ";lanes=" + lanes;
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static QueueMeta decode(byte[] value) {
        Map<String, Long> fields = new HashMap<>();
        for (String pair : new String(value, StandardCharsets.UTF_8).split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
            }
        }
        return new QueueMeta(QueueType.ofCode(fields.getOrDefault("type", 0L).intValue()),
                fields.getOrDefault("lock", 0L) == 1, fields.getOrDefault("max", 0L).intValue(),
                fields.getOrDefault("timeout", 5L).intValue(), fields.getOrDefault("created", 0L),
                fields.getOrDefault("base0", 0L), fields.getOrDefault("pushBase", 0L),
                fields.getOrDefault("lastPub", 0L), fields.getOrDefault("lanes", 1L).intValue());
    }
}
