package io.kqf.engine;

/**
 * An expected refusal of a queue operation. The front ends map each {@link Reason} to a status in
 * one place; the message is a one-line reason a client can read.
 */
public final class EngineException extends RuntimeException {
    /** Why an operation was refused; each front end decides what a reason means on the wire. */
    public enum Reason {
        /** A parameter is missing or malformed. */
        BAD_REQUEST,
        /** The queue does not exist (never created, or deleted by purge). */
        NO_SUCH_QUEUE,
        /** The queue exists with the other type (plain vs push). */
        WRONG_TYPE,
        /** The queue is locked against puts. */
        LOCKED,
        /** The queue holds {@code max} ready items. */
        FULL,
        /** An ack names no outstanding delivery of this queue (already acked, never issued). */
        NOT_OUTSTANDING,
        /** An ack, renew or release names an earlier delivery attempt of a record delivered again since. */
        STALE,
        /** The item existed but its time to live has passed. */
        EXPIRED,
        /** The name cannot become a queue now: Kafka refuses its topic (e.g. 'a.b' collides with 'a_b'). */
        CONFLICT,
        /** The item is larger than item.max.bytes. */
        TOO_LARGE,
        /** A capacity limit of the facade was reached (parked requests, queues). */
        CAPACITY,
        /** An RPC token names no outstanding task (never issued, already answered, or its caller timed out or left). */
        UNKNOWN_TASK,
        /** A subscription id names no subscription (never created, deleted, or forgotten after a restart). */
        NO_SUCH_SUBSCRIPTION,
        /** The subscription existed and expired: its leases went back to the queue. */
        SUBSCRIPTION_EXPIRED,
        /** Kafka cannot be reached or this node cannot serve the partition now. */
        UNAVAILABLE
    }

    private final Reason reason;

    public EngineException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    static EngineException badRequest(String message) {
        return new EngineException(Reason.BAD_REQUEST, message);
    }

    static EngineException noSuchQueue(String queue) {
        return new EngineException(Reason.NO_SUCH_QUEUE, "queue " + queue + " does not exist");
    }

    static EngineException unavailable(String message) {
        return new EngineException(Reason.UNAVAILABLE, message);
    }
}
