package io.kqf.engine;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes of a push queue's window in {@code _kqf.meta}: reclaiming expired items at the head (the
 * original does it before every pub) and {@code pub idx=I}. Both may read head items from Kafka and
 * write the attributes, so they run on their own threads, never a request's or the producer's, and
 * one at a time per queue (its metaWriteLock, which request threads never take for a push queue).
 * A pub asks for a reclaim only when the head can have expired; otherwise the check is a volatile read.
 */
final class WindowMoves {
    private static final Logger log = LoggerFactory.getLogger(WindowMoves.class);
    /** Expired head items reclaimed per pass at most (the rest on later pubs). */
    private static final int MAX_RECLAIM = 1000;
    private static final int THREADS = 4;
    private static final long IDLE_SECONDS = 30;
    private static final CompletableFuture<Void> NOTHING_TO_DO = CompletableFuture.completedFuture(null);

    /** The head after reclaiming: offset of the oldest retained item and when it expires (0: not known). */
    private record Head(long floor, long expiresAt) {
    }

    private final MetaStore metaStore;
    private final PushItems items;
    private final Clock clock;
    private final ThreadPoolExecutor executor;
    private final AtomicLong reclaimPasses = new AtomicLong();

    WindowMoves(MetaStore metaStore, PushItems items, Clock clock) {
        this.metaStore = metaStore;
        this.items = items;
        this.clock = clock;
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "kqf-push-window");
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /** Where window changes, and publishes waiting for one, run (never the producer's I/O thread). */
    Executor executor() {
        return executor;
    }

    /**
     * Completes once the expired items at the head are reclaimed; at once while the head cannot have
     * expired. Never fails: expiry is lazy anyway (sub checks it), so a failed pass is only logged.
     */
    CompletableFuture<Void> reclaimIfDue(PushLine line) {
        if (clock.millis() < line.headExpiresAt) {
            return NOTHING_TO_DO;
        }
        CompletableFuture<Void> next;
        synchronized (line) {
            if (line.nextReclaim != null) {
                return line.nextReclaim;
            }
            next = new CompletableFuture<>();
            line.nextReclaim = next;
        }
        executor.execute(() -> {
            synchronized (line) {
                line.nextReclaim = null;
            }
            reclaimPasses.incrementAndGet();
            try {
                move(line, null);
            } catch (EngineException e) {
                log.warn("expired items of push queue {} not reclaimed: {}", line.queue.name, e.getMessage());
            }
            next.complete(null);
        });
        return next;
    }

    /** Reclaim passes run so far (tests, metrics): pubs only ask for one when the head can have expired. */
    long reclaimPasses() {
        return reclaimPasses.get();
    }

    /**
     * Reclaims the expired items at the head and, with {@code index}, applies {@code pub idx=I}
     * (hustmq-api.md §2.15): items before I are discarded, and an I after ci restarts the window so
     * that the next item gets index I. Returns once the new window is durable. Blocks: run it on
     * {@link #executor()}. For a move the pipeline must be drained, so the window's end is the offset
     * the move's own item will get.
     */
    void move(PushLine line, Long index) {
        QueueState queue = line.queue;
        synchronized (queue.metaWriteLock) {
            QueueMeta meta = queue.meta();
            PushWindow window = PushWindow.of(queue);
            Head head = reclaimExpired(line.tp, window.floor(), window.end());
            long base = meta.pushBase();
            long floor = head.floor();
            long headExpiresAt = head.expiresAt();
            if (index != null) {
                if (window.isAfterNewest(index)) {
                    base = Math.floorMod(index - 1 - window.end(), PushWindow.C);
                    floor = window.end();
                    headExpiresAt = 0;
                } else if (window.contains(index) && window.offsetOf(index) > floor) {
                    floor = window.offsetOf(index);
                    headExpiresAt = 0;
                }
            }
            if (base != meta.pushBase() || floor != meta.pushFloor()) {
                QueueMeta moved = meta.withWindow(base, floor);
                metaStore.write(queue.name, moved);
                queue.meta(moved);
            }
            line.headExpiresAt = headExpiresAt;
        }
    }

    private Head reclaimExpired(TopicPartition tp, long floor, long end) {
        long now = clock.millis();
        for (int i = 0; i < MAX_RECLAIM && floor < end; i++) {
            Optional<PushItems.Item> item = items.item(tp, floor);
            if (item.isPresent() && !item.get().expired(now)) {
                return new Head(floor, item.get().expiresAt());
            }
            floor++;
        }
        // An empty window, or more to reclaim than one pass takes: look again on the next pub.
        return new Head(floor, 0);
    }
}
