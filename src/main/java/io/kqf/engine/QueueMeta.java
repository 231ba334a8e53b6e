package io.kqf.engine;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The attributes of a queue kept in the compacted {@code _kqf.meta} topic.
 *
 * @param created        creation time, Unix seconds
 * @param timeoutMinutes redelivery timeout of unacked deliveries
 * @param base0          lane-0 end offset at creation or at the last lane-0 purge: the queue's put
 *                       counter starts there
 * @param pushBase       push queues: idx = offset + pushBase + 1
 * @param lastPub        push queues: time of the last pub (Unix seconds), 0 before
 * @param lanes          bit p set when the topic of priority lane p exists
 * @param pushFloor      push queues: offset of the oldest item still in the window
 */
public record QueueMeta(QueueType type, boolean locked, int max, int timeoutMinutes, long created, long base0,
                        long pushBase, long lastPub, int lanes, long pushFloor) {

    static QueueMeta plain(int timeoutMinutes, long nowSeconds, long base0) {
        return new QueueMeta(QueueType.PLAIN, false, 0, timeoutMinutes, nowSeconds, base0, 0, 0, 1, 0);
    }

    QueueMeta withLocked(boolean value) {
        return new QueueMeta(type, value, max, timeoutMinutes, created, base0, pushBase, lastPub, lanes, pushFloor);
    }

    QueueMeta withMax(int value) {
        return new QueueMeta(type, locked, value, timeoutMinutes, created, base0, pushBase, lastPub, lanes, pushFloor);
    }

    QueueMeta withTimeout(int minutes) {
        return new QueueMeta(type, locked, max, minutes, created, base0, pushBase, lastPub, lanes, pushFloor);
    }

    QueueMeta withBase0(long value) {
        return new QueueMeta(type, locked, max, timeoutMinutes, created, value, pushBase, lastPub, lanes, pushFloor);
    }

    /** A new push queue whose window starts empty at {@code endOffset} (so its first item gets index 1). */
    static QueueMeta push(int timeoutMinutes, long nowSeconds, long endOffset) {
        return new QueueMeta(QueueType.PUSH, false, 0, timeoutMinutes, nowSeconds, 0,
                Math.floorMod(-endOffset, PushWindow.C), 0, 1, endOffset);
    }

    QueueMeta withWindow(long base, long floor) {
        return new QueueMeta(type, locked, max, timeoutMinutes, created, base0, base, lastPub, lanes, floor);
    }

    QueueMeta withLane(int priority) {
        return new QueueMeta(type, locked, max, timeoutMinutes, created, base0, pushBase, lastPub, lanes | (1 << priority), pushFloor);
    }

    QueueMeta withLanesOf(int mask) {
        return new QueueMeta(type, locked, max, timeoutMinutes, created, base0, pushBase, lastPub, lanes | mask, pushFloor);
    }

    boolean hasLane(int priority) {
        return (lanes & (1 << priority)) != 0;
    }

    /** The priorities whose lane topic exists, ascending. */
    java.util.List<Integer> priorities() {
        java.util.List<Integer> all = new java.util.ArrayList<>();
        for (int p = 0; p < Integer.SIZE - 1; p++) {
            if (hasLane(p)) {
                all.add(p);
            }
        }
        return all;
    }

    /** Compact text form: {@code type=0;lock=0;max=0;timeout=5;created=...;base0=0;pushBase=0;lastPub=0;lanes=1}. */
    byte[] encode() {
        String text = "type=" + type.code() + ";lock=" + (locked ? 1 : 0) + ";max=" + max + ";timeout=" + timeoutMinutes
                + ";created=" + created + ";base0=" + base0 + ";pushBase=" + pushBase + ";lastPub=" + lastPub + ";lanes=" + lanes + ";pushFloor=" + pushFloor;
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
                fields.getOrDefault("lastPub", 0L), fields.getOrDefault("lanes", 1L).intValue(), fields.getOrDefault("pushFloor", 0L));
    }
}
