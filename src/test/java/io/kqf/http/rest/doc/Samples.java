package io.kqf.http.rest.doc;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** Documents the writer tests share, and a namespace-aware look at what was written. */
final class Samples {
    static final Instant STORED = Instant.parse("2026-12-02T18:00:00.123Z");
    static final Instant LEASE_ENDS = Instant.parse("2026-12-02T18:01:00Z");
    static final String QUEUE = "uk.products.books";
    static final String BROWSE = "/queues/uk/products/books/messages/0-17";
    static final String ACK = "/subscriptions/s1/messages/m-0-17-2";
    static final String KQF = "urn:kqf:atom:1";
    static final String ATOM = "http://www.w3.org/2005/Atom";

    private Samples() {
    }

    /** A leased message: key, three headers (one name twice), delivered twice. */
    static MessageEntry leased(String contentType, byte[] body) {
        return new MessageEntry("tag:kqf,2026:msg/uk.products.books/0/17", "0-17", STORED, QUEUE, 1, 0, 17L,
                "isbn-1".getBytes(StandardCharsets.UTF_8),
                List.of(new MessageEntry.Header("origin", "shop"), new MessageEntry.Header("tag", "a"),
                        new MessageEntry.Header("tag", "b")),
                contentType, body, BROWSE + "/body", 2, LEASE_ENDS, List.of(Link.of("self", BROWSE), Link.of("edit", ACK)));
    }

    static MessageEntry leased(String contentType, String body) {
        return leased(contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A browsed message: no key, no headers, no lease. */
    static MessageEntry browsed(String contentType, byte[] body) {
        return new MessageEntry("tag:kqf,2026:msg/uk.products.books/0/18", "0-18", STORED, QUEUE, 0, 0, 18L, null,
                List.of(), contentType, body, "/queues/uk/products/books/messages/0-18/body", null, null,
                List.of(Link.of("self", "/queues/uk/products/books/messages/0-18")));
    }

    static Feed feed(List<? extends Entry> entries) {
        return new Feed("tag:kqf,2026:queue/uk.products.books", "uk.products.books", STORED,
                List.of(Link.of("self", "/queues/uk/products/books"), Link.of("next", "/queues/uk/products/books?cursor=c1")),
                new ArrayList<>(entries));
    }

    static ListingEntry listing(String name, boolean queue, boolean category, Long pending) {
        return new ListingEntry("tag:kqf,2026:name/" + name, name, STORED, queue, category, pending,
                List.of(Link.of("self", "/queues/" + name), new Link("alternate", "/queues/" + name,
                        "application/atom+xml;type=feed")));
    }

    static SubscriptionEntry subscription(String selector) {
        return new SubscriptionEntry("tag:kqf,2026:sub/s1", "s1", "uk.products.>", selector, 5, 300, 60, 10,
                LEASE_ENDS, STORED, List.of(Link.of("self", "/subscriptions/s1"),
                new Link("alternate", "/subscriptions/s1", "application/atom+xml;type=feed")));
    }

    static Element parse(byte[] xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
            factory.setNamespaceAware(true);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml)).getDocumentElement();
        } catch (Exception e) {
            throw new AssertionError("not well-formed: " + e + "\n" + new String(xml, StandardCharsets.UTF_8), e);
        }
    }

    /** The child elements of {@code parent} named {namespace}local (null: no namespace), in document order. */
    static List<Element> children(Element parent, String namespace, String local) {
        List<Element> found = new ArrayList<>();
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && Objects.equals(namespace, element.getNamespaceURI())
                    && local.equals(element.getLocalName())) {
                found.add(element);
            }
        }
        return found;
    }

    static Element child(Element parent, String namespace, String local) {
        List<Element> found = children(parent, namespace, local);
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " {" + namespace + "}" + local + " in " + parent.getTagName());
        }
        return found.get(0);
    }

    /** The only child element, whatever its name (the body inside atom:content). */
    static Element onlyElement(Element parent) {
        Element only = null;
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element) {
                if (only != null) {
                    throw new AssertionError("more than one child element in " + parent.getTagName());
                }
                only = element;
            }
        }
        if (only == null) {
            throw new AssertionError("no child element in " + parent.getTagName());
        }
        return only;
    }
}
