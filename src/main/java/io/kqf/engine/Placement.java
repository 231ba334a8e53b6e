package io.kqf.engine;

import java.util.Optional;

import io.kqf.kafka.TopicNames;

/**
 * Answers where a queue is served, from what this node serves and what the others announce
 * ({@link NodeDirectory}). A lone node serves everything itself: with no other node live, a queue
 * whose lanes are not loaded yet is still {@link QueuePlace#HERE} (its requests wait for them here).
 */
final class Placement {
    private static final long RECHECK_MILLIS = 20;

    private final QueueRegistry registry;
    private final NodeDirectory nodes;
    private final Runnable attributesCatchUp;

    /** @param attributesCatchUp applies every queue attribute written so far (another node's new queue) */
    Placement(QueueRegistry registry, NodeDirectory nodes, Runnable attributesCatchUp) {
        this.attributesCatchUp = attributesCatchUp;
        this.registry = registry;
        this.nodes = nodes;
    }

    QueuePlace of(String queueName) {
        return of(queueName, true);
    }

    /** @param catchUp whether a queue unknown here is first looked for in the attributes other nodes wrote */
    QueuePlace of(String queueName, boolean catchUp) {
        String stem;
        try {
            stem = TopicNames.stemOf(registry.names().topic(QueueNames.validateLeased(queueName), 0));
        } catch (EngineException badName) {
            return QueuePlace.HERE; // refused here, the same as everywhere
        }
        QueueState queue = registry.find(queueName);
        if (queue == null && catchUp && nodes.othersLive()) {
            // Perhaps created a moment ago on another node: this node may not have heard yet.
            attributesCatchUp.run();
            queue = registry.find(queueName);
        }
        if (queue != null && queue.meta().type() == QueueType.PUSH) {
            return pushHomeOf(queueName); // no partition is assigned: its home is chosen among the live nodes
        }
        if (queue != null && queue.anyLaneLoaded()) {
            return QueuePlace.HERE;
        }
        Optional<NodeAnnouncement> other = nodes.otherServerOf(stem);
        if (other.isPresent()) {
            return new QueuePlace.At(other.get().node(), other.get().url());
        }
        return queue != null && queue.hasAnyLane() && nodes.othersLive() ? QueuePlace.MOVING : QueuePlace.HERE;
    }

    /** Where push queue {@code queueName} is served: its home node (any node could, but one keeps its window). */
    QueuePlace pushHomeOf(String queueName) {
        NodeAnnouncement home = nodes.pushHomeOf(queueName);
        return home == null || home.node().equals(nodes.nodeId()) ? QueuePlace.HERE : new QueuePlace.At(home.node(), home.url());
    }

    /** {@link #of}, waiting up to {@code deadlineNanos} (System.nanoTime) while the queue is {@link QueuePlace#MOVING}. */
    QueuePlace await(String queueName, long deadlineNanos) {
        QueuePlace place = of(queueName);
        while (place instanceof QueuePlace.Moving) {
            long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return place;
            }
            try {
                nodes.awaitAnnouncement(Math.min(left, RECHECK_MILLIS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return place;
            }
            place = of(queueName);
        }
        return place;
    }

    /** How many times this node let go of one of the queue's lanes after serving it (0: unknown here). */
    int releasesHere(String queueName) {
        QueueState queue = registry.find(queueName);
        return queue == null ? 0 : queue.laneUnloads();
    }
}
