package io.kqf.engine.subscribe;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.kqf.engine.Delivery;
import io.kqf.engine.Message;
import io.kqf.engine.QueueEngine;
import io.kqf.engine.SelectorViews;

/**
 * Moves a leased message to its queue's dead-letter queue {@code DLQ.<queue>}: a copy with the
 * original coordinates in headers is written first (acks=all), then the lease is acked. A crash in
 * between leaves the message in both places (at-least-once), never in neither.
 */
final class DeadLetters {
    static final String PREFIX = "DLQ.";

    private final QueueEngine engine;

    DeadLetters(QueueEngine engine) {
        this.engine = engine;
    }

    static String queueOf(String queue) {
        return PREFIX + queue;
    }

    /** @param deliveries how many deliveries the message had (the receiving subscription's maxDeliveries, or fewer on release) */
    CompletableFuture<Void> move(Delivery delivery, String holder, int deliveries, String reason) {
        // A selector view's copy goes to its base queue's dead letters, under its original place.
        SelectorViews.Original original = SelectorViews.original(delivery);
        Message message = original.message();
        Map<String, byte[]> headers = new LinkedHashMap<>();
        for (Message.Header header : message.headers()) {
            if (!header.name().startsWith("kqf-dlq-")) {
                headers.put(header.name(), header.value());
            }
        }
        headers.put("kqf-dlq-queue", ascii(original.queue()));
        headers.put("kqf-dlq-priority", ascii(Integer.toString(original.priority())));
        headers.put("kqf-dlq-partition", ascii(Integer.toString(original.partition())));
        headers.put("kqf-dlq-offset", ascii(Long.toString(message.offset())));
        headers.put("kqf-dlq-delivery-count", ascii(Integer.toString(deliveries)));
        headers.put("kqf-dlq-reason", reason.getBytes(StandardCharsets.UTF_8));
        return engine.put(queueOf(original.queue()), 0, message.key(), message.body(), headers)
                .thenCompose(stored -> engine.ack(delivery.queue(), delivery.token(), holder));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
