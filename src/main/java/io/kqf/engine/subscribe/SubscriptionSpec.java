package io.kqf.engine.subscribe;

import java.time.Duration;

import io.kqf.engine.EngineException;
import io.kqf.engine.select.DestinationPattern;

/**
 * What a client asked for when it subscribed: which queues, how many leases at once, how long the
 * subscription and each message lease last without news from the client, and how many deliveries
 * a message gets before it goes to its dead-letter queue.
 *
 * @param selector the selector text, null for none (every message)
 */
public record SubscriptionSpec(DestinationPattern destination, String selector, int prefetch, Duration timeout,
                               Duration ackTimeout, int maxDeliveries) {
    public static final int MAX_PREFETCH = 1000;
    public static final Duration MAX_TIMEOUT = Duration.ofDays(1);

    public SubscriptionSpec {
        require(prefetch >= 1 && prefetch <= MAX_PREFETCH, "prefetch must be 1.." + MAX_PREFETCH);
        require(!timeout.isNegative() && !timeout.isZero() && timeout.compareTo(MAX_TIMEOUT) <= 0,
                "timeout must be 1.." + MAX_TIMEOUT.toSeconds() + " seconds");
        require(!ackTimeout.isNegative() && !ackTimeout.isZero() && ackTimeout.compareTo(MAX_TIMEOUT) <= 0,
                "ackTimeout must be 1.." + MAX_TIMEOUT.toSeconds() + " seconds");
        require(maxDeliveries >= 1 && maxDeliveries <= 1000, "maxDeliveries must be 1..1000");
        if (selector != null && selector.isBlank()) {
            selector = null;
        }
    }

    private static void require(boolean rule, String reason) {
        if (!rule) {
            throw new EngineException(EngineException.Reason.BAD_REQUEST, reason);
        }
    }
}
