package io.kqf.http.rest.doc;

import static io.kqf.http.rest.doc.Samples.ATOM;
import static io.kqf.http.rest.doc.Samples.KQF;
import static io.kqf.http.rest.doc.Samples.child;
import static io.kqf.http.rest.doc.Samples.children;
import static io.kqf.http.rest.doc.Samples.onlyElement;
import static io.kqf.http.rest.doc.Samples.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import com.rometools.rome.feed.atom.Content;
import com.rometools.rome.feed.atom.Entry;
import io.kqf.support.AtomCheck;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** Atom documents as restful-queue.md §2 and §7 describe them, read back by ROME and by DOM. */
class AtomWriterTest {
    private static final byte[] NOT_UTF8 = {(byte) 0xC3, (byte) 0x28, 'a'};
    private final AtomWriter atom = new AtomWriter();

    @Test
    void feedOfEveryContentKind_isValidAtom_andEachBodyTakesItsForm() {
        byte[] large = new byte[MessageEntry.INLINE_LIMIT + 1];
        Arrays.fill(large, (byte) 'x');
        com.rometools.rome.feed.atom.Feed feed = AtomCheck.feed(atom.feed(Samples.feed(List.of(
                Samples.leased("text/plain", "hello\r\nworld"),
                Samples.leased("text/csv", "a,b\r\n1,2\r\n"),
                Samples.leased("application/xml", "<order id=\"7\"><isbn>0131103628</isbn></order>"),
                Samples.leased("application/json", "{\"isbn\":\"0131103628\"}"),
                Samples.browsed("image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0}),
                Samples.browsed("text/plain", large),
                Samples.browsed(null, "raw".getBytes(StandardCharsets.UTF_8))))));

        List<Entry> entries = feed.getEntries();
        assertContent(entries.get(0), "text", "hello\r\nworld");
        assertNull(entries.get(0).getSummary(), "inline text needs no summary");
        assertContent(entries.get(1), "text/csv", "a,b\r\n1,2\r\n");
        assertEquals("application/xml", content(entries.get(2)).getType());
        assertNull(entries.get(2).getSummary());
        assertBase64(entries.get(3), "application/json", "{\"isbn\":\"0131103628\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals("application/json, 21 bytes", entries.get(3).getSummary().getValue());
        assertBase64(entries.get(4), "image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0});
        Content referenced = content(entries.get(5));
        assertEquals("/queues/uk/products/books/messages/0-18/body", referenced.getSrc());
        assertEquals("text/plain", referenced.getType());
        assertEquals("text/plain, " + large.length + " bytes", entries.get(5).getSummary().getValue());
        assertBase64(entries.get(6), "application/octet-stream", "raw".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void xmlBody_isInlinedAsTheChildElement_outsideTheAtomNamespace() {
        byte[] xml = atom.entry(Samples.leased("application/vnd.shop+xml; charset=utf-8",
                "<?xml version=\"1.0\"?><!-- a comment --><order id=\"7\"><p:isbn xmlns:p=\"urn:isbn\">0131103628</p:isbn>"
                        + "<note>a &amp; b&#13;\n</note></order>"));
        AtomCheck.entry(xml);

        Element content = child(parse(xml), ATOM, "content");
        Element order = onlyElement(content);
        assertEquals("order", order.getLocalName());
        assertNull(order.getNamespaceURI(), "the body's root must not inherit the Atom namespace");
        assertEquals("7", order.getAttribute("id"));
        assertEquals("0131103628", child(order, "urn:isbn", "isbn").getTextContent());
        assertEquals("a & b\r\n", child(order, null, "note").getTextContent());
    }

    @Test
    void xmlBodyThatIsNotWellFormed_orHasADoctype_goesAsBase64() {
        String doctype = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>";
        for (String body : List.of("<order><open></order>", doctype, "")) {
            Entry entry = AtomCheck.entry(atom.entry(Samples.leased("application/xml", body)));
            assertBase64(entry, "application/octet-stream", body.getBytes(StandardCharsets.UTF_8));
            assertTrue(entry.getSummary().getValue().startsWith("application/xml, "), entry.getSummary().getValue());
        }
    }

    @Test
    void textThatIsNotUtf8_orDeclaresAnotherCharset_orHoldsControlCharacters_goesAsBase64() {
        byte[] latin1 = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        byte[] utf8InLatin1 = "caf\u00e9".getBytes(StandardCharsets.UTF_8);
        byte[] control = "bell\u0007".getBytes(StandardCharsets.UTF_8);
        assertBase64(AtomCheck.entry(atom.entry(Samples.leased("text/plain", NOT_UTF8))), "application/octet-stream", NOT_UTF8);
        assertBase64(AtomCheck.entry(atom.entry(Samples.leased("text/plain", latin1))), "application/octet-stream", latin1);
        assertBase64(AtomCheck.entry(atom.entry(Samples.leased("text/plain; charset=ISO-8859-1", utf8InLatin1))),
                "application/octet-stream", utf8InLatin1);
        assertBase64(AtomCheck.entry(atom.entry(Samples.leased("text/plain", control))), "application/octet-stream", control);
        assertContent(AtomCheck.entry(atom.entry(Samples.leased("text/plain;charset=utf-8", utf8InLatin1))), "text",
                "caf\u00e9");
    }

    @Test
    void messageEntry_carriesLinksAndExtensionElements() {
        byte[] xml = atom.entry(Samples.leased("application/json", "{}"));
        AtomCheck.entry(xml);
        Element entry = parse(xml);

        assertEquals(List.of("self=" + Samples.BROWSE, "edit=" + Samples.ACK, "edit-media=" + Samples.BROWSE + "/body"),
                children(entry, ATOM, "link").stream().map(l -> l.getAttribute("rel") + "=" + l.getAttribute("href")).toList());
        assertEquals("application/json", children(entry, ATOM, "link").get(2).getAttribute("type"));
        assertEquals(Samples.QUEUE, child(entry, KQF, "destination").getTextContent());
        assertEquals("1", child(entry, KQF, "priority").getTextContent());
        assertEquals("isbn-1", child(entry, KQF, "key").getTextContent());
        assertEquals("", child(entry, KQF, "key").getAttribute("encoding"));
        assertEquals(List.of("origin=shop", "tag=a", "tag=b"), children(entry, KQF, "header").stream()
                .map(h -> h.getAttribute("name") + "=" + h.getTextContent()).toList());
        assertEquals("2", child(entry, KQF, "deliveryCount").getTextContent());
        assertEquals("2026-12-02T18:01:00Z", child(entry, KQF, "leaseExpires").getTextContent());
        assertEquals("2026-12-02T18:00:00.123Z", child(entry, ATOM, "updated").getTextContent());
        assertEquals("kqf", child(child(entry, ATOM, "author"), ATOM, "name").getTextContent());
    }

    @Test
    void browsedMessage_hasNoLeaseElements_andAFeedEntryNoAuthorOfItsOwn() {
        Element feed = parse(atom.feed(Samples.feed(List.of(Samples.browsed("text/plain", new byte[0])))));
        Element entry = child(feed, ATOM, "entry");
        assertTrue(children(entry, KQF, "deliveryCount").isEmpty());
        assertTrue(children(entry, KQF, "leaseExpires").isEmpty());
        assertTrue(children(entry, KQF, "key").isEmpty());
        assertTrue(children(entry, ATOM, "author").isEmpty(), "the feed's author covers its entries");
        assertEquals("kqf", child(child(feed, ATOM, "author"), ATOM, "name").getTextContent());
    }

    @Test
    void binaryKey_andHeaderValueXmlCannotCarry_areBase64WithAnEncodingAttribute() {
        MessageEntry sample = Samples.leased("text/plain", "x");
        MessageEntry binary = new MessageEntry(sample.id(), sample.title(), sample.updated(), sample.queue(), 0, 0, 17L,
                NOT_UTF8, List.of(new MessageEntry.Header("trace", "a\u0000b")), "text/plain",
                "x".getBytes(StandardCharsets.UTF_8), sample.bodyHref(), null, null, sample.links());
        Element entry = parse(atom.entry(binary));

        Element key = child(entry, KQF, "key");
        assertEquals("base64", key.getAttribute("encoding"));
        assertArrayEquals(NOT_UTF8, Base64.getDecoder().decode(key.getTextContent()));
        Element header = child(entry, KQF, "header");
        assertEquals("base64", header.getAttribute("encoding"));
        assertEquals("a\u0000b", new String(Base64.getDecoder().decode(header.getTextContent()), StandardCharsets.UTF_8));
    }

    @Test
    void listingEntries_carryOneCategoryPerRole_andPending() {
        byte[] xml = atom.feed(Samples.feed(List.of(Samples.listing("uk", false, true, null),
                Samples.listing("orders", true, true, 42L))));
        AtomCheck.feed(xml);
        List<Element> entries = children(parse(xml), ATOM, "entry");

        assertEquals(List.of("category"), terms(entries.get(0)));
        assertTrue(children(entries.get(0), KQF, "pending").isEmpty());
        assertEquals(List.of("queue", "category"), terms(entries.get(1)));
        assertEquals("42", child(entries.get(1), KQF, "pending").getTextContent());
        assertEquals(KQF, children(entries.get(1), ATOM, "category").get(0).getAttribute("scheme"));
    }

    @Test
    void subscriptionEntry_carriesItsSettings_andSurvivesAControlCharacterInItsSelector() {
        byte[] xml = atom.entry(Samples.subscription("colour = 'red\u0001'"));
        AtomCheck.entry(xml);
        Element entry = parse(xml);

        assertEquals("subscription s1", child(entry, ATOM, "title").getTextContent());
        assertEquals("uk.products.>", child(entry, KQF, "destination").getTextContent());
        assertEquals("colour = 'red\uFFFD'", child(entry, KQF, "selector").getTextContent());
        assertEquals("5", child(entry, KQF, "prefetch").getTextContent());
        assertEquals("300", child(entry, KQF, "timeout").getTextContent());
        assertEquals("60", child(entry, KQF, "ackTimeout").getTextContent());
        assertEquals("10", child(entry, KQF, "maxDeliveries").getTextContent());
        assertEquals("2026-12-02T18:01:00Z", child(entry, KQF, "expires").getTextContent());
        assertTrue(children(parse(atom.entry(Samples.subscription(null))), KQF, "selector").isEmpty());
    }

    @Test
    void serviceDocument_isAtomPub_withAtomTitles() {
        String app = "http://www.w3.org/2007/app";
        Element service = parse(atom.service(new ServiceDocument(List.of(
                new ServiceDocument.Collection("Queues", "/queues"),
                new ServiceDocument.Collection("Subscriptions", "/subscriptions")))));

        assertEquals(app, service.getNamespaceURI());
        assertEquals("service", service.getLocalName());
        Element workspace = child(service, app, "workspace");
        assertEquals("kqf", child(workspace, ATOM, "title").getTextContent());
        List<Element> collections = children(workspace, app, "collection");
        assertEquals(List.of("/queues=Queues", "/subscriptions=Subscriptions"), collections.stream()
                .map(c -> c.getAttribute("href") + "=" + child(c, ATOM, "title").getTextContent()).toList());
    }

    @Test
    void documentsMissingWhatRfc4287Requires_cannotBeBuilt() {
        assertThrows(IllegalArgumentException.class, () -> new Feed("id", "t", Samples.STORED,
                List.of(Link.of("next", "/n")), List.of()));
        MessageEntry m = Samples.browsed("text/plain", new byte[0]);
        assertThrows(IllegalArgumentException.class, () -> new MessageEntry(m.id(), m.title(), m.updated(), m.queue(),
                0, 0, 18L, null, List.of(), null, new byte[0], m.bodyHref(), null, null,
                List.of(Link.of("self", "/s"), Link.of("edit-media", "/b"))));
        assertThrows(IllegalArgumentException.class, () -> new ListingEntry("id", "uk", Samples.STORED, true, false,
                null, List.of(Link.of("self", "/queues/uk"))));
        assertThrows(IllegalArgumentException.class, () -> new ListingEntry("id", "uk", Samples.STORED, false, false,
                null, Samples.listing("uk", true, false, null).links()));
    }

    private static List<String> terms(Element entry) {
        return children(entry, ATOM, "category").stream().map(c -> c.getAttribute("term")).toList();
    }

    private static Content content(Entry entry) {
        assertEquals(1, entry.getContents().size(), "one content in " + entry.getId());
        return entry.getContents().get(0);
    }

    private static void assertContent(Entry entry, String type, String value) {
        assertEquals(type, content(entry).getType());
        assertEquals(value, content(entry).getValue());
    }

    private static void assertBase64(Entry entry, String type, byte[] body) {
        assertEquals(type, content(entry).getType());
        assertArrayEquals(body, Base64.getDecoder().decode(content(entry).getValue()));
        assertTrue(entry.getSummary() != null && entry.getSummary().getValue().endsWith(body.length + " bytes"),
                "a Base64 body needs a summary naming its size");
    }
}
