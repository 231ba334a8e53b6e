package io.kqf.http.rest.doc;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One stored message, as browsed ({@code deliveryCount} and {@code leaseExpires} null) or as
 * leased to a subscription. The writers add the {@code edit-media} link themselves, from
 * {@code bodyHref}, typed with the stored content type; {@code links} therefore must not carry one.
 *
 * <p>Bodies larger than {@link #INLINE_LIMIT} are never inlined: the document points at
 * {@code bodyHref} instead. The byte arrays are copied in and out, so the record stays immutable.
 *
 * @param title       {@code {p}-{o}} (the routes choose; the writers do not parse it)
 * @param updated     the record's timestamp
 * @param queue       the queue it was stored in (wildcard subscriptions mix queues)
 * @param key         the record key, or null
 * @param contentType as stored; null means {@code application/octet-stream}
 * @param bodyHref    the raw body's URL (the {@code edit-media} target)
 * @param links       {@code self} (the browse URI) and, for leases, {@code edit} (the ack URI)
 */
public record MessageEntry(String id, String title, Instant updated, String queue, int priority, int partition,
                           long offset, byte[] key, List<Header> headers, String contentType, byte[] body,
                           String bodyHref, Integer deliveryCount, Instant leaseExpires, List<Link> links)
        implements Entry {
    /** Bodies above this many bytes are referenced, not inlined: a feed of 500 large messages stays small. */
    public static final int INLINE_LIMIT = 64 * 1024;
    static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    public MessageEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(updated, "updated");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(bodyHref, "bodyHref");
        key = key == null ? null : key.clone();
        headers = List.copyOf(headers);
        contentType = contentType == null || contentType.isBlank() ? DEFAULT_CONTENT_TYPE : contentType;
        body = body.clone();
        links = Links.require(links, "a message entry", Links.SELF);
        if (Links.href(links, Links.EDIT_MEDIA) != null) {
            throw new IllegalArgumentException("a message entry's edit-media link is written from bodyHref");
        }
    }

    @Override
    public byte[] key() {
        return key == null ? null : key.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body's length, without copying it. */
    public int bodySize() {
        return body.length;
    }

    /** True when the body goes out as a reference to {@code bodyHref} rather than inline. */
    public boolean bodyIsReferenced() {
        return body.length > INLINE_LIMIT;
    }

    /** A Kafka record header; repeated names are kept, in record order. */
    public record Header(String name, String value) {
        public Header {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }
}
