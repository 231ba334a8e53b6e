package io.kqf.engine;

/**
 * Where a queue's requests are served now. A queue is served whole by one node of its cluster
 * (every lane of it goes to one consumer-group member), so a request that needs its lanes either
 * runs here or goes to that node.
 */
public sealed interface QueuePlace {
    /** This node: serve it here (also for a queue that does not exist or has no lanes yet). */
    record Here() implements QueuePlace {
    }

    /** Another node serves it, reachable at {@code url}. */
    record At(String node, String url) implements QueuePlace {
    }

    /** Its lanes are between owners (a rebalance, a node that died): nobody serves it yet. */
    record Moving() implements QueuePlace {
    }

    QueuePlace HERE = new Here();
    QueuePlace MOVING = new Moving();
}
