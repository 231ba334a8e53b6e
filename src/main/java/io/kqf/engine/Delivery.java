package io.kqf.engine;

/**
 * A record handed out by a get.
 *
 * @param token    names this delivery for ack, renew and release; null when it was auto-acknowledged
 * @param attempt  how many times the record has been delivered, this time included
 * @param deadline epoch ms the lease ends at (0 when auto-acknowledged)
 */
public record Delivery(String queue, int priority, int partition, Message message, AckToken token, int attempt,
                       long deadline) {
    public byte[] body() {
        return message.body();
    }
}
