package io.kqf.http.rest.doc;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import javax.xml.stream.XMLEventReader;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import javax.xml.stream.events.Attribute;
import javax.xml.stream.events.Characters;
import javax.xml.stream.events.Comment;
import javax.xml.stream.events.Namespace;
import javax.xml.stream.events.ProcessingInstruction;
import javax.xml.stream.events.StartElement;
import javax.xml.stream.events.XMLEvent;

/**
 * An XML message body, parsed so it can go inline as the child element of {@code atom:content}
 * (RFC 4287 §4.1.3.3 item 3). The body is client data: DTDs are refused outright (no entity
 * expansion, no external fetches), and the whole body is parsed before anything is written, so a
 * body that is not well-formed falls back to Base64 instead of leaving half a document behind.
 *
 * <p>Only the root element's subtree is kept: comments and processing instructions around it
 * (and the XML declaration) belong to the document, not to the element RFC 4287 embeds. The raw
 * bytes stay available at the {@code edit-media} link.
 */
final class XmlBody {
    private final List<XMLEvent> rootElement;

    private XmlBody(List<XMLEvent> rootElement) {
        this.rootElement = rootElement;
    }

    /** The body's root element, or null when the bytes are not a well-formed XML document without a DTD. */
    static XmlBody parse(byte[] body) {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        List<XMLEvent> events = new ArrayList<>();
        int depth = 0;
        boolean rootSeen = false;
        try {
            XMLEventReader reader = factory.createXMLEventReader(new ByteArrayInputStream(body));
            while (reader.hasNext()) {
                XMLEvent event = reader.nextEvent();
                if (event.getEventType() == XMLEvent.DTD || event.isEntityReference()) {
                    return null;
                }
                if (event.isStartElement()) {
                    rootSeen = true;
                    depth++;
                }
                if (depth > 0) {
                    events.add(event);
                }
                if (event.isEndElement()) {
                    depth--;
                }
            }
            reader.close();
        } catch (XMLStreamException | RuntimeException e) {
            // Not well-formed (the JDK parser also throws unchecked exceptions on some bad input).
            return null;
        }
        return rootSeen ? new XmlBody(events) : null;
    }

    /** Writes the root element and its subtree, namespaces as declared in the body. */
    void writeTo(XMLStreamWriter out) throws XMLStreamException {
        boolean root = true;
        for (XMLEvent event : rootElement) {
            switch (event.getEventType()) {
                case XMLEvent.START_ELEMENT -> {
                    writeStart(out, event.asStartElement(), root);
                    root = false;
                }
                case XMLEvent.END_ELEMENT -> out.writeEndElement();
                case XMLEvent.CHARACTERS, XMLEvent.CDATA, XMLEvent.SPACE ->
                        XmlText.write(out, ((Characters) event).getData());
                case XMLEvent.COMMENT -> out.writeComment(((Comment) event).getText());
                case XMLEvent.PROCESSING_INSTRUCTION -> {
                    ProcessingInstruction pi = (ProcessingInstruction) event;
                    out.writeProcessingInstruction(pi.getTarget(), pi.getData() == null ? "" : pi.getData());
                }
                default -> {
                    // Nothing else occurs inside an element of a DTD-free document.
                }
            }
        }
    }

    private static void writeStart(XMLStreamWriter out, StartElement start, boolean root) throws XMLStreamException {
        String uri = start.getName().getNamespaceURI();
        out.writeStartElement(start.getName().getPrefix(), start.getName().getLocalPart(), uri);
        boolean declaresDefault = false;
        for (Iterator<Namespace> it = start.getNamespaces(); it.hasNext(); ) {
            Namespace ns = it.next();
            if (ns.isDefaultNamespaceDeclaration()) {
                declaresDefault = true;
                out.writeDefaultNamespace(ns.getNamespaceURI());
            } else {
                out.writeNamespace(ns.getPrefix(), ns.getNamespaceURI());
            }
        }
        if (root && !declaresDefault) {
            // Without this, an unqualified root would inherit the Atom default namespace around it.
            out.writeDefaultNamespace("");
        }
        for (Iterator<Attribute> it = start.getAttributes(); it.hasNext(); ) {
            Attribute attribute = it.next();
            String prefix = attribute.getName().getPrefix();
            if (prefix.isEmpty()) {
                out.writeAttribute(attribute.getName().getLocalPart(), attribute.getValue());
            } else {
                out.writeAttribute(prefix, attribute.getName().getNamespaceURI(), attribute.getName().getLocalPart(),
                        attribute.getValue());
            }
        }
    }
}
