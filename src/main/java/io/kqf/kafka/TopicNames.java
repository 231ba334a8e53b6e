package io.kqf.kafka;

import java.util.Optional;

/**
 * Queue names ↔ Kafka topics, a bijection: {@code topic = prefix + name} with ':' (legal in queue
 * names, illegal in topic names) written as '-' (illegal in queue names). Lane p > 0 of a queue is
 * the topic {@code <topic>.__p<p>}. Which names are valid queue names is the engine's business;
 * this class only spells topics.
 */
public final class TopicNames {
    private static final String LANE_SUFFIX = ".__p";
    /** What every topic derived from a queue's own topic (lanes, views) adds after it: ".__". */
    private static final String DERIVED_MARK = ".__";

    private final String prefix;

    public TopicNames(String prefix) {
        this.prefix = prefix;
    }

    /** The topic of lane {@code lane} of queue {@code queue}. */
    public String laneTopic(String queue, int lane) {
        String base = prefix + queue.replace(':', '-');
        return lane == 0 ? base : base + LANE_SUFFIX + lane;
    }

    /**
     * The topic a derived topic (a lane, a view, a view's lane) derives from: everything before its
     * first ".__". Queue names never contain "__" after a dot, so each stem is one queue.
     */
    public static String stemOf(String topic) {
        int mark = topic.indexOf(DERIVED_MARK);
        return mark < 0 ? topic : topic.substring(0, mark);
    }

    /** The queue name a lane-0 topic spells, if it has this node's prefix and is no lane topic. */
    public Optional<String> queueOf(String topic) {
        if (!topic.startsWith(prefix) || topic.contains(LANE_SUFFIX)) {
            return Optional.empty();
        }
        return Optional.of(topic.substring(prefix.length()).replace('-', ':'));
    }
}
