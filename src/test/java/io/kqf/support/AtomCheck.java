package io.kqf.support;

import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import com.rometools.rome.feed.WireFeed;
import com.rometools.rome.feed.atom.Content;
import com.rometools.rome.feed.atom.Entry;
import com.rometools.rome.feed.atom.Feed;
import com.rometools.rome.feed.atom.Link;
import com.rometools.rome.io.WireFeedInput;
import com.rometools.rome.io.impl.Atom10Parser;
import org.opentest4j.AssertionFailedError;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

/**
 * Reads an Atom document with ROME, an independent parser, and fails the test unless it has what
 * RFC 4287 requires (restful-queue.md §2, §7): every feed an id, a title, an RFC 3339
 * {@code updated}, an author (at feed level, or in every entry), a {@code link rel="self"}; every
 * entry an id, a title, an updated, a self link, and either content or an {@code alternate} link;
 * Base64 or out-of-line ({@code src}) content a summary, and Base64 that decodes. A single entry
 * needs its own author.
 *
 * <p>Every problem found is reported at once, each naming where it is (feed, entry index and id),
 * followed by the start of the document, so a failing integration test says what the server sent.
 */
public final class AtomCheck {
    public static final String ATOM_NS = "http://www.w3.org/2005/Atom";
    private static final int DOCUMENT_EXCERPT_CHARS = 4000;

    private AtomCheck() {
    }

    /** The feed, parsed; fails the calling test unless it is a valid RFC 4287 feed. */
    public static Feed feed(byte[] xml) {
        checkRoot(xml, "feed");
        WireFeed wire;
        try {
            WireFeedInput input = new WireFeedInput();
            // The healer would quietly repair what the server got wrong.
            input.setXmlHealerOn(false);
            wire = input.build(new InputSource(new ByteArrayInputStream(xml)));
        } catch (Exception e) {
            throw failure(xml, List.of("ROME cannot read the feed: " + e));
        }
        if (!(wire instanceof Feed feed) || !"atom_1.0".equals(wire.getFeedType())) {
            throw failure(xml, List.of("ROME reads the document as " + wire.getFeedType() + ", not atom_1.0"));
        }
        List<String> problems = new ArrayList<>();
        String where = "feed " + (feed.getId() == null ? "(no id)" : feed.getId());
        requireCommon(problems, where, feed.getId(), feed.getTitleEx(), feed.getUpdated() != null,
                feed.getAlternateLinks(), feed.getOtherLinks());
        boolean feedAuthor = hasAuthor(feed.getAuthors());
        List<Entry> entries = feed.getEntries();
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            String entryWhere = where + ", entry " + i + " (" + (entry.getId() == null ? "no id" : entry.getId()) + ")";
            checkEntry(problems, entryWhere, entry, /* authorRequired= */ !feedAuthor);
        }
        if (!feedAuthor && entries.isEmpty()) {
            problems.add(where + ": no <author> with a <name> (an empty feed must carry one itself)");
        }
        if (!problems.isEmpty()) {
            throw failure(xml, problems);
        }
        return feed;
    }

    /** A single entry (a 201 body, a message entry), parsed; fails unless valid and with its own author. */
    public static Entry entry(byte[] xml) {
        checkRoot(xml, "entry");
        Entry entry;
        try {
            entry = Atom10Parser.parseEntry(new InputStreamReader(new ByteArrayInputStream(xml), StandardCharsets.UTF_8),
                    /* baseURI= */ null, Locale.ROOT);
        } catch (Exception e) {
            throw failure(xml, List.of("ROME cannot read the entry: " + e));
        }
        List<String> problems = new ArrayList<>();
        checkEntry(problems, "entry " + (entry.getId() == null ? "(no id)" : entry.getId()), entry,
                /* authorRequired= */ true);
        if (!problems.isEmpty()) {
            throw failure(xml, problems);
        }
        return entry;
    }

    private static void checkEntry(List<String> problems, String where, Entry entry, boolean authorRequired) {
        requireCommon(problems, where, entry.getId(), entry.getTitleEx(), entry.getUpdated() != null,
                entry.getAlternateLinks(), entry.getOtherLinks());
        if (authorRequired && !hasAuthor(entry.getAuthors())) {
            problems.add(where + ": no <author> with a <name>, and the feed has none either");
        }
        List<Content> contents = entry.getContents();
        if (contents.size() > 1) {
            problems.add(where + ": " + contents.size() + " <content> elements (at most one)");
        }
        if (contents.isEmpty() && entry.getAlternateLinks().isEmpty()) {
            problems.add(where + ": neither <content> nor a link rel=\"alternate\" (RFC 4287 §4.1.2)");
        }
        for (Content content : contents) {
            checkContent(problems, where, content, entry.getSummary() != null);
        }
    }

    private static void checkContent(List<String> problems, String where, Content content, boolean hasSummary) {
        String type = content.getType() == null ? "text" : content.getType();
        if (content.getSrc() != null) {
            if (!hasSummary) {
                problems.add(where + ": <content src=\"" + content.getSrc() + "\"> without a <summary> (RFC 4287 §4.1.2)");
            }
            return;
        }
        if (isBase64(type)) {
            if (!hasSummary) {
                problems.add(where + ": Base64 <content type=\"" + type + "\"> without a <summary> (RFC 4287 §4.1.2)");
            }
            try {
                Base64.getMimeDecoder().decode(content.getValue() == null ? "" : content.getValue().trim());
            } catch (IllegalArgumentException e) {
                problems.add(where + ": <content type=\"" + type + "\"> is not valid Base64: " + e.getMessage());
            }
        } else if (isXml(type) && (content.getValue() == null || content.getValue().isBlank())) {
            problems.add(where + ": <content type=\"" + type + "\"> has no child element (RFC 4287 §4.1.3.3)");
        }
    }

    /** RFC 4287 §4.1.3.3 item 5: a MIME type that is neither text/* nor XML is Base64. */
    static boolean isBase64(String type) {
        String essence = type.split(";")[0].trim().toLowerCase(Locale.ROOT);
        return !(essence.equals("text") || essence.equals("html") || essence.equals("xhtml")
                || essence.startsWith("text/") || isXml(essence));
    }

    private static boolean isXml(String type) {
        String essence = type.split(";")[0].trim().toLowerCase(Locale.ROOT);
        return essence.endsWith("/xml") || essence.endsWith("+xml");
    }

    private static void requireCommon(List<String> problems, String where, String id, Content title, boolean updated,
                                      List<Link> alternates, List<Link> others) {
        if (id == null || id.isBlank()) {
            problems.add(where + ": no <id>");
        }
        if (title == null) {
            problems.add(where + ": no <title>");
        }
        if (!updated) {
            problems.add(where + ": <updated> missing or not an RFC 3339 date-time");
        }
        boolean self = false;
        for (List<Link> links : List.of(alternates, others)) {
            for (Link link : links) {
                self |= "self".equals(link.getRel()) && link.getHref() != null && !link.getHref().isBlank();
            }
        }
        if (!self) {
            problems.add(where + ": no <link rel=\"self\" href=\"…\">");
        }
    }

    private static boolean hasAuthor(List<com.rometools.rome.feed.synd.SyndPerson> authors) {
        return authors != null && authors.stream().anyMatch(a -> a.getName() != null && !a.getName().isBlank());
    }

    /** Well-formed, and the root is atom:{expected}: ROME would read a foreign root without complaint. */
    private static void checkRoot(byte[] xml, String expected) {
        Element root;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            root = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml)).getDocumentElement();
        } catch (Exception e) {
            throw failure(xml, List.of("not a well-formed XML document without a DTD: " + e.getMessage()));
        }
        if (!ATOM_NS.equals(root.getNamespaceURI()) || !expected.equals(root.getLocalName())) {
            throw failure(xml, List.of("the root element is {" + root.getNamespaceURI() + "}" + root.getLocalName()
                    + ", not {" + ATOM_NS + "}" + expected));
        }
    }

    private static AssertionFailedError failure(byte[] xml, List<String> problems) {
        String text = new String(xml, StandardCharsets.UTF_8);
        String excerpt = text.length() > DOCUMENT_EXCERPT_CHARS
                ? text.substring(0, DOCUMENT_EXCERPT_CHARS) + "… (" + xml.length + " bytes in all)" : text;
        return new AssertionFailedError("invalid Atom (RFC 4287):\n  - " + String.join("\n  - ", problems)
                + "\n--- document ---\n" + excerpt);
    }
}
