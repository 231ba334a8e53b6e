package io.kqf.engine;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Queue names ↔ Kafka topics. {@code topic = prefix + name} with ':' (legal in queue names, illegal
 * in topics) written as '-' (illegal in queue names), a bijection. Lane p > 0 is
 * {@code <topic>.__p<p>}; names with a dot-segment starting "__" are reserved for such lanes.
 */
public final class QueueNames {
    /** hustmq queue names: 1-64 characters of [0-9A-Za-z_:.]. */
    private static final Pattern NAME = Pattern.compile("[0-9A-Za-z_:.]{1,64}");
    private static final String INTERNAL_PREFIX = "_kqf";
    private static final String LANE_SUFFIX = ".__p";

    private final String topicPrefix;

    public QueueNames(String topicPrefix) {
        this.topicPrefix = topicPrefix;
    }

    /** Throws BAD_REQUEST with the reason when {@code name} cannot be a queue name. */
    public static String validate(String name) {
        if (name == null || name.isEmpty()) {
            throw EngineException.badRequest("queue is missing");
        }
        if (!NAME.matcher(name).matches()) {
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

    /** The topic of lane {@code priority} of a (valid) queue. */
    public String topic(String queue, int priority) {
        String base = topicPrefix + queue.replace(':', '-');
        return priority == 0 ? base : base + LANE_SUFFIX + priority;
    }

    /** The queue a lane-0 topic belongs to, if it is one of this node's (prefix) and not a lane topic. */
    public Optional<String> queueOfTopic(String topic) {
        if (!topic.startsWith(topicPrefix) || topic.contains(LANE_SUFFIX)) {
            return Optional.empty();
        }
        String name = topic.substring(topicPrefix.length()).replace('-', ':');
        try {
            return Optional.of(validate(name));
        } catch (EngineException e) {
            return Optional.empty();
        }
    }
}
