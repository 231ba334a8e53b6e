package io.kqf.engine;

import java.util.Optional;
import java.util.regex.Pattern;

import io.kqf.kafka.TopicNames;

/**
 * Which names are queue names (1-64 characters of [0-9A-Za-z_:.], no dot-segment starting "__":
 * those spell lane topics; no {@code _kqf} prefix: internal topics), and through {@link TopicNames}
 * the topics of their lanes.
 */
public final class QueueNames {
    /** hustmq queue names: 1-64 characters of [0-9A-Za-z_:.]. */
    private static final Pattern NAME = Pattern.compile("[0-9A-Za-z_:.]{1,64}");
    private static final String INTERNAL_PREFIX = "_kqf";
    private static final String DEAD_LETTER_PREFIX = "DLQ.";
    /**
     * A selector view of a queue is the hidden queue {@code <queue>.__v<viewId>}: the '__' segment
     * keeps it out of every client's namespace (both APIs refuse such names), and its lane topics
     * stay distinct from the base queue's ({@code .__p<n>}).
     */
    private static final String VIEW_MARK = ".__v";
    private static final Pattern VIEW_ID = Pattern.compile("[0-9a-f]{16}");

    private final TopicNames topics;

    public QueueNames(String topicPrefix) {
        this.topics = new TopicNames(topicPrefix);
    }

    /** Throws BAD_REQUEST with the reason when {@code name} cannot be a queue name. */
    public static String validate(String name) {
        if (name == null || name.isEmpty()) {
            throw EngineException.badRequest("queue is missing");
        }
        // A queue's dead-letter queue (DLQ.<queue>) must exist for the longest queue name too.
        String checked = name.startsWith(DEAD_LETTER_PREFIX) && name.length() > DEAD_LETTER_PREFIX.length()
                ? name.substring(DEAD_LETTER_PREFIX.length()) : name;
        if (!NAME.matcher(checked).matches()) {
            throw EngineException.badRequest("queue must be 1-64 characters of [0-9A-Za-z_:.]");
        }
        if (name.equals(".") || name.equals("..") || name.startsWith(INTERNAL_PREFIX)) {
            throw EngineException.badRequest("queue name " + name + " is reserved");
        }
        for (String segment : name.split("\\.", -1)) {
            if (segment.startsWith("__")) {
                throw EngineException.badRequest("queue names with a segment starting '__' are reserved");
            }
        }
        return name;
    }

    /** The hidden queue that holds selector view {@code viewId} of queue {@code base}. */
    public static String view(String base, String viewId) {
        validate(base);
        if (!VIEW_ID.matcher(viewId).matches()) {
            throw new IllegalArgumentException("not a view id: " + viewId);
        }
        return base + VIEW_MARK + viewId;
    }

    /** Whether {@code name} is a selector view's hidden queue (see {@link #view}). */
    public static boolean isView(String name) {
        int at = name == null ? -1 : name.lastIndexOf(VIEW_MARK);
        return at > 0 && VIEW_ID.matcher(name.substring(at + VIEW_MARK.length())).matches();
    }

    /** The queue a view's hidden queue selects from; the name itself when it is no view. */
    public static String baseOf(String name) {
        return isView(name) ? name.substring(0, name.lastIndexOf(VIEW_MARK)) : name;
    }

    /**
     * {@link #validate} for names the engine serves leases from: a client's queue, or a selector
     * view's hidden queue (reached only through subscriptions, whose message URIs name it).
     */
    static String validateLeased(String name) {
        if (isView(name)) {
            validate(baseOf(name));
            return name;
        }
        return validate(name);
    }

    /**
     * A name spelled with '-' (the REST API's spelling, and the topic's) as the engine spells it:
     * topics write ':' as '-', so {@code a-b} and {@code a:b} are one queue; engine names never
     * contain '-' and REST names never contain ':'.
     */
    public static String fromDashed(String dashed) {
        return dashed.replace('-', ':');
    }

    /** The engine's name spelled with '-' (see {@link #fromDashed}). */
    public static String toDashed(String name) {
        return name.replace(':', '-');
    }

    /** The topic of lane {@code priority} of a (valid) queue. */
    public String topic(String queue, int priority) {
        return topics.laneTopic(queue, priority);
    }

    /**
     * The queue a lane-0 topic belongs to, if it is one of this node's (prefix), not a lane topic,
     * and a valid name (a selector view's hidden queue included).
     */
    public Optional<String> queueOfTopic(String topic) {
        return topics.queueOf(topic).filter(name -> {
            try {
                validateLeased(name);
                return true;
            } catch (EngineException e) {
                return false;
            }
        });
    }
}
