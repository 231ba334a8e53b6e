package io.kqf.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** AtomCheck accepts valid Atom and names every missing requirement, with where it is missing. */
class AtomCheckTest {
    private static final String OPEN_FEED = "<feed xmlns=\"http://www.w3.org/2005/Atom\">";
    private static final String FEED_HEAD = "<id>tag:f</id><title>f</title><updated>2026-12-02T18:00:00Z</updated>"
            + "<author><name>kqf</name></author><link rel=\"self\" href=\"/f\"/>";
    private static final String GOOD_ENTRY = "<entry><id>tag:e</id><title>0-1</title><updated>2026-12-02T18:00:00Z</updated>"
            + "<link rel=\"self\" href=\"/e\"/><content type=\"text\">hi</content></entry>";

    @Test
    void validFeed_isReturnedParsed() {
        var feed = AtomCheck.feed(bytes(OPEN_FEED + FEED_HEAD + GOOD_ENTRY + "</feed>"));
        assertEquals("tag:f", feed.getId());
        assertEquals("hi", feed.getEntries().get(0).getContents().get(0).getValue());
    }

    @Test
    void feedWithoutSelfLinkOrAuthor_namesBothProblems() {
        String head = "<id>tag:f</id><title>f</title><updated>2026-12-02T18:00:00Z</updated>";
        String message = failure(() -> AtomCheck.feed(bytes(OPEN_FEED + head + GOOD_ENTRY + "</feed>")));
        assertTrue(message.contains("feed tag:f: no <link rel=\"self\""), message);
        assertTrue(message.contains("feed tag:f, entry 0 (tag:e): no <author>"), message);
        assertTrue(message.contains("--- document ---\n" + OPEN_FEED), message);
    }

    @Test
    void base64ContentWithoutSummary_andEntryWithoutIdOrUpdated_areNamed() {
        String entry = "<entry><title>0-1</title><link rel=\"self\" href=\"/e\"/>"
                + "<content type=\"application/json\">e30=</content></entry>";
        String message = failure(() -> AtomCheck.feed(bytes(OPEN_FEED + FEED_HEAD + entry + "</feed>")));
        assertTrue(message.contains("entry 0 (no id): no <id>"), message);
        assertTrue(message.contains("entry 0 (no id): <updated> missing"), message);
        assertTrue(message.contains("Base64 <content type=\"application/json\"> without a <summary>"), message);
    }

    @Test
    void entryWithoutContent_needsAnAlternateLink() {
        String entry = "<entry xmlns=\"http://www.w3.org/2005/Atom\"><id>tag:e</id><title>t</title>"
                + "<updated>2026-12-02T18:00:00Z</updated><author><name>kqf</name></author>"
                + "<link rel=\"self\" href=\"/e\"/></entry>";
        String message = failure(() -> AtomCheck.entry(bytes(entry)));
        assertTrue(message.contains("entry tag:e: neither <content> nor a link rel=\"alternate\""), message);
    }

    @Test
    void singleEntry_needsItsOwnAuthor() {
        String entry = GOOD_ENTRY.replace("<entry>", "<entry xmlns=\"http://www.w3.org/2005/Atom\">");
        String message = failure(() -> AtomCheck.entry(bytes(entry)));
        assertTrue(message.contains("entry tag:e: no <author>"), message);
    }

    @Test
    void wrongRootOrNotXml_isSaidSo() {
        assertTrue(failure(() -> AtomCheck.feed(bytes("<rss version=\"2.0\"/>")))
                .contains("the root element is {null}rss, not {http://www.w3.org/2005/Atom}feed"));
        assertTrue(failure(() -> AtomCheck.entry(bytes(OPEN_FEED + FEED_HEAD + "</feed>")))
                .contains("not {http://www.w3.org/2005/Atom}entry"));
        assertTrue(failure(() -> AtomCheck.feed(bytes("<feed"))).contains("not a well-formed XML document"));
    }

    private static String failure(Runnable check) {
        return assertThrows(AssertionFailedError.class, check::run).getMessage();
    }

    private static byte[] bytes(String xml) {
        return xml.getBytes(StandardCharsets.UTF_8);
    }
}
