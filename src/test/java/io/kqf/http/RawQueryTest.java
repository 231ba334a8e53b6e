package io.kqf.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Query parameters exactly as they appear in the URI (hustmq-api.md §0.2, §0.3). */
class RawQueryTest {

    @Test
    void values_are_never_percent_decoded_and_plus_stays_plus() {
        RawQuery query = RawQuery.of("queue=a%3Ab&item=a%41+b%7e%&x=%zz");
        assertEquals("a%3Ab", query.get("queue"));
        assertEquals("a%41+b%7e%", query.get("item"));
        assertEquals("%zz", query.get("x"));
    }

    @Test
    void keys_are_not_decoded_either() {
        RawQuery query = RawQuery.of("%71ueue=encoded&queue=plain");
        assertEquals("plain", query.get("queue"));
        assertEquals("encoded", query.get("%71ueue"));
    }

    @Test
    void the_first_occurrence_of_a_repeated_key_wins() {
        RawQuery query = RawQuery.of("queue=first&item=x&queue=second&queue=");
        assertEquals("first", query.get("queue"));
    }

    @Test
    void an_empty_first_occurrence_still_wins_over_a_later_value() {
        assertEquals("", RawQuery.of("queue=&queue=later").get("queue"));
    }

    @Test
    void key_with_equals_and_nothing_after_is_empty_not_absent() {
        RawQuery query = RawQuery.of("queue=&item=x");
        assertEquals("", query.get("queue"));
        assertEquals("x", query.get("item"));
    }

    @Test
    void a_bare_key_without_equals_is_absent() {
        RawQuery query = RawQuery.of("queue&ack&item=x");
        assertNull(query.get("queue"));
        assertNull(query.get("ack"));
        assertEquals("x", query.get("item"));
    }

    @Test
    void a_bare_key_does_not_hide_a_later_value() {
        assertEquals("q", RawQuery.of("queue&queue=q").get("queue"));
    }

    @Test
    void keys_match_exactly_so_myqueue_is_not_queue() {
        RawQuery query = RawQuery.of("myqueue=x&queue_=y&Queue=z&queuex=w");
        assertNull(query.get("queue"));
        assertEquals("x", query.get("myqueue"));
        RawQuery after = RawQuery.of("myqueue=x&queue=real");
        assertEquals("real", after.get("queue"));
    }

    @Test
    void only_the_first_equals_separates_key_and_value() {
        RawQuery query = RawQuery.of("item=a=b==c&x==");
        assertEquals("a=b==c", query.get("item"));
        assertEquals("=", query.get("x"));
    }

    @Test
    void empty_keys_and_stray_ampersands_are_ignored() {
        RawQuery query = RawQuery.of("&&=value&&queue=q&&");
        assertEquals("q", query.get("queue"));
        assertNull(query.get(""));
    }

    @Test
    void a_missing_query_string_has_no_parameters() {
        for (String missing : new String[] {null, ""}) {
            RawQuery query = RawQuery.of(missing);
            assertNull(query.get("queue"));
            assertEquals("", query.raw());
        }
    }

    @Test
    void raw_is_the_query_string_as_received() {
        String text = "queue=q&item=%41+&queue=other&bare";
        assertEquals(text, RawQuery.of(text).raw());
    }

    @Test
    void require_returns_a_present_value_unchanged() {
        assertEquals("a%20b", RawQuery.of("queue=a%20b").require("queue"));
    }

    @Test
    void require_refuses_absent_empty_and_bare_keys_with_400_naming_the_key() {
        for (String text : new String[] {"", "item=x", "queue=", "queue", "myqueue=x", "queue=&queue=later"}) {
            HttpFailure failure = assertThrows(HttpFailure.class, () -> RawQuery.of(text).require("queue"), text);
            assertEquals(400, failure.status(), text);
            assertTrue(failure.getMessage().contains("queue"), failure.getMessage());
        }
    }
}
