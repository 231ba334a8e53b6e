package io.kqf.engine;

/**
 * One outstanding delivery: a record handed out without auto-ack, waiting for its ack until
 * {@code deadline} (epoch ms). Immutable except for the record body, which a lease recovered from
 * the journal only gets once the poller fetches its offset again.
 */
final class Lease {
    final Lane lane;
    final long offset;
    final long handedOutAt;
    final long deadline;
    final int deliveries;
    private volatile byte[] body;

    Lease(Lane lane, long offset, long handedOutAt, long deadline, int deliveries, byte[] body) {
        this.lane = lane;
        this.offset = offset;
        this.handedOutAt = handedOutAt;
        this.deadline = deadline;
        this.deliveries = deliveries;
        this.body = body;
    }

    AckToken token() {
        return new AckToken(lane.priority, lane.tp.partition(), offset);
    }

    byte[] body() {
        return body;
    }

    void attachBody(byte[] value) {
        if (body == null) {
            body = value;
        }
    }

    Lease withDeadline(long newDeadline) {
        return new Lease(lane, offset, handedOutAt, newDeadline, deliveries, body);
    }

    /** The same record handed out again, with the same token. */
    Lease redelivered(long now, long timeoutMillis) {
        return new Lease(lane, offset, now, now + timeoutMillis, deliveries + 1, body);
    }

    String journalKey() {
        return lane.tp.topic() + "/" + lane.tp.partition() + "/" + offset;
    }
}
