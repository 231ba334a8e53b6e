package io.kqf.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * hustmq purge: drops every ready item of one lane (leases stay outstanding) by moving the lane's
 * committed offset to its end; when no other lane holds a ready item the queue is deleted, which
 * also forgets its leases, lock, max, timeout and workers.
 */
final class Purger {
    private final QueueEngine engine;
    private final MetaStore metaStore;
    private final LeaseTimer timer;

    Purger(QueueEngine engine, MetaStore metaStore, LeaseTimer timer) {
        this.engine = engine;
        this.metaStore = metaStore;
        this.timer = timer;
    }

    void purge(String queueName, int priority) {
        if (priority < 0 || priority > 2) {
            throw EngineException.badRequest("priori must be 0, 1 or 2");
        }
        QueueState queue = engine.requirePlain(queueName);
        synchronized (queue) {
            QueueEngine.awaitLoaded(queue, System.nanoTime() + engine.fetchWaitNanos());
        }
        commitAll(moveToEnd(queue.lanesOf(priority), false));
        boolean othersEmpty;
        synchronized (queue) {
            othersEmpty = (queue.readyTotal() - queue.ready(priority)) == 0;
        }
        if (othersEmpty) {
            delete(queue);
        } else if (priority == 0) {
            synchronized (queue.metaWriteLock) {
                QueueMeta meta = queue.meta();
                if (meta != null) {
                    QueueMeta reset = meta.withBase0(queue.laneZeroEnd());
                    metaStore.write(queue.name, reset);
                    queue.meta(reset);
                }
            }
        }
    }

    /** Acks everything in every lane, then removes the attributes: a crash in between leaves an empty queue, never a ghost. */
    private void delete(QueueState queue) {
        commitAll(moveToEnd(queue.allLanes(), true));
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
    private List<Lane> moveToEnd(List<Lane> lanes, boolean includingLeases) {
        List<CompletableFuture<Void>> moves = new ArrayList<>();
        for (Lane lane : lanes) {
            moves.add(engine.poller().submit(consumer -> {
                long end = consumer.endOffsets(List.of(lane.tp)).get(lane.tp);
                synchronized (lane.queue) {
                    if (includingLeases) {
                        lane.leased.values().forEach(timer::cancel);
                        lane.leased.keySet().forEach(lane::ack);
                        lane.queue.forgetLeasesOf(lane);
                        lane.leased.clear();
                    }
                    lane.purgeTo(end);
                }
                if (consumer.assignment().contains(lane.tp)) {
                    consumer.seek(lane.tp, end);
                }
                return null;
            }));
        }
        join(moves);
        return lanes;
    }

    private void commitAll(List<Lane> lanes) {
        List<CompletableFuture<Void>> commits = new ArrayList<>();
        lanes.forEach(lane -> commits.add(engine.poller().commit(lane)));
        join(commits);
    }

    private static void join(List<CompletableFuture<Void>> futures) {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof EngineException engineException) {
                throw engineException;
            }
            throw EngineException.unavailable("purge failed: " + e.getCause());
        }
    }
}
