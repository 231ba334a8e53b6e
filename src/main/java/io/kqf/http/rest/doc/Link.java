package io.kqf.http.rest.doc;

import java.util.Objects;

/**
 * A typed link of a feed or an entry (RFC 4287 §4.2.7), also sent as an RFC 8288 {@code Link}
 * header. {@code href} is written as given: the routes decide whether it is absolute.
 *
 * @param rel  a registered relation ({@code self}, {@code edit}, {@code next}, …)
 * @param type the media type of the target, or null when it says nothing useful
 */
public record Link(String rel, String href, String type) {
    public Link {
        if (rel == null || rel.isBlank()) {
            throw new IllegalArgumentException("a link needs a rel");
        }
        Objects.requireNonNull(href, "href");
    }

    public static Link of(String rel, String href) {
        return new Link(rel, href, null);
    }
}
