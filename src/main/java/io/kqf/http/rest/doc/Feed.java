package io.kqf.http.rest.doc;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An Atom feed: a queue's pending messages, a subscription's leases, or a listing of queues. The
 * writers give it the author {@link #AUTHOR}, so its entries need none of their own.
 *
 * @param links includes {@code self}; paging links ({@code next}, {@code first}) and
 *              {@code subsection} as the routes decide
 */
public record Feed(String id, String title, Instant updated, List<Link> links, List<Entry> entries) {
    /** The author of every feed and of every entry sent on its own (RFC 4287 requires one). */
    public static final String AUTHOR = "kqf";

    public Feed {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(updated, "updated");
        links = Links.require(links, "a feed", Links.SELF);
        entries = List.copyOf(entries);
    }
}
