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
 * Changes of a push queue's window: reclaiming expired items at the head (the original does it
 * before every pub) and {@code pub idx=I}. They may read head items from Kafka and write
 * {@code _kqf.meta}, so they run on their own threads, never a request's or the producer's.
 *
 * <p>Two locks, never taken by request threads: the line's windowLock for changing the window in
 * memory, and the queue's metaWriteLock, held across each write to {@code _kqf.meta} (taken first
 * when both are), so durable writes go out one at a time, each with the window as it is then.
 * A move is durable before it shows and before its item is sent. A reclaim shows at once and is
 * written after, coalesced: a steady stream whose head keeps expiring costs each pub a look at
 * cached items, not a Kafka round trip. A pub asks for a reclaim only when the head can have
 * expired; otherwise the check is a volatile read.
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
     * Completes once the expired items at the head are reclaimed (in memory); at once while the head
     * cannot have expired. Never fails: expiry is lazy anyway (sub checks it), so a failed pass is
     * only logged.
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
            if (line.reclaiming) {
                // The running pass looked before this pub came: the next pass is on it.
                return next;
            }
            line.reclaiming = true;
        }
        executor.execute(() -> reclaimWhileAsked(line));
        return next;
    }

    /** One thread per queue at most: passes one after the other while pubs ask for them. */
    private void reclaimWhileAsked(PushLine line) {
        while (true) {
            CompletableFuture<Void> asked;
            synchronized (line) {
                asked = line.nextReclaim;
                line.nextReclaim = null;
                if (asked == null) {
                    line.reclaiming = false;
                    return;
                }
            }
            reclaim(line);
            asked.complete(null);
        }
    }

    /** Reclaim passes run so far (tests, metrics): pubs only ask for one when the head can have expired. */
    long reclaimPasses() {
        return reclaimPasses.get();
    }

    /**
     * One reclaim pass, in memory; the write to {@code _kqf.meta} follows. Nothing a client was told
     * depends on it: a crash before it only brings expired items back into the window (sub answers
     * 404 for them) until the next pub reclaims them again.
     */
    private void reclaim(PushLine line) {
        reclaimPasses.incrementAndGet();
        QueueState queue = line.queue;
        try {
            synchronized (line.windowLock) {
                QueueMeta meta = queue.meta();
                PushWindow window = PushWindow.of(queue);
                Head head = reclaimExpired(line.tp, window.floor(), window.end());
                line.headExpiresAt = head.expiresAt();
                if (head.floor() <= meta.pushFloor()) {
                    return;
                }
                queue.meta(meta.withWindow(meta.pushBase(), head.floor()));
            }
        } catch (RuntimeException e) {
            // Kafka could not give a head item (or worse): the pubs go on, the next one looks again.
            failed("expired items of push queue " + queue.name + " not reclaimed", e);
            return;
        }
        scheduleWrite(line);
    }

    /** One writer per queue at a time; it writes the window as it is until Kafka has the latest. */
    private void scheduleWrite(PushLine line) {
        synchronized (line) {
            if (line.writing) {
                return;
            }
            line.writing = true;
        }
        executor.execute(() -> {
            QueueState queue = line.queue;
            while (true) {
                try {
                    synchronized (queue.metaWriteLock) {
                        QueueMeta current = queue.meta();
                        if (!current.equals(line.written)) {
                            metaStore.write(queue.name, current);
                            line.written = current;
                        }
                    }
                } catch (RuntimeException e) {
                    failed("window of push queue " + queue.name + " not written (the next change writes it)", e);
                    synchronized (line) {
                        line.writing = false;
                    }
                    return;
                }
                synchronized (line) {
                    // A reclaim changes the window before it calls scheduleWrite: seen here, or it starts a writer.
                    if (queue.meta().equals(line.written)) {
                        line.writing = false;
                        return;
                    }
                }
            }
        });
    }

    /**
     * {@code pub idx=I} (hustmq-api.md §2.15), after reclaiming the expired items at the head: items
     * before I are discarded, and an I after ci restarts the window so that the next item gets index
     * I. Returns once the new window is durable, and only then shows it. Blocks: run it on
     * {@link #executor()}, with the pipeline drained, so the window's end is the offset the move's
     * own item will get.
     */
    void move(PushLine line, long index) {
        QueueState queue = line.queue;
        synchronized (queue.metaWriteLock) {
            synchronized (line.windowLock) {
                QueueMeta meta = queue.meta();
                PushWindow window = PushWindow.of(queue);
                Head head = reclaimExpired(line.tp, window.floor(), window.end());
                long base = meta.pushBase();
                long floor = head.floor();
                long headExpiresAt = head.expiresAt();
                if (window.isAfterNewest(index)) {
                    base = Math.floorMod(index - 1 - window.end(), PushWindow.C);
                    floor = window.end();
                    headExpiresAt = 0;
                } else if (window.contains(index) && window.offsetOf(index) > floor) {
                    floor = window.offsetOf(index);
                    headExpiresAt = 0;
                }
                QueueMeta moved = meta.withWindow(base, floor);
                if (!moved.equals(meta) || !moved.equals(line.written)) {
                    metaStore.write(queue.name, moved);
                    line.written = moved;
                }
                queue.meta(moved);
                line.headExpiresAt = headExpiresAt;
            }
        }
    }

    private static void failed(String what, RuntimeException e) {
        if (e instanceof EngineException) {
            log.warn("{}: {}", what, e.getMessage());
        } else {
            log.error(what, e);
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
