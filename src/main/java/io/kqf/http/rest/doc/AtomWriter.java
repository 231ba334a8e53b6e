package io.kqf.http.rest.doc;

import javax.xml.stream.XMLStreamException;

/**
 * Atom (RFC 4287) and AtomPub service (RFC 5023 §8) documents, written with the JDK's StAX writer.
 * Every feed and entry has id, title, updated, an author (the feed's, or the entry's own when sent
 * alone) and a self link; the records' constructors guarantee what the writer cannot add itself.
 * Extension elements use {@code urn:kqf:atom:1} under the prefix {@code kqf}.
 */
public final class AtomWriter implements DocumentWriter {
    private static final String SCHEME = AtomOut.KQF;

    @Override
    public byte[] feed(Feed feed) {
        return AtomOut.document(out -> {
            out.startRoot("feed");
            out.element("id", feed.id());
            out.element("title", feed.title());
            out.date("updated", feed.updated());
            out.author();
            for (Link link : feed.links()) {
                out.link(link);
            }
            for (Entry entry : feed.entries()) {
                writeEntry(out, entry, /* standalone= */ false);
            }
            out.end();
        });
    }

    @Override
    public byte[] entry(Entry entry) {
        return AtomOut.document(out -> writeEntry(out, entry, /* standalone= */ true));
    }

    /** {@code app:service}, one workspace; titles are {@code atom:title}, as RFC 5023 §8.3 requires. */
    @Override
    public byte[] service(ServiceDocument service) {
        return AtomOut.document(out -> {
            out.xml.writeStartElement("", "service", AtomOut.APP);
            out.xml.writeDefaultNamespace(AtomOut.APP);
            out.xml.writeNamespace("atom", AtomOut.ATOM);
            out.xml.writeStartElement("", "workspace", AtomOut.APP);
            writeAtomTitle(out, ServiceDocument.WORKSPACE);
            for (ServiceDocument.Collection collection : service.collections()) {
                out.xml.writeStartElement("", "collection", AtomOut.APP);
                out.attribute("href", collection.href());
                writeAtomTitle(out, collection.title());
                out.end();
            }
            out.end();
            out.end();
        });
    }

    private static void writeAtomTitle(AtomOut out, String title) throws XMLStreamException {
        out.xml.writeStartElement("atom", "title", AtomOut.ATOM);
        out.text(title);
        out.end();
    }

    private static void writeEntry(AtomOut out, Entry entry, boolean standalone) throws XMLStreamException {
        if (standalone) {
            out.startRoot("entry");
        } else {
            out.start("entry");
        }
        out.element("id", entry.id());
        out.element("title", entry.title());
        out.date("updated", entry.updated());
        if (standalone) {
            out.author();
        }
        for (Link link : entry.links()) {
            out.link(link);
        }
        if (entry instanceof MessageEntry message) {
            AtomMessage.write(out, message);
        } else if (entry instanceof ListingEntry listing) {
            writeListing(out, listing);
        } else if (entry instanceof SubscriptionEntry subscription) {
            writeSubscription(out, subscription);
        }
        out.end();
    }

    /** One category per role: a name that is a queue and a category gets both terms. */
    private static void writeListing(AtomOut out, ListingEntry listing) throws XMLStreamException {
        if (listing.isQueue()) {
            writeCategory(out, "queue");
        }
        if (listing.isCategory()) {
            writeCategory(out, "category");
        }
        if (listing.pending() != null) {
            out.kqf("pending", listing.pending().toString());
        }
    }

    private static void writeCategory(AtomOut out, String term) throws XMLStreamException {
        out.start("category");
        out.attribute("term", term);
        out.attribute("scheme", SCHEME);
        out.end();
    }

    private static void writeSubscription(AtomOut out, SubscriptionEntry subscription) throws XMLStreamException {
        out.kqf("destination", subscription.destination());
        if (subscription.selector() != null) {
            out.kqf("selector", subscription.selector());
        }
        out.kqf("prefetch", Integer.toString(subscription.prefetch()));
        out.kqf("timeout", Integer.toString(subscription.timeoutSeconds()));
        out.kqf("ackTimeout", Integer.toString(subscription.ackTimeoutSeconds()));
        out.kqf("maxDeliveries", Integer.toString(subscription.maxDeliveries()));
        out.kqf("expires", subscription.expires());
    }
}
