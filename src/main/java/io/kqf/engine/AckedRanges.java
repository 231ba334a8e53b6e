package io.kqf.engine;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Offsets acknowledged above a lane's committed offset, as disjoint half-open ranges. Encoded in
 * the offset commit's metadata as inclusive ranges, e.g. {@code 1046-1050,1052}. Not thread-safe:
 * owned by a {@link Lane} under its lock.
 */
final class AckedRanges {
    /** start (inclusive) → end (exclusive); ranges never touch or overlap. */
    private final TreeMap<Long, Long> ranges = new TreeMap<>();
    private long count;

    void add(long offset) {
        addRange(offset, offset + 1);
    }

    /** Adds [start, end), merging with neighbours. */
    void addRange(long start, long end) {
        if (start >= end) {
            return;
        }
        Map.Entry<Long, Long> before = ranges.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
            count -= before.getValue() - before.getKey();
            ranges.remove(before.getKey());
        }
        Map.Entry<Long, Long> next = ranges.ceilingEntry(start);
        while (next != null && next.getKey() <= end) {
            end = Math.max(end, next.getValue());
            count -= next.getValue() - next.getKey();
            ranges.remove(next.getKey());
            next = ranges.ceilingEntry(start);
        }
        ranges.put(start, end);
        count += end - start;
    }

    boolean contains(long offset) {
        Map.Entry<Long, Long> range = ranges.floorEntry(offset);
        return range != null && offset < range.getValue();
    }

    /** Number of acked offsets held. */
    long count() {
        return count;
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    /**
     * Moves {@code low} (the lowest offset not known acked) past every range starting at it and
     * forgets everything below the result.
     */
    long advance(long low) {
        Map.Entry<Long, Long> first = ranges.firstEntry();
        while (first != null && first.getKey() <= low) {
            low = Math.max(low, first.getValue());
            count -= first.getValue() - first.getKey();
            ranges.remove(first.getKey());
            first = ranges.firstEntry();
        }
        return low;
    }

    /** start (inclusive) → end (exclusive), ascending. */
    Map<Long, Long> ranges() {
        return java.util.Collections.unmodifiableMap(ranges);
    }

    void clear() {
        ranges.clear();
        count = 0;
    }

    /** Inclusive ranges {@code a-b,c}: the longest prefix of the ranges whose text fits {@code maxChars}. */
    String encode(int maxChars) {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<Long, Long> range : ranges.entrySet()) {
            String item = range.getValue() - range.getKey() == 1 ? String.valueOf(range.getKey())
                    : range.getKey() + "-" + (range.getValue() - 1);
            int separator = text.length() > 0 ? 1 : 0;
            if (text.length() + separator + item.length() > maxChars) {
                break;
            }
            if (text.length() > 0) {
                text.append(',');
            }
            text.append(item);
        }
        return text.toString();
    }

    /** The ranges {@link #encode} left out because they did not fit: start → end (exclusive). */
    TreeMap<Long, Long> overflow(int maxChars) {
        String encoded = encode(maxChars);
        int kept = encoded.isEmpty() ? 0 : encoded.split(",").length;
        TreeMap<Long, Long> rest = new TreeMap<>();
        Iterator<Map.Entry<Long, Long>> it = ranges.entrySet().iterator();
        for (int i = 0; it.hasNext(); i++) {
            Map.Entry<Long, Long> range = it.next();
            if (i >= kept) {
                rest.put(range.getKey(), range.getValue());
            }
        }
        return rest;
    }

    static AckedRanges decode(String text) {
        AckedRanges acked = new AckedRanges();
        if (text == null || text.isBlank()) {
            return acked;
        }
        for (String item : text.split(",")) {
            int dash = item.indexOf('-');
            try {
                if (dash < 0) {
                    acked.add(Long.parseLong(item.trim()));
                } else {
                    acked.addRange(Long.parseLong(item.substring(0, dash).trim()),
                            Long.parseLong(item.substring(dash + 1).trim()) + 1);
                }
            } catch (NumberFormatException e) {
                // Metadata written by something else than kqf: ignore the item rather than fail the lane.
            }
        }
        return acked;
    }

    @Override
    public String toString() {
        return encode(Integer.MAX_VALUE);
    }
}
