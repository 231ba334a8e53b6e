package io.kqf.http.rest.doc;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import javax.xml.stream.XMLStreamException;

/**
 * A message entry's own elements: its body link, kqf extensions, and {@code content} by the rules
 * of RFC 4287 §4.1.3.3:
 * <ul>
 *   <li>XML types ({@code *}{@code /xml}, {@code *+xml}) inline as the child element;</li>
 *   <li>{@code text/*} inline as text ({@code type="text"} for {@code text/plain});</li>
 *   <li>everything else, JSON included, Base64 with a {@code summary};</li>
 *   <li>bodies over {@link MessageEntry#INLINE_LIMIT}: {@code content src} plus {@code summary}.</li>
 * </ul>
 * A text or XML body that cannot be inlined faithfully (not UTF-8, another charset, characters XML
 * forbids, not well-formed) goes as Base64 under {@code application/octet-stream}: a reader seeing
 * {@code text/*} or an XML type would take the Base64 for the body itself. The stored type stays on
 * the {@code edit-media} link and in the summary.
 */
final class AtomMessage {
    static final String BASE64 = "base64";

    private AtomMessage() {
    }

    static void write(AtomOut out, MessageEntry message) throws XMLStreamException {
        String type = atomType(message.contentType());
        out.link(new Link(Links.EDIT_MEDIA, message.bodyHref(), type));
        out.kqf("destination", message.queue());
        out.kqf("priority", Integer.toString(message.priority()));
        if (message.key() != null) {
            writeKey(out, message.key());
        }
        for (MessageEntry.Header header : message.headers()) {
            writeHeader(out, header);
        }
        if (message.deliveryCount() != null) {
            out.kqf("deliveryCount", message.deliveryCount().toString());
        }
        if (message.leaseExpires() != null) {
            out.kqf("leaseExpires", message.leaseExpires());
        }
        writeContent(out, message, type);
    }

    /** The content type as an Atom media type; a stored type that is not one (a client's typo) is octets. */
    static String atomType(String contentType) {
        return BodyText.isMediaType(contentType) ? contentType.trim() : MessageEntry.DEFAULT_CONTENT_TYPE;
    }

    private static void writeKey(AtomOut out, byte[] key) throws XMLStreamException {
        String text = BodyText.strictUtf8(key);
        out.startKqf("key");
        if (text != null && XmlText.isLegal(text)) {
            out.text(text);
        } else {
            out.attribute("encoding", BASE64);
            out.text(Base64.getEncoder().encodeToString(key));
        }
        out.end();
    }

    private static void writeHeader(AtomOut out, MessageEntry.Header header) throws XMLStreamException {
        out.startKqf("header");
        out.attribute("name", header.name());
        if (XmlText.isLegal(header.value())) {
            out.text(header.value());
        } else {
            out.attribute("encoding", BASE64);
            out.text(Base64.getEncoder().encodeToString(header.value().getBytes(StandardCharsets.UTF_8)));
        }
        out.end();
    }

    private static void writeContent(AtomOut out, MessageEntry message, String type) throws XMLStreamException {
        if (message.bodyIsReferenced()) {
            out.start("content");
            out.attribute("type", type);
            out.attribute("src", message.bodyHref());
            out.end();
            writeSummary(out, message);
            return;
        }
        byte[] body = message.body();
        if (BodyText.isXml(type)) {
            XmlBody xml = XmlBody.parse(body);
            if (xml != null) {
                out.start("content");
                out.attribute("type", type);
                xml.writeTo(out.xml);
                out.end();
                return;
            }
        } else if (BodyText.isText(type)) {
            String text = BodyText.decode(type, body);
            if (text != null && XmlText.isLegal(text)) {
                out.start("content");
                out.attribute("type", BodyText.isPlainText(type) ? "text" : type);
                out.text(text);
                out.end();
                return;
            }
        }
        boolean inlineType = BodyText.isXml(type) || BodyText.isText(type);
        out.start("content");
        out.attribute("type", inlineType ? MessageEntry.DEFAULT_CONTENT_TYPE : type);
        out.text(Base64.getEncoder().encodeToString(body));
        out.end();
        writeSummary(out, message);
    }

    /** RFC 4287 §4.1.2 requires a summary when content is Base64 or out of line. */
    private static void writeSummary(AtomOut out, MessageEntry message) throws XMLStreamException {
        out.element("summary", message.contentType() + ", " + message.bodySize() + " bytes");
    }
}
