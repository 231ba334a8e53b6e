package io.kqf.engine;

import java.time.Duration;

/**
 * How a delivery is settled.
 *
 * @param autoAck true: acknowledged (and committed) before the delivery is answered, never
 *                delivered again; false: leased to {@code holder}
 * @param holder  who may settle the lease ({@link #ANY_HOLDER}: any client of the queue)
 * @param leaseFor the lease's duration; null: the queue's timeout, followed when it changes
 */
public record DeliveryMode(boolean autoAck, String holder, Duration leaseFor) {
    /** The holder of a lease any client of the queue may settle (the token is the only credential). */
    public static final String ANY_HOLDER = "";
    private static final DeliveryMode AUTO_ACK = new DeliveryMode(true, ANY_HOLDER, null);
    private static final DeliveryMode QUEUE_LEASE = new DeliveryMode(false, ANY_HOLDER, null);

    public DeliveryMode {
        if (holder == null) {
            throw new IllegalArgumentException("holder is null");
        }
        if (leaseFor != null && (leaseFor.isNegative() || leaseFor.isZero())) {
            throw new IllegalArgumentException("a lease lasts a positive time");
        }
    }

    public static DeliveryMode autoAcked() {
        return AUTO_ACK;
    }

    /** A lease anyone may ack, due after the queue's timeout (hustmq's {@code ack=false}). */
    public static DeliveryMode queueLease() {
        return QUEUE_LEASE;
    }

    /** A lease only {@code holder} may settle, for {@code duration} unless renewed. */
    public static DeliveryMode leaseTo(String holder, Duration duration) {
        return new DeliveryMode(false, holder, duration);
    }
}
