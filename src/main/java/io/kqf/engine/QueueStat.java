package io.kqf.engine;

/** A queue's status as hustmq's stat reports it (§1.2 of the hustmq contract). */
public record QueueStat(String queue, QueueType type, long[] ready, int max, boolean locked, long si, long ci,
                        long tm, long unacked, int timeout) {
}
