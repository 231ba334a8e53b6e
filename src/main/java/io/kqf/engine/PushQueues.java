package io.kqf.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import io.kqf.kafka.RecordReader;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * hustmq push queues (pub / sub / evsub): one topic read by index, items never consumed, each with
 * a TTL (record header, checked on read).
 *
 * <p>Publishing is pipelined ({@link PubPipeline}): pubs to one queue are sent as they come and
 * share Kafka round trips, and an item's index follows from the offset Kafka gives it, so indices
 * stay dense and in publish order. A pub completes once Kafka acknowledged its record (acks=all);
 * the producer's callback completes it, no thread waits. Window changes ({@code idx}, reclaiming
 * expired items at the head) run on the threads of {@link WindowMoves}.
 */
public final class PushQueues {
    private static final Logger log = LoggerFactory.getLogger(PushQueues.class);
    public static final int MAX_TTL_SECONDS = 7200;
    public static final int DEFAULT_TTL_SECONDS = 900;
    /** How long a pub may wait behind a window move before it is answered UNAVAILABLE (unsent). */
    private static final long QUEUED_DEADLINE_SECONDS = 30;

    /** What an evsub is answered with. */
    public sealed interface EvsubOutcome {
        /** 307 to /sub: the index is in the window. */
        record InWindow() implements EvsubOutcome {
        }

        /** 403 with the window, so the client can continue from si + 1. */
        record Outside(long si, long ci) implements EvsubOutcome {
        }

        /** 404: the window stayed empty for subscribe_timeout. */
        record TimedOut() implements EvsubOutcome {
        }
    }

    private final ItemLimit itemLimit;
    private final Executor completions;
    private final QueueRegistry registry;
    private final io.kqf.kafka.RecordWriter producer;
    private final PushItems items;
    private final WindowMoves moves;
    private final Clock clock;
    private final WaitList<EvsubOutcome> evsubs;
    private final Duration subscribeTimeout;
    /** By identity: a queue's state lives as long as the node. */
    private final Map<QueueState, PushLine> lines = new ConcurrentHashMap<>();
    private final java.util.function.LongSupplier membership;
    private final RecordReader reader;

    PushQueues(ItemLimit itemLimit, QueueRegistry registry, io.kqf.kafka.RecordWriter producer, MetaStore metaStore, RecordReader reader,
               Clock clock, WaitList<EvsubOutcome> evsubs, Duration subscribeTimeout, Executor completions,
               java.util.function.LongSupplier membership) {
        this.membership = membership;
        this.reader = reader;
        this.completions = completions;
        this.itemLimit = itemLimit;
        this.registry = registry;
        this.producer = producer;
        this.items = new PushItems(reader);
        this.moves = new WindowMoves(metaStore, items, clock);
        this.clock = clock;
        this.evsubs = evsubs;
        this.subscribeTimeout = subscribeTimeout;
    }

    /**
     * Publishes an item; completes once Kafka acknowledged it, or fails with UNAVAILABLE.
     *
     * @param index null, or the original's {@code idx}: discard items before it, and restart the
     *              window there when it lies after the newest item
     */
    public CompletableFuture<Void> pub(String queueName, byte[] item, Long index, int ttlSeconds) {
        QueueNames.validate(queueName);
        if (item == null || item.length == 0) {
            throw EngineException.badRequest("the message is empty");
        }
        itemLimit.check(item.length);
        if (ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
            throw EngineException.badRequest("ttl must be 1.." + MAX_TTL_SECONDS + " seconds");
        }
        if (index != null && (index < 0 || index >= PushWindow.C)) {
            throw EngineException.badRequest("index must be 0.." + (PushWindow.C - 1));
        }
        PushLine line = lineOf(registry.findOrCreate(queueName, QueueType.PUSH));
        freshen(line.queue);
        Publish publish = new Publish(line, item, index, ttlSeconds);
        // A window move reclaims as part of the move.
        CompletableFuture<Void> reclaimed = index == null ? moves.reclaimIfDue(line) : null;
        if (line.pipeline.admit(publish)) {
            publish.start();
        } else {
            CompletableFuture.delayedExecutor(QUEUED_DEADLINE_SECONDS, TimeUnit.SECONDS, moves.executor()).execute(() -> {
                if (line.pipeline.withdraw(publish)) {
                    publish.stored.completeExceptionally(EngineException.unavailable(
                            "the pub waited " + QUEUED_DEADLINE_SECONDS + " s behind a window move of " + queueName + ", unsent"));
                }
            });
        }
        return reclaimed == null || reclaimed.isDone() ? publish.stored
                : publish.stored.thenCombine(reclaimed, (stored, none) -> null);
    }

    /** One pub on its way: an append, or (with idx) a window move and then its item. */
    private final class Publish implements PubPipeline.Step {
        private final PushLine line;
        private final byte[] item;
        private final Long index;
        private final int ttlSeconds;
        private final CompletableFuture<Void> stored = new CompletableFuture<>();
        private final AtomicBoolean finished = new AtomicBoolean();

        Publish(PushLine line, byte[] item, Long index, int ttlSeconds) {
            this.line = line;
            this.item = item;
            this.index = index;
            this.ttlSeconds = ttlSeconds;
        }

        @Override
        public boolean movesWindow() {
            return index != null;
        }

        @Override
        public void start() {
            if (index == null) {
                send();
            } else {
                moves.executor().execute(this::moveThenSend);
            }
        }

        private void moveThenSend() {
            try {
                moves.move(line, index);
            } catch (EngineException e) {
                finish(null, e);
                return;
            } catch (RuntimeException e) {
                // Whatever went wrong, the pipeline must go on: the move is finished, unsent.
                log.error("window move of push queue {} failed", line.queue.name, e);
                finish(null, EngineException.unavailable("the window move failed: " + e));
                return;
            }
            send();
        }

        private void send() {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(line.tp.topic(), line.tp.partition(), null, item);
            record.headers().add(PushItems.TTL_HEADER, PushItems.ttlHeader(ttlSeconds));
            try {
                producer.sendRaw(record, this::finish);
            } catch (RuntimeException e) {
                finish(null, e);
            }
        }

        /** Kafka's answer: on the producer's I/O thread, or on the sender's when refused at once. Once. */
        private void finish(RecordMetadata written, Exception error) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            if (error == null) {
                appended(line, written, item, ttlSeconds);
            }
            List<PubPipeline.Step> next = line.pipeline.finished(this);
            if (!next.isEmpty()) {
                // Not on the producer's I/O thread: a send may block (buffer full), a move writes _kqf.meta.
                moves.executor().execute(() -> next.forEach(PubPipeline.Step::start));
            }
            // The client's answer is written by whatever waits on `stored`: not on the producer's I/O thread.
            if (error != null) {
                EngineException failure = error instanceof EngineException refused ? refused
                        : EngineException.unavailable("Kafka did not store the item: " + error.getMessage());
                completions.execute(() -> stored.completeExceptionally(failure));
                return;
            }
            completions.execute(() -> stored.complete(null));
            if (evsubs.hasWaiters(line.queue.name)) {
                // Deciding up to a window's worth of evsubs is no work for the producer's I/O thread.
                moves.executor().execute(() -> releaseEvsubs(line.queue));
            }
        }
    }

    /** Kafka has the item: it is in the window (and in memory for its subscribers) from now on. */
    private void appended(PushLine line, RecordMetadata written, byte[] item, int ttlSeconds) {
        items.remember(line.tp, written.offset(), new PushItems.Item(item, written.timestamp(), ttlSeconds));
        QueueState queue = line.queue;
        synchronized (queue) {
            queue.pushEnd = Math.max(queue.pushEnd, written.offset() + 1);
            queue.lastPubSeconds = Math.max(queue.lastPubSeconds, written.timestamp() / 1000);
        }
    }

    /** The item at {@code index}; 404 (NO_SUCH_QUEUE / outside) as the original, EXPIRED as 404 too. */
    public byte[] sub(String queueName, long index) {
        QueueState queue = requirePush(queueName);
        freshen(queue);
        PushWindow window = window(queue);
        if (!window.contains(index)) {
            throw new OutsideWindow(window.si(), window.ci());
        }
        Optional<PushItems.Item> item = items.item(lineOf(queue).tp, window.offsetOf(index));
        if (item.isEmpty() || item.get().expired(clock.millis())) {
            throw new EngineException(EngineException.Reason.EXPIRED, "item " + index + " has expired");
        }
        return item.get().body();
    }

    /**
     * Parks until the window is non-empty, then answers whether {@code index} is in it. Decided at
     * once when the window already holds items (the original's release pass, without its delay).
     */
    public Parked<EvsubOutcome> evsub(String queueName, long index, BooleanSupplier connected) {
        QueueNames.validate(queueName);
        if (index < 0) {
            throw EngineException.badRequest("index must be >= 0");
        }
        Parked<EvsubOutcome> parked = evsubs.park(queueName, subscribeTimeout, connected, index);
        QueueState queue = registry.find(queueName);
        if (queue != null) {
            if (queue.meta() != null && queue.meta().type() == QueueType.PUSH) {
                freshen(queue);
            }
            releaseEvsubs(queue);
        }
        return parked;
    }

    /**
     * A push queue is served by one home node, which knows its end from its own pubs. When the
     * cluster's nodes changed, the home may be new here and another node may have published
     * meanwhile: its end is read from Kafka once per change (one request).
     */
    private void freshen(QueueState queue) {
        long now = membership.getAsLong();
        if (queue.pushEndMembership == now) {
            return;
        }
        org.apache.kafka.common.TopicPartition tp = lineOf(queue).tp;
        try {
            Long end = reader.endOffsets(java.util.List.of(tp)).get(tp);
            synchronized (queue) {
                if (end != null) {
                    queue.pushEnd = Math.max(queue.pushEnd, end);
                }
                queue.pushEndMembership = now;
            }
        } catch (io.kqf.kafka.KafkaUnavailable e) {
            // the next request tries again
        }
    }

    /** Decides up to window-size parked evsubs of the queue. */
    private void releaseEvsubs(QueueState queue) {
        if (!evsubs.hasWaiters(queue.name) || queue.meta() == null || queue.meta().type() != QueueType.PUSH) {
            return;
        }
        PushWindow window = window(queue);
        if (window.isEmpty()) {
            return;
        }
        int budget = (int) Math.min(window.size(), Integer.MAX_VALUE);
        for (Parked<EvsubOutcome> parked : evsubs.oldest(queue.name, budget)) {
            long index = (Long) parked.request();
            parked.release(window.contains(index) ? new EvsubOutcome.InWindow()
                    : new EvsubOutcome.Outside(window.si(), window.ci()));
        }
    }

    /** Parked evsubs (tests, metrics). */
    public int parkedEvsubs() {
        return evsubs.size();
    }

    /** Reclaim passes over the heads of push queues so far (tests, metrics). */
    public long reclaimPasses() {
        return moves.reclaimPasses();
    }

    /** Throws when a queue's publishing bookkeeping contradicts itself (tests). */
    public void checkInvariants() {
        lines.values().forEach(line -> {
            line.pipeline.checkInvariants();
            PushWindow window = window(line.queue);
            if (window.floor() > window.end()) {
                throw new IllegalStateException("push queue " + line.queue.name + ": window " + window);
            }
        });
    }

    PushWindow window(QueueState queue) {
        return PushWindow.of(queue);
    }

    /** {@link #window}, for a request: its end is read again first if the cluster's nodes changed. Blocks on Kafka then. */
    PushWindow freshWindow(QueueState queue) {
        freshen(queue);
        return PushWindow.of(queue);
    }

    /** Unix seconds of the newest item (the original's tm of a push queue), creation time before any. */
    long lastPub(QueueState queue) {
        synchronized (queue) {
            if (queue.lastPubSeconds > 0 || queue.pushEnd == 0) {
                return queue.lastPubSeconds > 0 ? queue.lastPubSeconds : queue.meta().created();
            }
        }
        long newest = items.item(lineOf(queue).tp, queue.pushEnd - 1).map(i -> i.timestamp() / 1000)
                .orElse(queue.meta().created());
        synchronized (queue) {
            queue.lastPubSeconds = Math.max(queue.lastPubSeconds, newest);
            return queue.lastPubSeconds;
        }
    }

    private PushLine lineOf(QueueState queue) {
        PushLine line = lines.get(queue);
        return line != null ? line
                : lines.computeIfAbsent(queue, q -> new PushLine(q, new TopicPartition(registry.topicOf(q, 0), 0)));
    }

    private QueueState requirePush(String queueName) {
        return registry.require(queueName, QueueType.PUSH);
    }

    /** Stopping: parked evsubs answer as their timeout would (404). */
    public void timeOutParked() {
        evsubs.timeOutAll();
    }
}
