package io.kqf.engine.select;

import java.util.List;
import java.util.regex.Pattern;

import io.kqf.engine.EngineException;

/**
 * A subscription's destination: a queue name in dashed spelling, or a pattern where {@code *}
 * stands for one segment and a final {@code >} for one or more. {@code a.>} does not match
 * {@code a}; dead-letter queues ({@code DLQ.…}) match only patterns that name {@code DLQ}
 * literally; names with a segment starting {@code __} are reserved and never match.
 */
public final class DestinationPattern {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]+");

    private final String text;
    private final List<String> segments;

    private DestinationPattern(String text, List<String> segments) {
        this.text = text;
        this.segments = segments;
    }

    public static DestinationPattern parse(String text) {
        if (text == null || text.isEmpty()) {
            throw bad("destination is missing");
        }
        List<String> segments = List.of(text.split("\\.", -1));
        for (int i = 0; i < segments.size(); i++) {
            String segment = segments.get(i);
            boolean last = i == segments.size() - 1;
            if (segment.equals(">") && !last) {
                throw bad("'>' may only be the last segment of a destination");
            }
            if (!segment.equals("*") && !segment.equals(">") && !SEGMENT.matcher(segment).matches()) {
                throw bad("destination segments are [A-Za-z0-9_-]+, '*' or a final '>': " + text);
            }
            if (segment.startsWith("__")) {
                throw bad("names with a segment starting '__' are reserved");
            }
        }
        return new DestinationPattern(text, segments);
    }

    public boolean isWildcard() {
        return segments.contains("*") || segments.contains(">");
    }

    public String text() {
        return text;
    }

    /** True when the dashed queue name {@code name} is one this destination covers. */
    public boolean matches(String name) {
        String[] parts = name.split("\\.", -1);
        for (String part : parts) {
            if (part.startsWith("__")) {
                return false;
            }
        }
        if (parts[0].equals("DLQ") && !segments.get(0).equals("DLQ")) {
            return false;
        }
        for (int i = 0; i < segments.size(); i++) {
            String segment = segments.get(i);
            if (segment.equals(">")) {
                return parts.length > i;
            }
            if (i >= parts.length || !(segment.equals("*") || segment.equals(parts[i]))) {
                return false;
            }
        }
        return parts.length == segments.size();
    }

    private static EngineException bad(String reason) {
        return new EngineException(EngineException.Reason.BAD_REQUEST, reason);
    }

    @Override
    public String toString() {
        return text;
    }
}
