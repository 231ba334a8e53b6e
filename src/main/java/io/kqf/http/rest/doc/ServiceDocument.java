package io.kqf.http.rest.doc;

import java.util.List;
import java.util.Objects;

/** The AtomPub service document of {@code GET /} (RFC 5023 §8): one workspace and its collections. */
public record ServiceDocument(List<Collection> collections) {
    /** The title of the only workspace. */
    public static final String WORKSPACE = "kqf";

    public ServiceDocument {
        collections = List.copyOf(collections);
    }

    /** A collection a client can GET (and POST to), e.g. {@code ("Queues", "/queues")}. */
    public record Collection(String title, String href) {
        public Collection {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(href, "href");
        }
    }
}
