package io.kqf.http.rest.doc;

import java.util.List;

/** The checks every document's constructor makes on its links, so a bad document fails where it is built. */
final class Links {
    static final String SELF = "self";
    static final String ALTERNATE = "alternate";
    static final String EDIT = "edit";
    static final String EDIT_MEDIA = "edit-media";

    private Links() {
    }

    /** The first link with this rel, or null. */
    static String href(List<Link> links, String rel) {
        for (Link link : links) {
            if (link.rel().equals(rel)) {
                return link.href();
            }
        }
        return null;
    }

    /** An immutable copy that has a link of each of {@code required} rels, else a message naming {@code what}. */
    static List<Link> require(List<Link> links, String what, String... required) {
        List<Link> copy = List.copyOf(links);
        for (String rel : required) {
            if (href(copy, rel) == null) {
                throw new IllegalArgumentException(what + " needs a link rel=\"" + rel + "\"");
            }
        }
        return copy;
    }
}
