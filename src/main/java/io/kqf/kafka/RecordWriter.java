package io.kqf.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records through the node's one durable producer (acks=all, idempotent) without waiting:
 * the future completes once Kafka acknowledged the record, or fails with {@link KafkaUnavailable}.
 * It always completes: the producer gives up after its delivery timeout. Records written one after
 * the other share batches and requests (the producer groups what accumulates while a request is
 * in flight), so many requests share one round trip.
 *
 * <p>A producer keeps a batch queue, metadata and sensors for every partition it ever wrote to,
 * and its I/O thread walks all of them on every send: with thousands of queues that walk was half
 * of a node's samples while queues were created, and the sensors a large part of its heap. So the
 * writer moves to a fresh producer once the current one has written to {@link #TOPIC_LIMIT}
 * topics (at most once per {@link #MIN_PRODUCER_LIFE}); the old one finishes what it holds and
 * closes. Client state is then bounded by the recently written topics, not by every queue.
 * Records in flight on the old producer and new ones on the next are not ordered between them;
 * only writes that overlap in time can be reordered, and those have no order to keep.
 */
public final class RecordWriter implements AutoCloseable {
    /** Where an acknowledged record landed. */
    public record Written(String topic, int partition, long offset, long timestamp) {
    }

    private static final Logger log = LoggerFactory.getLogger(RecordWriter.class);
    static final int TOPIC_LIMIT = 1000;
    static final Duration MIN_PRODUCER_LIFE = Duration.ofSeconds(10);

    private final Supplier<KafkaProducer<byte[], byte[]>> producers;
    private volatile Generation current;
    private final Set<String> topicsWritten = ConcurrentHashMap.newKeySet();
    private volatile int rotations;
    private final Executor completions;

    /**
     * @param completions where acknowledgements complete their futures: the producer's one network
     *                    thread must not run callers' continuations (writing HTTP responses
     *                    there serialises every put and delays the next produce request)
     */
    public RecordWriter(Supplier<KafkaProducer<byte[], byte[]>> producers, Executor completions) {
        this.producers = producers;
        this.current = new Generation(producers.get());
        this.completions = completions;
    }

    /** A writer on one producer of the caller's, never replaced (for writers of a few topics). */
    public RecordWriter(KafkaProducer<byte[], byte[]> producer, Executor completions) {
        this.producers = null;
        this.current = new Generation(producer);
        this.completions = completions;
    }

    /** @param value null writes a tombstone */
    public CompletableFuture<Written> send(String topic, byte[] key, byte[] value, Map<String, byte[]> headers) {
        return send(topic, null, key, value, headers);
    }

    /** @param partition null lets the producer choose (by key, or sticky without one) */
    public CompletableFuture<Written> send(String topic, Integer partition, byte[] key, byte[] value,
                                           Map<String, byte[]> headers) {
        return send(topic, partition, null, key, value, headers);
    }

    /** @param timestamp the record's time, null for now */
    public CompletableFuture<Written> send(String topic, Integer partition, Long timestamp, byte[] key, byte[] value,
                                           Map<String, byte[]> headers) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition, timestamp, key, value);
        headers.forEach((name, headerValue) -> record.headers().add(name, headerValue));
        return write(record).thenApply(m -> new Written(m.topic(), m.partition(), m.offset(), m.timestamp()));
    }

    /** Writes a record built by the caller (headers and all). */
    public CompletableFuture<RecordMetadata> write(ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<RecordMetadata> written = new CompletableFuture<>();
        Generation generation = acquire(record.topic());
        try {
            generation.producer.send(record, (metadata, error) -> completions.execute(() -> {
                if (error != null) {
                    written.completeExceptionally(new KafkaUnavailable(
                            "Kafka did not store a record in " + record.topic() + ": " + error.getMessage(), error));
                } else {
                    written.complete(metadata);
                }
            }));
        } catch (RuntimeException e) {
            // Refused before sending (no metadata within max.block.ms, buffer full, producer closed).
            written.completeExceptionally(new KafkaUnavailable("cannot write to " + record.topic() + ": " + e.getMessage(), e));
        } finally {
            generation.release();
        }
        return written;
    }

    /**
     * Sends with a callback of the caller's, which runs on the producer's I/O thread (or on the
     * caller's when the producer refuses at once): for writers that keep their own pipeline.
     */
    public void sendRaw(ProducerRecord<byte[], byte[]> record, Callback callback) {
        Generation generation = acquire(record.topic());
        try {
            generation.producer.send(record, callback);
        } finally {
            generation.release();
        }
    }

    /** How many times the writer moved to a fresh producer. */
    public int rotations() {
        return rotations;
    }

    /** The producer to send on, held until {@link Generation#release()}: it is not closed meanwhile. */
    private Generation acquire(String topic) {
        if (producers != null && topicsWritten.add(topic) && topicsWritten.size() > TOPIC_LIMIT
                && System.nanoTime() - current.born > MIN_PRODUCER_LIFE.toNanos()) {
            rotate();
        }
        while (true) {
            Generation generation = current;
            generation.senders.incrementAndGet();
            if (!generation.retired) {
                return generation;
            }
            generation.release(); // retired between the read and the hold: take the next one
        }
    }

    private synchronized void rotate() {
        if (topicsWritten.size() <= TOPIC_LIMIT) {
            return; // another sender rotated meanwhile
        }
        Generation old = current;
        current = new Generation(producers.get());
        topicsWritten.clear();
        rotations++;
        old.retire();
        log.info("moved to a fresh producer after writing to more than {} topics (state for recently written topics only)", TOPIC_LIMIT);
    }

    /**
     * One producer and the sends under way on it. Retired, it closes once its last sender is
     * done; close() then waits for what it holds to be acknowledged (their callbacks run as usual),
     * so on a thread of its own, not a sender's.
     */
    private static final class Generation {
        final KafkaProducer<byte[], byte[]> producer;
        final long born = System.nanoTime();
        final java.util.concurrent.atomic.AtomicInteger senders = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
        volatile boolean retired;

        Generation(KafkaProducer<byte[], byte[]> producer) {
            this.producer = producer;
        }

        void retire() {
            retired = true;
            if (senders.get() == 0) {
                closeInBackground();
            }
        }

        void release() {
            if (senders.decrementAndGet() == 0 && retired) {
                closeInBackground();
            }
        }

        private void closeInBackground() {
            if (closing.compareAndSet(false, true)) {
                Thread closer = new Thread(() -> producer.close(Duration.ofSeconds(60)), "kqf-producer-retire");
                closer.setDaemon(true);
                closer.start();
            }
        }
    }

    @Override
    public synchronized void close() {
        current.producer.close(Duration.ofSeconds(5));
    }
}
