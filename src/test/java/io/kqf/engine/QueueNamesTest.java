package io.kqf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * Queue names (hustmq-api.md §0.5: 1-64 characters of [0-9A-Za-z_:.]) and their topics
 * (architecture.md §2: prefix + name with ':' written as '-', lanes 1 and 2 as {@code .__p1},
 * {@code .__p2}, dot-segments starting "__" and the {@code _kqf} prefix reserved).
 */
class QueueNamesTest {
    private static final String NAME_64 = "n".repeat(64);
    private static final List<String> VALID = List.of(
            "q", "Q", "0", "_", ":", "a:b", "a.b", "a_b", "A_9:z.Y", "orders", "a..b", "a._x", "a.x__", "_x",
            "_kq", "kqf", "uk.products.books", "a:__x", NAME_64, ":".repeat(64), "x.", ".x");

    private final QueueNames prefixed = new QueueNames("pre.");
    private final QueueNames bare = new QueueNames("");

    @Test
    void names_of_one_to_64_characters_of_the_hustmq_charset_are_valid() {
        for (String name : VALID) {
            assertEquals(name, QueueNames.validate(name), name);
        }
    }

    @Test
    void missing_long_and_out_of_charset_names_are_bad_requests() {
        List<String> invalid = new ArrayList<>(List.of("", "n".repeat(65), "k".repeat(4096), "a-b", "a b", "a/b",
                "a%20b", "a+b", "a,b", "a\tb", "é", "ü:x", "a\u0000b", "q\n", "*", "a#b"));
        invalid.add(null);
        for (String name : invalid) {
            EngineException refused = assertThrows(EngineException.class, () -> QueueNames.validate(name),
                    String.valueOf(name));
            assertEquals(EngineException.Reason.BAD_REQUEST, refused.reason(), String.valueOf(name));
            assertFalse(refused.getMessage().isBlank());
        }
    }

    @Test
    void the_dead_letter_queue_of_the_longest_name_is_valid_but_no_longer_name() {
        String longest = "n".repeat(64);
        assertEquals("DLQ." + longest, QueueNames.validate("DLQ." + longest));
        assertThrows(EngineException.class, () -> QueueNames.validate("DLQ." + longest + "n"));
    }

    @Test
    void selector_views_are_hidden_queues_no_client_can_name() {
        String view = QueueNames.view("orders", "0123456789abcdef");
        assertTrue(QueueNames.isView(view));
        assertEquals("orders", QueueNames.baseOf(view));
        assertThrows(EngineException.class, () -> QueueNames.validate(view));
        assertFalse(QueueNames.isView("orders.__vnothex"));
    }

    @Test
    void internal_and_lane_names_are_reserved() {
        for (String name : List.of(".", "..", "_kqf", "_kqf.meta", "_kqf.leases", "_kqfx", "__", "__x",
                "__consumer_offsets", "__transaction_state", "a.__x", "q.__p1", "q.__p2", "a.b.__c", "a.__",
                "x.__p1.y")) {
            EngineException refused = assertThrows(EngineException.class, () -> QueueNames.validate(name), name);
            assertEquals(EngineException.Reason.BAD_REQUEST, refused.reason(), name);
            assertTrue(refused.getMessage().contains("reserved"), name + ": " + refused.getMessage());
        }
    }

    @Test
    void colon_is_written_as_dash_in_the_topic() {
        assertEquals("pre.a-b-c", prefixed.topic("a:b:c", 0));
        assertEquals("a-b", bare.topic("a:b", 0));
        assertEquals("pre.orders", prefixed.topic("orders", 0));
        assertEquals("orders", bare.topic("orders", 0), "an existing topic 'orders' is the queue 'orders'");
    }

    @Test
    void topic_and_queue_of_topic_are_inverse_for_every_valid_name() {
        for (QueueNames names : List.of(prefixed, bare)) {
            Set<String> topics = new HashSet<>();
            for (String name : VALID) {
                String topic = names.topic(name, 0);
                assertTrue(topics.add(topic), "two names share the topic " + topic);
                assertEquals(Optional.of(name), names.queueOfTopic(topic), topic);
                assertFalse(topic.contains(":"), "':' is illegal in Kafka topics: " + topic);
            }
        }
    }

    @Test
    void lanes_one_and_two_are_suffixed_topics() {
        assertEquals("pre.q", prefixed.topic("q", 0));
        assertEquals("pre.q.__p1", prefixed.topic("q", 1));
        assertEquals("pre.q.__p2", prefixed.topic("q", 2));
        assertEquals("a-b.__p2", bare.topic("a:b", 2));
    }

    @Test
    void lane_topics_name_no_queue() {
        for (String name : VALID) {
            assertEquals(Optional.empty(), prefixed.queueOfTopic(prefixed.topic(name, 1)), name);
            assertEquals(Optional.empty(), prefixed.queueOfTopic(prefixed.topic(name, 2)), name);
            assertEquals(Optional.empty(), bare.queueOfTopic(bare.topic(name, 2)), name);
        }
    }

    @Test
    void topics_outside_the_prefix_name_no_queue() {
        for (String topic : List.of("orders", "pre", "prex.orders", "other.pre.orders", "PRE.orders")) {
            assertEquals(Optional.empty(), prefixed.queueOfTopic(topic), topic);
        }
    }

    @Test
    void topics_whose_rest_is_not_a_valid_queue_name_name_no_queue() {
        List<String> wrong = new ArrayList<>();
        for (String rest : List.of("", "n".repeat(65), "a b", "a/b", "_kqf.meta", "_kqf.leases", "__consumer_offsets",
                "a.__x", "__x", ".", "..")) {
            for (QueueNames names : List.of(prefixed, bare)) {
                String topic = (names == prefixed ? "pre." : "") + rest;
                Optional<String> queue = names.queueOfTopic(topic);
                if (queue.isPresent()) {
                    wrong.add("topic '" + topic + "' → queue '" + queue.get() + "'");
                }
            }
        }
        assertEquals(List.of(), wrong, "topics read as queue names that validate() refuses");
    }
}
