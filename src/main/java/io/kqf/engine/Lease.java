package io.kqf.engine;

/**
 * One outstanding delivery of a record: who holds it and until when. Immutable; renewing or
 * redelivering makes a new value. A lease is the only state of a delivered, unacknowledged record:
 * while it exists its offset is neither ready nor acked (see {@link Lane}).
 *
 * <p>Deadlines are wall-clock epoch ms of the engine's {@link java.time.Clock}: they are journaled
 * and honoured after a restart. A lease that {@code followsQueueTimeout} (hustmq's) is due at
 * hand-out + the queue's timeout, so changing the timeout re-times it; any other lease keeps its
 * own deadline until renewed or released.
 *
 * @param attempt delivery attempt of the record, 1 for the first
 * @param holder  who may settle it: {@link #ANYONE} (any client of the queue) or a subscription id
 */
record Lease(Lane lane, long offset, int attempt, String holder, long handedOutAt, long deadline,
             boolean followsQueueTimeout) {
    static final String ANYONE = DeliveryMode.ANY_HOLDER;

    Lease {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1");
        }
    }

    AckToken token() {
        return new AckToken(lane.priority, lane.tp.partition(), offset, attempt);
    }

    boolean dueAt(long nowMillis) {
        return deadline <= nowMillis;
    }

    /** The same delivery with a new deadline (renew, release, a queue timeout change). */
    Lease until(long newDeadline) {
        return new Lease(lane, offset, attempt, holder, handedOutAt, newDeadline, followsQueueTimeout);
    }

    /** The next delivery of the same record. */
    Lease redelivered(String newHolder, long now, long newDeadline, boolean follows) {
        return new Lease(lane, offset, attempt + 1, newHolder, now, newDeadline, follows);
    }

    /** Identity is the record and attempt; deadlines change. */
    boolean sameDelivery(Lease other) {
        return other != null && other.lane == lane && other.offset == offset && other.attempt == attempt;
    }
}
