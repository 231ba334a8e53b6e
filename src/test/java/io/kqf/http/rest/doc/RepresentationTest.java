package io.kqf.http.rest.doc;

import static io.kqf.http.rest.doc.Representation.ATOM;
import static io.kqf.http.rest.doc.Representation.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kqf.http.HttpFailure;
import org.junit.jupiter.api.Test;

/** Accept negotiation (restful-queue.md §2): Atom by default, JSON when preferred, 406 otherwise. */
class RepresentationTest {
    @Test
    void noAcceptOrAnything_isAtom() {
        assertEquals(ATOM, Representation.negotiate(null));
        assertEquals(ATOM, Representation.negotiate(""));
        assertEquals(ATOM, Representation.negotiate("*/*"));
        assertEquals(ATOM, Representation.negotiate("*"));
        assertEquals(ATOM, Representation.negotiate("application/*"));
        assertEquals(ATOM, Representation.negotiate("application/atom+xml"));
        assertEquals(ATOM, Representation.negotiate("application/atom+xml;type=feed"));
        assertEquals(ATOM, Representation.negotiate("application/atom+xml; type=entry; charset=utf-8"));
        assertEquals(ATOM, Representation.negotiate("application/atomsvc+xml"));
        assertEquals(ATOM, Representation.negotiate("APPLICATION/ATOM+XML"));
        assertEquals(ATOM, Representation.negotiate("text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2"));
    }

    @Test
    void json_whenAskedFor_orPreferred() {
        assertEquals(JSON, Representation.negotiate("application/json"));
        assertEquals(JSON, Representation.negotiate("application/json; charset=utf-8"));
        assertEquals(JSON, Representation.negotiate("application/json, */*;q=0.1"));
        assertEquals(JSON, Representation.negotiate("application/atom+xml;q=0.5, application/json"));
        assertEquals(JSON, Representation.negotiate("application/*;q=0.2, application/json;q=0.3"));
    }

    @Test
    void highestQualityWins_aTieGoesToAtom_andTheMostSpecificRangeDecides() {
        assertEquals(ATOM, Representation.negotiate("application/json;q=0.4, application/atom+xml;q=0.5"));
        assertEquals(ATOM, Representation.negotiate("application/json, application/atom+xml"));
        assertEquals(ATOM, Representation.negotiate("application/json;q=0.9, application/atom+xml;q=0.9"));
        // */* would allow JSON, but the exact range says not JSON.
        assertEquals(ATOM, Representation.negotiate("application/json;q=0, */*"));
        assertEquals(JSON, Representation.negotiate("application/atom+xml;q=0, */*"));
        assertEquals(JSON, Representation.negotiate("application/atom+xml;q=0, application/atomsvc+xml;q=0, */*"));
    }

    @Test
    void nothingAcceptable_is406_withAOneLineReason() {
        for (String accept : new String[] {"application/xml", "text/html", "text/*", "image/png, text/plain",
                "application/json;q=0, application/atom+xml;q=0", "*/*;q=0", "nonsense", "application/json;q=abc",
                "*/json"}) {
            HttpFailure failure = assertThrows(HttpFailure.class, () -> Representation.negotiate(accept), accept);
            assertEquals(406, failure.status(), accept);
            assertTrue(failure.getMessage().contains(accept), failure.getMessage());
            assertFalse(failure.getMessage().contains("\n"));
        }
    }

    @Test
    void contentTypes_perRepresentation() {
        assertEquals("application/atom+xml;type=feed", ATOM.feedType());
        assertEquals("application/atom+xml;type=entry", ATOM.entryType());
        assertEquals("application/atomsvc+xml", ATOM.serviceType());
        assertEquals("application/json", JSON.feedType());
        assertEquals("application/json", JSON.entryType());
        assertEquals("application/json", JSON.serviceType());
        assertTrue(ATOM.writer() instanceof AtomWriter);
        assertTrue(JSON.writer() instanceof JsonDocuments);
    }
}
