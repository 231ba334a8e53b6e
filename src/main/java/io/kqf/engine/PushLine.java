package io.kqf.engine;

import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.TopicPartition;

/** One push queue's publishing on this node: its partition, its pipeline, and the state of its window. */
final class PushLine {
    final QueueState queue;
    final TopicPartition tp;
    final PubPipeline pipeline = new PubPipeline();
    /**
     * Guards read-modify-write of the window in memory ({@code queue.meta()}); taken inside the
     * queue's metaWriteLock when both are needed, never by request threads.
     */
    final Object windowLock = new Object();
    /**
     * Wall-clock millis before which the oldest retained item cannot have expired, so a pub need not
     * look at the head; 0 when not known. Written under {@link #windowLock}, by whoever looked.
     */
    volatile long headExpiresAt;
    /** The next reclaim pass, asked for and not started yet: pubs that find the head due join it. Guarded by this. */
    CompletableFuture<Void> nextReclaim;
    /** A thread is running reclaim passes for this queue. Guarded by this. */
    boolean reclaiming;
    /** A writer is bringing _kqf.meta up to the window in memory. Guarded by this. */
    boolean writing;
    /** The window last written to _kqf.meta (from here, or before: read from it). Written under the queue's metaWriteLock. */
    volatile QueueMeta written;

    PushLine(QueueState queue, TopicPartition tp) {
        this.queue = queue;
        this.tp = tp;
        this.written = queue.meta();
    }
}
