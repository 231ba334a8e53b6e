package io.kqf.http.rest.doc;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A queue or category in a listing ({@code GET /queues}, a category's children). A name that is
 * both gets both roles. It has no content, so RFC 4287 §4.1.2 requires its {@code alternate} link
 * (to the queue or category itself).
 *
 * @param title   the last segment of the name
 * @param pending the queue's pending count, or null when unknown or not a queue
 */
public record ListingEntry(String id, String title, Instant updated, boolean isQueue, boolean isCategory,
                           Long pending, List<Link> links) implements Entry {
    public ListingEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(updated, "updated");
        if (!isQueue && !isCategory) {
            throw new IllegalArgumentException("a listing entry is a queue, a category or both");
        }
        links = Links.require(links, "a listing entry", Links.SELF, Links.ALTERNATE);
    }
}
