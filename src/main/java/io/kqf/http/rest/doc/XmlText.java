package io.kqf.http.rest.doc;

import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Text as XML 1.0 can carry it. Two traps the stream writer leaves open: characters XML forbids
 * (most C0 controls, lone surrogates, U+FFFE/U+FFFF) would make the whole document unreadable, and
 * a raw carriage return is turned into a line feed by every parser (XML 1.0 §2.11), so a CRLF body
 * would come back altered. Carriage returns therefore go out as {@code &#13;}.
 */
final class XmlText {
    private static final String CARRIAGE_RETURN_REF = "#13";
    private static final char REPLACEMENT = '\uFFFD';

    private XmlText() {
    }

    /** True when every character may appear in an XML 1.0 document. */
    static boolean isLegal(String text) {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (!isLegal(c)) {
                return false;
            }
            i += Character.charCount(c);
        }
        return true;
    }

    /** The text with each forbidden character replaced by U+FFFD, for labels that must be written somehow. */
    static String legal(String text) {
        if (isLegal(text)) {
            return text;
        }
        StringBuilder legal = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (isLegal(c)) {
                legal.appendCodePoint(c);
            } else {
                legal.append(REPLACEMENT);
            }
            i += Character.charCount(c);
        }
        return legal.toString();
    }

    /** Writes legal text so that a parser reads back exactly these characters, carriage returns included. */
    static void write(XMLStreamWriter out, String text) throws XMLStreamException {
        int start = 0;
        for (int cr = text.indexOf('\r'); cr >= 0; cr = text.indexOf('\r', start)) {
            out.writeCharacters(text.substring(start, cr));
            out.writeEntityRef(CARRIAGE_RETURN_REF);
            start = cr + 1;
        }
        out.writeCharacters(text.substring(start));
    }

    /** XML 1.0 §2.2 Char. A lone surrogate comes out of codePointAt as itself, so it fails here too. */
    private static boolean isLegal(int c) {
        return c == 0x9 || c == 0xA || c == 0xD || c >= 0x20 && c <= 0xD7FF || c >= 0xE000 && c <= 0xFFFD
                || c >= 0x10000 && c <= 0x10FFFF;
    }
}
