package io.kqf.http.rest.doc;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * One Atom document being written: Atom elements in the default namespace, extensions under the
 * {@code kqf} prefix, both declared on the root. Every name is written with its prefix spelled out,
 * so a foreign XML body copied into {@code atom:content} cannot change what later elements mean.
 *
 * <p>Labels (titles, selectors, attribute values) pass through {@link XmlText#legal}: a control
 * character in a client's selector must not make the whole feed unreadable.
 */
final class AtomOut {
    static final String ATOM = "http://www.w3.org/2005/Atom";
    static final String APP = "http://www.w3.org/2007/app";
    static final String KQF = "urn:kqf:atom:1";
    static final String KQF_PREFIX = "kqf";
    private static final String ATOM_PREFIX = "";

    /** Writes one document's elements. */
    interface Body {
        void write(AtomOut out) throws XMLStreamException;
    }

    /**
     * One factory for every document: finding and building it cost more than a small entry's
     * writing. The JDK's factory, configured once and never changed, creates a new writer per call.
     */
    private static final XMLOutputFactory OUTPUT = XMLOutputFactory.newDefaultFactory();

    final XMLStreamWriter xml;

    private AtomOut(XMLStreamWriter xml) {
        this.xml = xml;
    }

    /** A UTF-8 document with an XML declaration, the elements {@code body} writes, and nothing else. */
    static byte[] document(Body body) {
        TextBuffer text = new TextBuffer();
        try {
            // The JDK's own writer: XmlText relies on its writeEntityRef writing the reference verbatim.
            // It writes a character at a time: into a plain buffer, not a (synchronized) byte stream,
            // which cost three quarters of a browse page's CPU.
            XMLStreamWriter xml = OUTPUT.createXMLStreamWriter(text);
            xml.writeStartDocument(StandardCharsets.UTF_8.name(), "1.0");
            body.write(new AtomOut(xml));
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            // Writing to memory has no I/O to fail: this is a bug in a writer.
            throw new IllegalStateException("could not write an Atom document", e);
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The document element: declares the Atom and kqf namespaces for everything inside. */
    void startRoot(String local) throws XMLStreamException {
        start(local);
        xml.writeDefaultNamespace(ATOM);
        xml.writeNamespace(KQF_PREFIX, KQF);
    }

    void start(String local) throws XMLStreamException {
        xml.writeStartElement(ATOM_PREFIX, local, ATOM);
    }

    void startKqf(String local) throws XMLStreamException {
        xml.writeStartElement(KQF_PREFIX, local, KQF);
    }

    void end() throws XMLStreamException {
        xml.writeEndElement();
    }

    void attribute(String name, String value) throws XMLStreamException {
        xml.writeAttribute(name, XmlText.legal(value));
    }

    /** Element text, exactly as given once forbidden characters are replaced. */
    void text(String text) throws XMLStreamException {
        XmlText.write(xml, XmlText.legal(text));
    }

    void element(String local, String text) throws XMLStreamException {
        start(local);
        text(text);
        end();
    }

    void kqf(String local, String text) throws XMLStreamException {
        startKqf(local);
        text(text);
        end();
    }

    void kqf(String local, Instant time) throws XMLStreamException {
        kqf(local, rfc3339(time));
    }

    void date(String local, Instant time) throws XMLStreamException {
        element(local, rfc3339(time));
    }

    void author() throws XMLStreamException {
        start("author");
        element("name", Feed.AUTHOR);
        end();
    }

    void link(Link link) throws XMLStreamException {
        start("link");
        attribute("rel", link.rel());
        attribute("href", link.href());
        if (link.type() != null) {
            attribute("type", link.type());
        }
        end();
    }

    /** UTC with a {@code Z}, fractions only when present: an RFC 3339 date-time (RFC 4287 §3.3). */
    static String rfc3339(Instant time) {
        return DateTimeFormatter.ISO_INSTANT.format(time);
    }
}
