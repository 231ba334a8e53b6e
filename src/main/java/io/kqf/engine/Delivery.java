package io.kqf.engine;

/**
 * An item handed out by a get.
 *
 * @param token the ack token when the delivery was not auto-acknowledged, else null
 */
public record Delivery(byte[] body, AckToken token, int deliveryCount) {
}
