package io.kqf.engine;

/**
 * Names one delivery of a record: its lane, partition and offset, and which delivery attempt it
 * was. Offsets are never reused, so the first three name the record for the queue's whole life;
 * the attempt tells a stale token (an earlier delivery of a redelivered record) from the current
 * one. Each front end spells tokens its own way.
 *
 * @param attempt 1 for the first delivery, or {@link #ANY_ATTEMPT}: whichever delivery is current
 *                (hustmq lets the first holder ack a redelivered item with its old token)
 */
public record AckToken(int priority, int partition, long offset, int attempt) {
    public static final int ANY_ATTEMPT = 0;

    public AckToken {
        if (priority < 0 || partition < 0 || offset < 0 || attempt < 0) {
            throw new IllegalArgumentException("negative part in ack token");
        }
    }

    /** True when this token may settle {@code lease}: the same record, and its current attempt unless any will do. */
    boolean names(Lease lease) {
        return attempt == ANY_ATTEMPT || attempt == lease.attempt();
    }
}
