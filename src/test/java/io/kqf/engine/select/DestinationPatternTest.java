package io.kqf.engine.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.kqf.engine.EngineException;

/** Subscription destinations with {@code *} and {@code >} (restful-queue.md §1, §7). */
class DestinationPatternTest {
    private static void assertMatches(String pattern, String queue) {
        assertTrue(DestinationPattern.parse(pattern).matches(queue), pattern + " should match " + queue);
    }

    private static void assertNoMatch(String pattern, String queue) {
        assertFalse(DestinationPattern.parse(pattern).matches(queue), pattern + " should not match " + queue);
    }

    private static EngineException assertBadPattern(String pattern) {
        EngineException refused = assertThrows(EngineException.class, () -> DestinationPattern.parse(pattern),
                String.valueOf(pattern));
        assertEquals(EngineException.Reason.BAD_REQUEST, refused.reason(), pattern);
        assertFalse(refused.getMessage().isBlank(), pattern);
        return refused;
    }

    @Test
    void a_pattern_without_wildcards_matches_exactly_its_name() {
        DestinationPattern books = DestinationPattern.parse("uk.products.books");
        assertFalse(books.isWildcard());
        assertEquals("uk.products.books", books.text());
        assertTrue(books.matches("uk.products.books"));
        for (String other : List.of("uk.products", "uk.products.books.old", "uk.products.Books", "uk.products.book",
                "uk_products_books", "DLQ.uk.products.books")) {
            assertFalse(books.matches(other), other);
        }
    }

    @Test
    void star_matches_exactly_one_segment() {
        assertTrue(DestinationPattern.parse("uk.*.books").isWildcard());
        assertMatches("uk.*.books", "uk.products.books");
        assertMatches("uk.*.books", "uk.toys.books");
        assertNoMatch("uk.*.books", "uk.books");
        assertNoMatch("uk.*.books", "uk.a.b.books");
        assertMatches("*", "orders");
        assertNoMatch("*", "uk.orders");
        assertMatches("*.*", "uk.orders");
        assertMatches("uk.*", "uk.orders");
        assertNoMatch("uk.*", "uk");
        assertNoMatch("uk.*", "uk.orders.books");
    }

    @Test
    void greater_than_matches_one_or_more_remaining_segments() {
        assertTrue(DestinationPattern.parse("uk.>").isWildcard());
        assertMatches("uk.>", "uk.products");
        assertMatches("uk.>", "uk.products.books");
        assertNoMatch("uk.>", "uk");
        assertNoMatch("uk.>", "ukx.products");
        assertNoMatch("uk.>", "fr.products");
        assertMatches(">", "orders");
        assertMatches(">", "uk.products.books");
        assertMatches("*.products.>", "uk.products.books");
        assertNoMatch("*.products.>", "uk.products");
    }

    @Test
    void a_ends_with_greater_than_does_not_match_a() {
        assertNoMatch("a.>", "a");
        assertMatches("a.>", "a.b");
    }

    @Test
    void greater_than_is_allowed_only_as_the_last_segment() {
        assertBadPattern(">.a");
        assertBadPattern("a.>.b");
        assertBadPattern(">.>");
    }

    @Test
    void dead_letter_queues_match_only_patterns_starting_with_DLQ() {
        assertNoMatch(">", "DLQ.orders");
        assertNoMatch("*.orders", "DLQ.orders");
        assertNoMatch("*.>", "DLQ.orders");
        assertNoMatch("*", "DLQ");
        assertMatches("DLQ.>", "DLQ.orders");
        assertMatches("DLQ.*", "DLQ.orders");
        assertMatches("DLQ.uk.>", "DLQ.uk.products.books");
        assertMatches("DLQ.orders", "DLQ.orders");
        assertNoMatch("DLQ.>", "orders");
        assertMatches(">", "dlq.orders");
    }

    @Test
    void reserved_names_never_match() {
        for (String reserved : List.of("a.__p1", "__consumer_offsets", "uk.__x.books", "_kqf.meta", "_kqfx")) {
            assertNoMatch(">", reserved);
            assertNoMatch("*", reserved);
            assertNoMatch("*.*", reserved);
        }
        assertNoMatch("a.>", "a.__p1");
        assertNoMatch("a.*", "a.__p1");
        assertNoMatch("a.>", "a.messages");
    }

    @Test
    void a_pattern_naming_a_reserved_segment_is_a_bad_request() {
        for (String pattern : List.of("a.__p1", "__consumer_offsets", "a.__x.>", "__x.*", "*.__p2", "_kqf.>", "_kqf.meta")) {
            EngineException refused = assertBadPattern(pattern);
            assertTrue(refused.getMessage().contains("reserved"), pattern + ": " + refused.getMessage());
        }
        assertTrue(assertBadPattern("a.messages.>").getMessage().contains("reserved"));
    }

    @Test
    void malformed_patterns_are_bad_requests() {
        List<String> malformed = new ArrayList<>(List.of("", ".", "a.", ".a", "a..b", "a/b", "a b", "a:b", "a.b*", "a*.b",
                "a.>b", "**", "é", "a.#", "x".repeat(RestQueueNames.MAX_DLQ_LENGTH + 1)));
        malformed.add(null);
        for (String pattern : malformed) {
            assertBadPattern(pattern);
        }
    }

    @Test
    void wildcards_do_not_match_names_that_are_not_REST_names() {
        assertNoMatch("*", "a:b");
        assertNoMatch(">", "");
        assertNoMatch(">", null);
        assertNoMatch("a.*", "a.");
    }

    @Test
    void patterns_are_values_of_their_text() {
        assertEquals(DestinationPattern.parse("uk.>"), DestinationPattern.parse("uk.>"));
        assertEquals(DestinationPattern.parse("uk.>").hashCode(), DestinationPattern.parse("uk.>").hashCode());
        assertEquals("uk.>", DestinationPattern.parse("uk.>").text());
    }
}
