package io.kqf.engine;

import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.TopicPartition;

/** One push queue's publishing on this node: its partition, its pipeline, and when its head can expire. */
final class PushLine {
    final QueueState queue;
    final TopicPartition tp;
    final PubPipeline pipeline = new PubPipeline();
    /**
     * Wall-clock millis before which the oldest retained item cannot have expired, so a pub need not
     * look at the head; 0 when not known. Written under the queue's metaWriteLock, by whoever looked.
     */
    volatile long headExpiresAt;
    /** A reclaim scheduled and not started yet: pubs that find the head due join it. Guarded by this. */
    CompletableFuture<Void> nextReclaim;

    PushLine(QueueState queue, TopicPartition tp) {
        this.queue = queue;
        this.tp = tp;
    }
}
