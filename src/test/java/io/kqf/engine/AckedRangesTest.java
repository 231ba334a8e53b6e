package io.kqf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/**
 * Acked offsets above a lane's committed offset: disjoint half-open ranges, encoded as inclusive
 * text ({@code 1046-1050,1052}) in the offset commit's metadata, overflow beyond the metadata limit
 * handed to the lease journal (architecture.md §3).
 */
class AckedRangesTest {

    @Test
    void a_new_set_is_empty() {
        AckedRanges acked = new AckedRanges();
        assertTrue(acked.isEmpty());
        assertEquals(0, acked.count());
        assertEquals("", acked.encode(4000));
        assertEquals(Map.of(), acked.ranges());
    }

    @Test
    void adjacent_single_offsets_merge_into_one_range() {
        AckedRanges acked = new AckedRanges();
        acked.add(5);
        acked.add(7);
        assertEquals(Map.of(5L, 6L, 7L, 8L), acked.ranges());
        acked.add(6);
        assertEquals(Map.of(5L, 8L), acked.ranges());
        assertEquals(3, acked.count());
    }

    @Test
    void adding_an_offset_twice_counts_it_once() {
        AckedRanges acked = new AckedRanges();
        acked.add(10);
        acked.add(10);
        acked.addRange(8, 12);
        acked.add(9);
        assertEquals(Map.of(8L, 12L), acked.ranges());
        assertEquals(4, acked.count());
    }

    @Test
    void a_range_merges_with_every_overlapping_or_touching_neighbour() {
        AckedRanges acked = new AckedRanges();
        acked.addRange(10, 15);
        acked.addRange(20, 25);
        acked.addRange(30, 31);
        acked.addRange(40, 45);
        acked.addRange(15, 20);
        assertEquals(Map.of(10L, 25L, 30L, 31L, 40L, 45L), acked.ranges());
        acked.addRange(12, 42);
        assertEquals(Map.of(10L, 45L), acked.ranges());
        assertEquals(35, acked.count());
        acked.addRange(0, 100);
        assertEquals(Map.of(0L, 100L), acked.ranges());
        assertEquals(100, acked.count());
    }

    @Test
    void an_empty_or_inverted_range_adds_nothing() {
        AckedRanges acked = new AckedRanges();
        acked.addRange(5, 5);
        acked.addRange(9, 3);
        assertTrue(acked.isEmpty());
        assertEquals(0, acked.count());
    }

    @Test
    void contains_is_true_exactly_for_acked_offsets() {
        AckedRanges acked = new AckedRanges();
        acked.addRange(1046, 1051);
        acked.add(1052);
        for (long offset = 1040; offset < 1060; offset++) {
            boolean expected = (offset >= 1046 && offset <= 1050) || offset == 1052;
            assertEquals(expected, acked.contains(offset), "offset " + offset);
        }
    }

    @Test
    void advance_moves_low_past_the_range_starting_at_it_and_forgets_that_range() {
        AckedRanges acked = ranges1046to1050and1052();
        assertEquals(1045, acked.advance(1045), "1045 is not acked: low stays");
        assertEquals(6, acked.count());
        assertEquals(1051, acked.advance(1046));
        assertEquals(Map.of(1052L, 1053L), acked.ranges());
        assertEquals(1, acked.count());
        assertEquals(1051, acked.advance(1051), "1051 is not acked: low stays");
        assertEquals(1053, acked.advance(1052));
        assertTrue(acked.isEmpty());
        assertEquals(0, acked.count());
    }

    @Test
    void advance_forgets_ranges_below_low_and_chains_through_ranges_it_reaches() {
        AckedRanges acked = new AckedRanges();
        acked.addRange(5, 8);
        acked.addRange(10, 12);
        acked.addRange(20, 22);
        assertEquals(12, acked.advance(10), "ranges below 10 are forgotten, [10,12) is passed");
        assertEquals(Map.of(20L, 22L), acked.ranges());
        assertEquals(2, acked.count());

        AckedRanges inside = new AckedRanges();
        inside.addRange(0, 10);
        assertEquals(10, inside.advance(4), "low inside a range moves to its end");
        assertTrue(inside.isEmpty());
    }

    @Test
    void encode_writes_inclusive_ranges_and_single_offsets() {
        assertEquals("1046-1050,1052", ranges1046to1050and1052().encode(4000));
        assertEquals("1046-1050,1052", ranges1046to1050and1052().toString());
        AckedRanges pair = new AckedRanges();
        pair.addRange(7, 9);
        assertEquals("7-8", pair.encode(4000));
    }

    @Test
    void decode_reads_what_encode_wrote() {
        AckedRanges decoded = AckedRanges.decode("1046-1050,1052");
        assertEquals(Map.of(1046L, 1051L, 1052L, 1053L), decoded.ranges());
        assertEquals(6, decoded.count());
        assertEquals("1046-1050,1052", decoded.encode(4000));
    }

    @Test
    void decode_of_nothing_is_empty() {
        for (String text : new String[] {null, "", "   "}) {
            assertTrue(AckedRanges.decode(text).isEmpty(), String.valueOf(text));
        }
    }

    @Test
    void decode_merges_unordered_and_adjacent_items() {
        AckedRanges decoded = AckedRanges.decode("9,3,1-2,4-8");
        assertEquals(Map.of(1L, 10L), decoded.ranges());
        assertEquals(9, decoded.count());
    }

    @Test
    void decode_skips_items_written_by_something_else() {
        AckedRanges decoded = AckedRanges.decode("x,5,7-y,,10-11,");
        assertEquals(Map.of(5L, 6L, 10L, 12L), decoded.ranges());
    }

    @Test
    void many_random_acks_survive_an_encode_decode_round_trip() {
        Random random = new Random(20240607L);
        AckedRanges acked = new AckedRanges();
        TreeSet<Long> expected = new TreeSet<>();
        for (int i = 0; i < 2_000; i++) {
            long offset = 1_000_000L + random.nextInt(5_000);
            acked.add(offset);
            expected.add(offset);
        }
        assertEquals(expected.size(), acked.count());
        AckedRanges decoded = AckedRanges.decode(acked.encode(Integer.MAX_VALUE));
        assertEquals(acked.ranges(), decoded.ranges());
        assertEquals(expected, offsets(decoded.ranges()));
    }

    @Test
    void encode_fits_max_chars_and_overflow_holds_exactly_the_ranges_left_out() {
        AckedRanges acked = manyRanges();
        String full = acked.encode(Integer.MAX_VALUE);
        for (int maxChars = 0; maxChars <= full.length() + 2; maxChars++) {
            String encoded = acked.encode(maxChars);
            assertTrue(encoded.length() <= maxChars, maxChars + ": '" + encoded + "'");
            assertTrue(full.startsWith(encoded) && (encoded.isEmpty() || encoded.length() == full.length()
                    || full.charAt(encoded.length()) == ','), maxChars + ": a prefix of whole ranges: '" + encoded + "'");

            TreeMap<Long, Long> kept = new TreeMap<>(AckedRanges.decode(encoded).ranges());
            TreeMap<Long, Long> overflow = acked.overflow(maxChars);
            assertTrue(kept.isEmpty() || overflow.isEmpty() || kept.lastKey() < overflow.firstKey(),
                    maxChars + ": the overflow is the tail");
            TreeMap<Long, Long> union = new TreeMap<>(kept);
            union.putAll(overflow);
            assertEquals(acked.ranges(), union, maxChars + ": kept + overflow = every range");
        }
        assertEquals(full, acked.encode(full.length()));
        assertEquals(Map.of(), acked.overflow(full.length()));
    }

    @Test
    void encode_keeps_every_range_that_fits_max_chars() {
        AckedRanges acked = manyRanges();
        String full = acked.encode(Integer.MAX_VALUE);
        List<String> wrong = new ArrayList<>();
        for (int maxChars = 0; maxChars <= full.length(); maxChars++) {
            String encoded = acked.encode(maxChars);
            int nextComma = full.indexOf(',', encoded.isEmpty() ? 0 : encoded.length() + 1);
            String longer = nextComma < 0 ? full : full.substring(0, nextComma);
            if (!longer.equals(encoded) && longer.length() <= maxChars) {
                wrong.add("maxChars " + maxChars + ": '" + encoded + "' although '" + longer + "' fits");
            }
        }
        assertEquals(List.of(), wrong);
        AckedRanges single = new AckedRanges();
        single.addRange(1046, 1051);
        assertEquals("1046-1050", single.encode(9), "one range whose text is exactly maxChars long");
    }

    @Test
    void clear_forgets_everything() {
        AckedRanges acked = ranges1046to1050and1052();
        acked.clear();
        assertTrue(acked.isEmpty());
        assertEquals(0, acked.count());
        assertFalse(acked.contains(1046));
    }

    private static AckedRanges ranges1046to1050and1052() {
        AckedRanges acked = new AckedRanges();
        for (long offset = 1046; offset <= 1050; offset++) {
            acked.add(offset);
        }
        acked.add(1052);
        return acked;
    }

    /** Singles and ranges of various text lengths: 1, 3-4, 10-12, 100, 1000-1009, … */
    private static AckedRanges manyRanges() {
        AckedRanges acked = new AckedRanges();
        acked.add(1);
        acked.addRange(3, 5);
        acked.addRange(10, 13);
        acked.add(100);
        acked.addRange(1000, 1010);
        acked.add(123_456_789L);
        acked.addRange(123_456_800L, 123_457_000L);
        for (long offset = 200_000; offset < 200_100; offset += 3) {
            acked.add(offset);
        }
        return acked;
    }

    private static TreeSet<Long> offsets(Map<Long, Long> ranges) {
        TreeSet<Long> all = new TreeSet<>();
        ranges.forEach((start, end) -> {
            for (long offset = start; offset < end; offset++) {
                all.add(offset);
            }
        });
        return all;
    }
}
