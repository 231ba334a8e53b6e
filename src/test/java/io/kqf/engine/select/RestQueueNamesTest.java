package io.kqf.engine.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.kqf.engine.EngineException;
import io.kqf.engine.select.RestQueueNames.Child;

/** REST queue names, their slash form and categories (restful-queue.md §1, §4, §7). */
class RestQueueNamesTest {
    private static EngineException assertBadName(String name) {
        EngineException refused = assertThrows(EngineException.class, () -> RestQueueNames.validate(name),
                String.valueOf(name));
        assertEquals(EngineException.Reason.BAD_REQUEST, refused.reason(), String.valueOf(name));
        assertFalse(refused.getMessage().isBlank(), String.valueOf(name));
        assertFalse(RestQueueNames.isValid(name), String.valueOf(name));
        return refused;
    }

    @Test
    void dot_separated_segments_of_letters_digits_underscore_and_dash_are_valid() {
        for (String name : List.of("q", "orders", "uk.products.books", "a-b", "a_b", "A9.z-Y_0", "DLQ.orders", "DLQ",
                "_x", "x__", "a.b_", "kqf", "_kq", "n".repeat(RestQueueNames.MAX_LENGTH))) {
            assertEquals(name, RestQueueNames.validate(name), name);
            assertTrue(RestQueueNames.isValid(name), name);
        }
    }

    @Test
    void empty_segments_and_other_characters_are_bad_requests() {
        List<String> invalid = new ArrayList<>(List.of("", ".", "..", "a.", ".a", "a..b", "a b", "a/b", "a:b", "a*", ">",
                "a.*", "é", "a%20b", "a\nb", "a+b"));
        invalid.add(null);
        for (String name : invalid) {
            assertBadName(name);
        }
    }

    @Test
    void names_are_at_most_64_characters_and_their_dead_letter_queue_4_more() {
        assertBadName("n".repeat(RestQueueNames.MAX_LENGTH + 1));
        String longest = "n".repeat(RestQueueNames.MAX_LENGTH);
        assertEquals("DLQ." + longest, RestQueueNames.validate("DLQ." + longest));
        assertBadName("DLQ." + longest + "n");
        assertBadName("DLQx" + longest);
    }

    @Test
    void messages_is_a_reserved_segment() {
        for (String name : List.of("messages", "a.messages", "messages.b", "a.messages.b")) {
            assertEquals("\u2018messages\u2019 is a reserved segment", assertBadName(name).getMessage(), name);
        }
        assertTrue(RestQueueNames.isValid("messages2"));
        assertTrue(RestQueueNames.isValid("a.my-messages"));
    }

    @Test
    void segments_starting_with_two_underscores_and_internal_names_are_reserved() {
        for (String name : List.of("__x", "a.__p1", "__consumer_offsets", "a.__", "a.__x.b", "_kqf", "_kqf.meta", "_kqfx")) {
            assertTrue(assertBadName(name).getMessage().contains("reserved"), name);
        }
    }

    @Test
    void paths_and_names_convert_both_ways() {
        assertEquals("uk.products.books", RestQueueNames.fromPath("uk/products/books"));
        assertEquals("uk/products/books", RestQueueNames.toPath("uk.products.books"));
        assertEquals("uk.products.books", RestQueueNames.fromPath("uk.products.books"));
        assertEquals("uk.products.books", RestQueueNames.fromPath("uk/products.books"));
        assertEquals("orders", RestQueueNames.toPath("orders"));
        assertEquals("uk.products.>", RestQueueNames.fromPath("uk/products/>"));
    }

    @Test
    void a_category_is_a_dotted_prefix() {
        assertTrue(RestQueueNames.isCategoryOf("uk", "uk.products"));
        assertTrue(RestQueueNames.isCategoryOf("uk", "uk.products.books"));
        assertTrue(RestQueueNames.isCategoryOf("uk.products", "uk.products.books"));
        assertFalse(RestQueueNames.isCategoryOf("uk", "uk"));
        assertFalse(RestQueueNames.isCategoryOf("uk", "ukx.products"));
        assertFalse(RestQueueNames.isCategoryOf("uk", "uk."));
        assertFalse(RestQueueNames.isCategoryOf("uk.products.books", "uk.products"));
    }

    @Test
    void top_level_children_are_queues_categories_or_both_sorted() {
        List<String> queues = List.of("uk.products.books", "uk", "orders", "fr.toys", "fr.books", "DLQ.orders");
        assertEquals(List.of(
                new Child("DLQ", "DLQ", false, true),
                new Child("fr", "fr", false, true),
                new Child("orders", "orders", true, false),
                new Child("uk", "uk", true, true)),
                RestQueueNames.children(queues, ""));
    }

    @Test
    void children_of_a_category_are_its_next_segments() {
        List<String> queues = List.of("uk.products.books", "uk.products", "uk.products.toys.lego", "uk.orders",
                "ukx.products", "uk");
        assertEquals(List.of(
                new Child("orders", "uk.orders", true, false),
                new Child("products", "uk.products", true, true)),
                RestQueueNames.children(queues, "uk"));
        assertEquals(List.of(
                new Child("books", "uk.products.books", true, false),
                new Child("toys", "uk.products.toys", false, true)),
                RestQueueNames.children(queues, "uk.products"));
        assertEquals(List.of(), RestQueueNames.children(queues, "uk.products.books"));
        assertEquals(List.of(), RestQueueNames.children(queues, "de"));
    }

    @Test
    void children_leave_out_names_the_REST_API_cannot_address() {
        List<String> queues = List.of("a:b", "uk:x.y", "a.__p1", "_kqf.meta", "ok");
        assertEquals(List.of(new Child("ok", "ok", true, false)), RestQueueNames.children(queues, ""));
        assertEquals(List.of(), RestQueueNames.children(queues, "a"));
    }

    @Test
    void a_category_that_is_no_valid_name_is_a_bad_request() {
        assertThrows(EngineException.class, () -> RestQueueNames.children(List.of("a.b"), "a."));
        assertThrows(EngineException.class, () -> RestQueueNames.children(List.of("a.__x.b"), "a.__x"));
    }
}
