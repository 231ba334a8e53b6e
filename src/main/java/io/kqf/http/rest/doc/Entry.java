package io.kqf.http.rest.doc;

import java.time.Instant;
import java.util.List;

/**
 * What both writers need of every Atom entry (RFC 4287 §4.1.2). Each kind carries front-end data
 * only, so the writers never see engine types.
 */
public sealed interface Entry permits MessageEntry, ListingEntry, SubscriptionEntry {
    /** A stable IRI, the same on every node (e.g. {@code tag:kqf,2026:msg/q/0/17}). */
    String id();

    String title();

    Instant updated();

    /** Includes {@code rel="self"}: every constructor rejects an entry without one. */
    List<Link> links();
}
