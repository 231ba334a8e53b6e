package io.kqf.engine.select;

import java.util.List;

import io.kqf.engine.EngineException;

/**
 * A subscription's destination (restful-queue.md §1, §7 "Names and queues"): a queue name whose
 * segments may be {@code *} (exactly one segment) or, as the last segment only, {@code >} (one or
 * more segments: {@code a.>} matches {@code a.b} and {@code a.b.c}, not {@code a}). Dotted form only;
 * the HTTP layer turns a slash path into it ({@link RestQueueNames#fromPath}).
 *
 * <p>Invariants: dead-letter queues ({@code DLQ.…}) match only patterns whose first segment is
 * literally {@code DLQ}, so {@code >} or {@code *.x} never pull them into a subscription; reserved
 * names (a {@code __} segment, the {@code _kqf} prefix) match nothing, and a pattern naming one is
 * refused. A pattern without wildcards matches exactly the one queue it names.
 */
public final class DestinationPattern {
    private static final String ONE = "*";
    private static final String REST = ">";

    private final String text;
    private final List<String> segments;
    private final boolean wildcard;

    private DestinationPattern(String text, List<String> segments, boolean wildcard) {
        this.text = text;
        this.segments = segments;
        this.wildcard = wildcard;
    }

    /** The pattern {@code text} spells; BAD_REQUEST saying why when it spells none. */
    public static DestinationPattern parse(String text) {
        if (text == null || text.isEmpty()) {
            throw badRequest("destination is missing");
        }
        if (text.length() > RestQueueNames.MAX_DLQ_LENGTH) {
            throw badRequest("destination is longer than " + RestQueueNames.MAX_DLQ_LENGTH + " characters");
        }
        List<String> segments = List.of(text.split("\\.", -1));
        boolean wildcard = false;
        for (int i = 0; i < segments.size(); i++) {
            String segment = segments.get(i);
            if (segment.equals(REST)) {
                if (i != segments.size() - 1) {
                    throw badRequest("'>' is allowed only as the last segment of a destination");
                }
                wildcard = true;
            } else if (segment.equals(ONE)) {
                wildcard = true;
            } else {
                try {
                    RestQueueNames.validateSegment(segment);
                } catch (EngineException e) {
                    throw badRequest("destination " + text + ": " + e.getMessage());
                }
            }
        }
        if (!wildcard) {
            RestQueueNames.validate(text);
        } else if (text.startsWith(RestQueueNames.INTERNAL_PREFIX)) {
            throw badRequest("destinations starting '" + RestQueueNames.INTERNAL_PREFIX + "' are reserved");
        }
        return new DestinationPattern(text, segments, wildcard);
    }

    /** Whether the queue {@code queueName} is one this destination subscribes to. */
    public boolean matches(String queueName) {
        if (!wildcard) {
            return text.equals(queueName);
        }
        if (queueName == null || !RestQueueNames.isValid(queueName)) {
            return false;
        }
        String[] name = queueName.split("\\.", -1);
        if (name[0].equals(RestQueueNames.DLQ_SEGMENT) && !segments.get(0).equals(RestQueueNames.DLQ_SEGMENT)) {
            return false;
        }
        for (int i = 0; i < segments.size(); i++) {
            String segment = segments.get(i);
            if (segment.equals(REST)) {
                return name.length > i;
            }
            if (i >= name.length || !(segment.equals(ONE) || segment.equals(name[i]))) {
                return false;
            }
        }
        return name.length == segments.size();
    }

    /** Whether it has a {@code *} or {@code >}, so it may match more than one queue, and future ones. */
    public boolean isWildcard() {
        return wildcard;
    }

    /** The pattern as given (dotted form). */
    public String text() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DestinationPattern other && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }

    private static EngineException badRequest(String message) {
        return RestQueueNames.badRequest(message);
    }
}
