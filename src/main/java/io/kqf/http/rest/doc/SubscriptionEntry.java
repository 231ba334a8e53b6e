package io.kqf.http.rest.doc;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A subscription (a lease on a destination) as answered by create and renew. It has no content, so
 * RFC 4287 §4.1.2 requires an {@code alternate} link: the feed of its leased messages, which JSON
 * calls {@code messages}.
 *
 * @param sid         the unguessable subscription id (names the title)
 * @param destination a queue name, wildcards allowed
 * @param selector    the JMS selector, or null
 * @param expires     when the subscription lapses unless used
 */
public record SubscriptionEntry(String id, String sid, String destination, String selector, int prefetch,
                                int timeoutSeconds, int ackTimeoutSeconds, int maxDeliveries, Instant expires,
                                Instant updated, List<Link> links) implements Entry {
    public SubscriptionEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sid, "sid");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(updated, "updated");
        links = Links.require(links, "a subscription entry", Links.SELF, Links.ALTERNATE);
    }

    @Override
    public String title() {
        return "subscription " + sid;
    }
}
