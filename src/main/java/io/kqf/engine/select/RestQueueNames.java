package io.kqf.engine.select;

import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.kqf.engine.EngineException;

/**
 * REST queue names (restful-queue.md §1, §7 "Names and queues"): dot-separated segments of
 * {@code [A-Za-z0-9_-]+}, in the path written with slashes ({@code /queues/uk/products/books} is
 * {@code uk.products.books}). Categories are not stored: a category is a proper prefix of some
 * queue name, ending at a dot.
 *
 * <p>Length: at most {@value #MAX_LENGTH} characters, the hustmq limit, so that every queue is
 * reachable through both APIs; the dead-letter queue {@code DLQ.X} of a valid {@code X} is valid
 * too (so up to {@value #MAX_DLQ_LENGTH}).
 */
public final class RestQueueNames {
    public static final int MAX_LENGTH = 64;
    public static final String DLQ_SEGMENT = "DLQ";
    static final int MAX_DLQ_LENGTH = DLQ_SEGMENT.length() + 1 + MAX_LENGTH;
    /** Would collide with the message sub-resources ({@code /queues/{path}/messages/{p}-{o}}). */
    static final String MESSAGES_SEGMENT = "messages";
    /** Segments starting so spell lane and Kafka-internal topics. */
    static final String RESERVED_SEGMENT_PREFIX = "__";
    /** The facade's own topics ({@code _kqf.meta}…), as in {@code QueueNames}. */
    static final String INTERNAL_PREFIX = "_kqf";

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]+");

    /** One entry of a category listing: {@code name} is the full name of the child {@code segment}. */
    public record Child(String segment, String name, boolean isQueue, boolean isCategory) {
        /** The same child seen in both roles' names. */
        Child and(Child other) {
            return new Child(segment, name, isQueue || other.isQueue, isCategory || other.isCategory);
        }
    }

    private RestQueueNames() {
    }

    /** {@code name} if it is a valid REST queue name; else BAD_REQUEST saying why. */
    public static String validate(String name) {
        if (name == null || name.isEmpty()) {
            throw badRequest("queue name is missing");
        }
        int max = name.startsWith(DLQ_SEGMENT + ".") ? MAX_DLQ_LENGTH : MAX_LENGTH;
        if (name.length() > max) {
            throw badRequest("queue name is longer than " + max + " characters");
        }
        if (name.startsWith(INTERNAL_PREFIX)) {
            throw badRequest("queue names starting '" + INTERNAL_PREFIX + "' are reserved");
        }
        for (String segment : name.split("\\.", -1)) {
            validateSegment(segment);
        }
        return name;
    }

    /** Whether {@code name} is a valid REST queue name. */
    public static boolean isValid(String name) {
        try {
            validate(name);
            return true;
        } catch (EngineException e) {
            return false;
        }
    }

    /**
     * The dotted form of a path ({@code uk/products/books} → {@code uk.products.books}); a path
     * already dotted, or mixed, is the same name. Not validated: a subscription destination in
     * slash form (with {@code *} or {@code >}) goes through here too.
     */
    public static String fromPath(String path) {
        return path.replace('/', '.');
    }

    /** The slash form of a name, as {@code Location} headers use it. */
    public static String toPath(String name) {
        return name.replace('.', '/');
    }

    /** Whether {@code queueName} lies under {@code category} (starts with {@code category + "."}). */
    public static boolean isCategoryOf(String category, String queueName) {
        return queueName.length() > category.length() + 1
                && queueName.startsWith(category)
                && queueName.charAt(category.length()) == '.';
    }

    /**
     * The direct children of {@code category} ({@code ""} for the top level) among {@code queueNames},
     * sorted by segment: each is a queue (a name in the collection), a category (a prefix of a longer
     * one), or both. Names that are no valid REST names (hustmq names with ':') are left out: the
     * REST API could not address them.
     */
    public static List<Child> children(Collection<String> queueNames, String category) {
        if (!category.isEmpty()) {
            validate(category);
        }
        String prefix = category.isEmpty() ? "" : category + ".";
        TreeMap<String, Child> children = new TreeMap<>();
        for (String name : queueNames) {
            if (!name.startsWith(prefix) || name.length() == prefix.length() || !isValid(name)) {
                continue;
            }
            String rest = name.substring(prefix.length());
            int dot = rest.indexOf('.');
            String segment = dot < 0 ? rest : rest.substring(0, dot);
            Child child = new Child(segment, prefix + segment, /* isQueue= */ dot < 0, /* isCategory= */ dot >= 0);
            children.merge(segment, child, Child::and);
        }
        return List.copyOf(children.values());
    }

    static void validateSegment(String segment) {
        if (segment.isEmpty()) {
            throw badRequest("queue names have no empty segment");
        }
        if (segment.startsWith(RESERVED_SEGMENT_PREFIX)) {
            throw badRequest("queue names with a segment starting '" + RESERVED_SEGMENT_PREFIX + "' are reserved");
        }
        if (segment.equals(MESSAGES_SEGMENT)) {
            throw badRequest("\u2018" + MESSAGES_SEGMENT + "\u2019 is a reserved segment");
        }
        if (!SEGMENT.matcher(segment).matches()) {
            throw badRequest("queue name segments are made of [A-Za-z0-9_-]");
        }
    }

    static EngineException badRequest(String message) {
        return new EngineException(EngineException.Reason.BAD_REQUEST, message);
    }
}
