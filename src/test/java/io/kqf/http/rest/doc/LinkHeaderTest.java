package io.kqf.http.rest.doc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

/** RFC 8288 Link header values for navigation and ack links. */
class LinkHeaderTest {
    @Test
    void linksAreCommaSeparated_withQuotedRelAndType() {
        assertEquals("</queues/q?cursor=c1>; rel=\"next\", </subscriptions/s1/messages/m1>; rel=\"edit\"; "
                + "type=\"application/atom+xml;type=entry\"", LinkHeader.format(List.of(
                        Link.of("next", "/queues/q?cursor=c1"),
                        new Link("edit", "/subscriptions/s1/messages/m1", "application/atom+xml;type=entry"))));
    }

    @Test
    void noLinks_isAnEmptyValue() {
        assertEquals("", LinkHeader.format(List.of()));
    }

    @Test
    void quotesInParameters_areEscaped() {
        assertEquals("</a>; rel=\"x\\\"y\"", LinkHeader.format(List.of(Link.of("x\"y", "/a"))));
    }

    @Test
    void targetsThatWouldBreakTheHeader_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> LinkHeader.format(List.of(Link.of("next", "/a>; rel=x"))));
        assertThrows(IllegalArgumentException.class, () -> LinkHeader.format(List.of(Link.of("next", "/a\r\nSet-Cookie: x"))));
        assertThrows(IllegalArgumentException.class, () -> LinkHeader.format(List.of(Link.of("next\n", "/a"))));
    }
}
