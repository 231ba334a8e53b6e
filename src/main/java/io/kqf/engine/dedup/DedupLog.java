package io.kqf.engine.dedup;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

import io.kqf.kafka.KafkaClients;
import io.kqf.kafka.RecordWriter;
import io.kqf.kafka.TopicAdmin;
import io.kqf.kafka.TopicTail;

/**
 * The registry's Kafka side: the topic ({@code cleanup.policy=compact,delete}, retention twice the
 * window, several partitions), writing entries, replaying and tailing them, and scanning one key's
 * partition. Record key = {@code queue + '\0' + key} (UTF-8); every record of a key goes to the
 * partition this class computes from it, so a scan reads one partition only.
 */
final class DedupLog implements AutoCloseable {
    /** Partitions of a topic this class creates; an existing topic keeps its count. */
    static final int PARTITIONS = 8;
    /** How long the tail's fetches wait for more entries (see start). */
    private static final Duration TAIL_BATCH = Duration.ofMillis(20);
    /** Scans running at once; each has its own thread and reader, so none waits for a reader. */
    private static final int SCANNERS = 2;
    private static final Duration SCAN_TIMEOUT = Duration.ofSeconds(20);
    /**
     * Entries live by their claim time (the claiming node's clock) but reads start from a record
     * time (the producer host's clock): start this much earlier so clock skew loses no entry.
     */
    private static final long SKEW_MILLIS = Duration.ofMinutes(1).toMillis();

    private final KafkaClients clients;
    private final TopicAdmin admin;
    private final RecordWriter writer;
    private final String topic;
    private final Duration window;
    private final BlockingQueue<WindowReader> readers = new ArrayBlockingQueue<>(SCANNERS);
    private final ExecutorService scans;
    private volatile int partitions;
    private TopicTail tail;

    DedupLog(KafkaClients clients, TopicAdmin admin, RecordWriter writer, String topic, Duration window) {
        this.clients = clients;
        this.admin = admin;
        this.writer = writer;
        this.topic = topic;
        this.window = window;
        AtomicInteger threads = new AtomicInteger();
        this.scans = Executors.newFixedThreadPool(SCANNERS, task -> {
            Thread thread = new Thread(task, "kqf-dedup-scan-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Creates the topic if missing, starts tailing it, then hands every entry with a record time
     * from {@code sinceMillis} on to {@code each}; returns when those are handed over. Records that
     * arrive meanwhile may come twice (tail and replay overlap, so none falls between them): {@code
     * each} must be idempotent. It runs on the tail thread afterwards.
     */
    void start(long sinceMillis, Duration timeout, BiConsumer<String, Published> each) {
        partitions = admin.ensureData(topic, PARTITIONS, Map.of(
                "cleanup.policy", "compact,delete",
                "retention.ms", String.valueOf(window.multipliedBy(2).toMillis())));
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(new TopicPartition(topic, p));
        }
        // Batched: other nodes' claims may arrive up to TAIL_BATCH later (their races are a known gap
        // either way), and this node's own come back only to be merged with what it has.
        tail = TopicTail.start(clients.batchingReaderConsumer("kqf-dedup-tail", TAIL_BATCH), "kqf-dedup-tail", all,
                records -> records.forEach(r -> handOver(r, each)));
        try (WindowReader replay = new WindowReader(clients.readerConsumer("kqf-dedup-replay"))) {
            replay.read(all, sinceMillis - SKEW_MILLIS, timeout, record -> handOver(record, each));
        } catch (RuntimeException e) {
            tail.close();
            throw e;
        }
        for (int i = 0; i < SCANNERS; i++) {
            readers.add(new WindowReader(clients.readerConsumer("kqf-dedup-scan-" + i)));
        }
    }

    /** Writes an entry (acks=all); completes when Kafka acknowledged it, or fails with KafkaUnavailable. */
    CompletableFuture<Void> write(String key, Published entry) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        return writer.send(topic, partitionOf(bytes), bytes, entry.encode(), Map.of()).thenApply(written -> null);
    }

    /**
     * The entries of {@code key} with a record time from {@code sinceMillis} on, read from its
     * partition (on a scan thread, never the caller's).
     */
    CompletableFuture<List<Published>> scan(String key, long sinceMillis) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        TopicPartition tp = new TopicPartition(topic, partitionOf(bytes));
        return CompletableFuture.supplyAsync(() -> {
            WindowReader reader = readers.remove();
            try {
                List<Published> found = new ArrayList<>();
                reader.read(List.of(tp), sinceMillis - SKEW_MILLIS, SCAN_TIMEOUT, record -> {
                    if (Arrays.equals(record.key(), bytes)) {
                        Published.decode(record.value()).ifPresent(found::add);
                    }
                });
                return found;
            } finally {
                readers.add(reader);
            }
        }, scans);
    }

    /** The default partitioner's choice for a keyed record, computed here so writes and scans agree by construction. */
    private int partitionOf(byte[] key) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    private static void handOver(ConsumerRecord<byte[], byte[]> record, BiConsumer<String, Published> each) {
        if (record.key() == null) {
            return;
        }
        Published.decode(record.value())
                .ifPresent(entry -> each.accept(new String(record.key(), StandardCharsets.UTF_8), entry));
    }

    @Override
    public void close() {
        if (tail != null) {
            tail.close();
        }
        scans.shutdown();
        try {
            scans.awaitTermination(SCAN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        WindowReader reader;
        while ((reader = readers.poll()) != null) {
            reader.close();
        }
    }
}
