package io.kqf.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Purge: drops every ready record of one lane (leases stay outstanding) by moving the lane's
 * committed offset to its end; when no other lane holds a ready record the queue is deleted, which
 * also forgets its leases, lock, max, timeout and workers. Every wait is bounded by {@code waitNanos}.
 */
final class Purger {
    private final Poller poller;
    private final Leases leases;
    private final Ownership ownership;
    private final MetaStore metaStore;
    private final long waitNanos;

    Purger(Poller poller, Leases leases, Ownership ownership, MetaStore metaStore, long waitNanos) {
        this.poller = poller;
        this.leases = leases;
        this.ownership = ownership;
        this.metaStore = metaStore;
        this.waitNanos = waitNanos;
    }

    void purge(QueueState queue, int priority) {
        long deadline = System.nanoTime() + waitNanos;
        synchronized (queue) {
            ownership.awaitServedHere(queue, queue.allLanes(), deadline);
        }
        commitAll(moveToEnd(queue.lanesOf(priority), false, deadline), deadline);
        boolean othersEmpty;
        synchronized (queue) {
            othersEmpty = (queue.readyTotal() - queue.ready(priority)) == 0;
        }
        if (othersEmpty) {
            delete(queue, deadline);
        } else if (priority == 0) {
            synchronized (queue.metaWriteLock) {
                QueueMeta meta = queue.meta();
                if (meta != null) {
                    QueueMeta reset = meta.withBase0(queue.endOf(0));
                    metaStore.write(queue.name, reset);
                    queue.meta(reset);
                }
            }
        }
    }

    /** Acks everything in every lane, then removes the attributes: a crash in between leaves an empty queue, never a ghost. */
    void delete(QueueState queue) {
        long deadline = System.nanoTime() + waitNanos;
        synchronized (queue) {
            ownership.awaitServedHere(queue, queue.allLanes(), deadline);
        }
        delete(queue, deadline);
    }

    private void delete(QueueState queue, long deadline) {
        commitAll(moveToEnd(queue.allLanes(), true, deadline), deadline);
        synchronized (queue.metaWriteLock) {
            metaStore.write(queue.name, null);
            synchronized (queue) {
                queue.meta(null);
                queue.forgetWorkers();
                queue.changed();
            }
        }
    }

    /** On the poller thread: read each lane's end offset, ack up to it, seek the consumer past it. */
    private List<Lane> moveToEnd(List<Lane> lanes, boolean includingLeases, long deadline) {
        List<CompletableFuture<Void>> moves = new ArrayList<>();
        for (Lane lane : lanes) {
            moves.add(poller.submit(consumer -> {
                long end = consumer.endOffset(lane.tp);
                synchronized (lane.queue) {
                    if (includingLeases) {
                        leases.ackAll(lane);
                    }
                    lane.purgeTo(end);
                }
                consumer.seekIfAssigned(lane.tp, end);
                return null;
            }));
        }
        awaitAll(moves, deadline, "moving the queue's position to its end");
        return lanes;
    }

    private void commitAll(List<Lane> lanes, long deadline) {
        List<CompletableFuture<Void>> commits = new ArrayList<>();
        lanes.forEach(lane -> commits.add(poller.commit(lane)));
        awaitAll(commits, deadline, "committing the purge");
    }

    private static void awaitAll(List<CompletableFuture<Void>> futures, long deadline, String what) {
        Failures.await(CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)),
                Math.max(0, deadline - System.nanoTime()), what);
    }
}
