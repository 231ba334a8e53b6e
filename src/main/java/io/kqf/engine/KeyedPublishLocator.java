package io.kqf.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

import io.kqf.engine.dedup.DedupRegistry;
import io.kqf.engine.dedup.PublishLocator;
import io.kqf.kafka.RecordReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Finds a message by the idempotency key it carries ({@link DedupRegistry#KEY_HEADER}), reading
 * the queue's lane-0 partitions from the claim time on. Idempotent publishes go to lane 0, and the
 * claiming node stamped both the claim and the message, so the search starts a moment before the
 * claim and stops at records stamped well after it (the producer gives up far sooner). It runs
 * only for a reservation whose place was never written, so a scan of that span is acceptable.
 */
final class KeyedPublishLocator implements PublishLocator, AutoCloseable {
    /** Record times are milliseconds of the same clock as the claim: a margin, not a correction. */
    private static final long BEFORE_CLAIM_MILLIS = 1_000;
    /** Past the producer's delivery timeout (2 minutes), no message of the claim can be stamped. */
    private static final long AFTER_CLAIM_MILLIS = 5 * 60_000;
    private static final int READ_BATCH = 500;

    private final QueueRegistry registry;
    private final RecordReader reader;
    private final ExecutorService searches;

    KeyedPublishLocator(QueueRegistry registry, RecordReader reader, ExecutorService searches) {
        this.registry = registry;
        this.reader = reader;
        this.searches = searches;
    }

    @Override
    public CompletableFuture<Optional<StoredAt>> locate(String queue, String key, long claimedAt) {
        return CompletableFuture.supplyAsync(() -> find(queue, key.getBytes(StandardCharsets.UTF_8), claimedAt), searches);
    }

    private Optional<StoredAt> find(String queueName, byte[] key, long claimedAt) {
        QueueState queue = registry.find(queueName);
        if (queue == null) {
            return Optional.empty();
        }
        for (Lane lane : queue.lanesOf(0)) {
            TopicPartition tp = KafkaTypes.partition(lane.tp);
            Optional<StoredAt> found = findIn(tp, key, claimedAt);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private Optional<StoredAt> findIn(TopicPartition tp, byte[] key, long claimedAt) {
        long offset = reader.offsetForTime(tp, claimedAt - BEFORE_CLAIM_MILLIS);
        while (true) {
            List<ConsumerRecord<byte[], byte[]>> read = reader.readRange(tp, offset, Long.MAX_VALUE, READ_BATCH);
            if (read.isEmpty()) {
                return Optional.empty();
            }
            for (ConsumerRecord<byte[], byte[]> record : read) {
                if (record.timestamp() > claimedAt + AFTER_CLAIM_MILLIS) {
                    return Optional.empty();
                }
                Header header = record.headers().lastHeader(DedupRegistry.KEY_HEADER);
                if (header != null && Arrays.equals(header.value(), key)) {
                    return Optional.of(new StoredAt(0, tp.partition(), record.offset(), record.timestamp()));
                }
            }
            offset = read.get(read.size() - 1).offset() + 1;
        }
    }

    @Override
    public void close() {
        searches.shutdownNow();
    }
}
