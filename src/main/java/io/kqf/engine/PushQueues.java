package io.kqf.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import io.kqf.kafka.RecordReader;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * hustmq push queues (pub / sub / evsub): one topic read by index, items never consumed, each with
 * a TTL (record header, checked on read). Publishes to one queue are serialised, so indices are
 * dense and {@code pub idx=I} can move the window as the original allows.
 */
public final class PushQueues {
    public static final int MAX_TTL_SECONDS = 7200;
    public static final int DEFAULT_TTL_SECONDS = 900;
    /** Expired head items reclaimed per pub at most (the rest on later pubs). */
    private static final int MAX_RECLAIM = 1000;

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

    private final QueueEngine engine;
    private final QueueRegistry registry;
    private final KafkaProducer<byte[], byte[]> producer;
    private final MetaStore metaStore;
    private final PushItems items;
    private final Clock clock;
    private final WaitList<EvsubOutcome> evsubs;
    private final Duration subscribeTimeout;

    PushQueues(QueueEngine engine, QueueRegistry registry, KafkaProducer<byte[], byte[]> producer, MetaStore metaStore, RecordReader reader,
               Clock clock, WaitList<EvsubOutcome> evsubs, Duration subscribeTimeout) {
        this.engine = engine;
        this.registry = registry;
        this.producer = producer;
        this.metaStore = metaStore;
        this.items = new PushItems(reader);
        this.clock = clock;
        this.evsubs = evsubs;
        this.subscribeTimeout = subscribeTimeout;
    }

    /**
     * Publishes an item; returns once Kafka acknowledged it.
     *
     * @param index null, or the original's {@code idx}: discard items before it, and restart the
     *              window there when it lies after the newest item
     */
    public void pub(String queueName, byte[] item, Long index, int ttlSeconds) {
        QueueNames.validate(queueName);
        if (item == null || item.length == 0) {
            throw EngineException.badRequest("item is missing (send it as the body or as item=)");
        }
        engine.checkSize(item);
        if (ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
            throw EngineException.badRequest("ttl must be 1.." + MAX_TTL_SECONDS + " seconds");
        }
        if (index != null && (index < 0 || index >= PushWindow.C)) {
            throw EngineException.badRequest("idx must be 0.." + (PushWindow.C - 1));
        }
        QueueState queue = registry.findOrCreate(queueName, QueueType.PUSH);
        TopicPartition tp = new TopicPartition(registry.topicOf(queue, 0), 0);
        synchronized (queue.metaWriteLock) {
            QueueMeta meta = queue.meta();
            PushWindow window = window(queue);
            long base = meta.pushBase();
            long floor = reclaimExpired(tp, window.floor(), window.end());
            if (index != null) {
                if (window.isAfterNewest(index)) {
                    base = Math.floorMod(index - 1 - window.end(), PushWindow.C);
                    floor = window.end();
                } else if (window.contains(index)) {
                    floor = Math.max(floor, window.offsetOf(index));
                }
            }
            if (base != meta.pushBase() || floor != meta.pushFloor()) {
                QueueMeta moved = meta.withWindow(base, floor);
                metaStore.write(queueName, moved);
                queue.meta(moved);
            }
            RecordMetadata written = send(tp, item, ttlSeconds);
            items.remember(tp, written.offset(), new PushItems.Item(item, written.timestamp(), ttlSeconds));
            synchronized (queue) {
                queue.pushEnd = Math.max(queue.pushEnd, written.offset() + 1);
                queue.lastPubSeconds = written.timestamp() / 1000;
            }
        }
        releaseEvsubs(queue);
    }

    private RecordMetadata send(TopicPartition tp, byte[] item, int ttlSeconds) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(tp.topic(), tp.partition(), null, item);
        record.headers().add(PushItems.TTL_HEADER, PushItems.ttlHeader(ttlSeconds));
        return Acknowledged.await(producer.send(record), "the item");
    }

    /** Moves the floor past expired items at the head (the original reclaims them on pub). */
    private long reclaimExpired(TopicPartition tp, long floor, long end) {
        long now = clock.millis();
        for (int i = 0; i < MAX_RECLAIM && floor < end; i++) {
            Optional<PushItems.Item> item = items.item(tp, floor);
            if (item.isPresent() && !item.get().expired(now)) {
                break;
            }
            floor++;
        }
        return floor;
    }

    /** The item at {@code index}; 404 (NO_SUCH_QUEUE / outside) as the original, EXPIRED as 404 too. */
    public byte[] sub(String queueName, long index) {
        QueueState queue = requirePush(queueName);
        PushWindow window = window(queue);
        if (!window.contains(index)) {
            throw new OutsideWindow(window.si(), window.ci());
        }
        TopicPartition tp = new TopicPartition(registry.topicOf(queue, 0), 0);
        Optional<PushItems.Item> item = items.item(tp, window.offsetOf(index));
        if (item.isEmpty() || item.get().expired(clock.millis())) {
            throw new EngineException(EngineException.Reason.NO_SUCH_QUEUE, "item " + index + " has expired");
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
            throw EngineException.badRequest("idx must be >= 0");
        }
        Parked<EvsubOutcome> parked = evsubs.park(queueName, subscribeTimeout, connected, index);
        QueueState queue = registry.find(queueName);
        if (queue != null) {
            releaseEvsubs(queue);
        }
        return parked;
    }

    /** Decides up to window-size parked evsubs of the queue. */
    private void releaseEvsubs(QueueState queue) {
        if (queue.meta() == null || queue.meta().type() != QueueType.PUSH) {
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

    PushWindow window(QueueState queue) {
        QueueMeta meta = queue.meta();
        synchronized (queue) {
            return PushWindow.of(meta.pushBase(), Math.min(meta.pushFloor(), queue.pushEnd), queue.pushEnd);
        }
    }

    /** Unix seconds of the newest item (the original's tm of a push queue), creation time before any. */
    long lastPub(QueueState queue) {
        synchronized (queue) {
            if (queue.lastPubSeconds > 0 || queue.pushEnd == 0) {
                return queue.lastPubSeconds > 0 ? queue.lastPubSeconds : queue.meta().created();
            }
        }
        TopicPartition tp = new TopicPartition(registry.topicOf(queue, 0), 0);
        long newest = items.item(tp, queue.pushEnd - 1).map(i -> i.timestamp() / 1000).orElse(queue.meta().created());
        synchronized (queue) {
            queue.lastPubSeconds = Math.max(queue.lastPubSeconds, newest);
            return queue.lastPubSeconds;
        }
    }

    private QueueState requirePush(String queueName) {
        return registry.require(queueName, QueueType.PUSH);
    }
}
