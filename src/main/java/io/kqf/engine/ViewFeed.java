package io.kqf.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.kqf.engine.select.MessageSelector;
import io.kqf.kafka.RecordReader;
import io.kqf.kafka.TopicAdmin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the records of a base queue that a selector accepts into the selector view's hidden
 * queue, partition p of lane L to partition p of lane L, in order. The engine then leases and
 * acks the copies like any queue's records, so a view has its own consumed position and its own
 * leases while sharing every line of the lease model.
 *
 * <p>Exactly one copy per source record, across crashes: how far the feed read is the committed
 * offsets of the view's own group (written after the copies are acknowledged), and each copy
 * carries its source offset, so on start the last copy in each view partition says where copying
 * really stopped (a crash between a copy and the commit would otherwise copy it twice). A view new
 * to Kafka starts where the base queue's consumer group is: what is pending now.
 */
final class ViewFeed implements Runnable {
    /** The source offset of a copy (the view partition is the source partition). */
    static final String SOURCE_OFFSET_HEADER = "kqf-view-offset";
    private static final Logger log = LoggerFactory.getLogger(ViewFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long LANES_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long KAFKA_ANSWER_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long RETRY_MILLIS = 1000;

    private final String base;
    private final String view;
    private final MessageSelector selector;
    private final QueueEngine engine;
    private final QueueRegistry registry;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicAdmin admin;
    private final RecordReader reader;
    private final String baseGroup;
    /** Lane of each assigned source topic. */
    private final Map<String, Integer> laneOfTopic = new HashMap<>();
    /** The highest source offset copied, per source partition: records at or below it are never copied again. */
    private final Map<TopicPartition, Long> copied = new ConcurrentHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private long lanesCheckedAt;

    ViewFeed(String base, String view, MessageSelector selector, QueueEngine engine, QueueRegistry registry,
             KafkaConsumer<byte[], byte[]> consumer, TopicAdmin admin, RecordReader reader, String baseGroup) {
        this.base = base;
        this.view = view;
        this.selector = selector;
        this.engine = engine;
        this.registry = registry;
        this.consumer = consumer;
        this.admin = admin;
        this.reader = reader;
        this.baseGroup = baseGroup;
    }

    @Override
    public void run() {
        try {
            while (running) {
                try {
                    copyOnce();
                } catch (RuntimeException e) {
                    if (!running) {
                        break;
                    }
                    log.warn("selector view {}: copying paused ({}); retrying", view, e.getMessage());
                    rewind();
                    if (stopped.await(RETRY_MILLIS, TimeUnit.MILLISECONDS)) {
                        break;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void copyOnce() {
        assignNewLanes();
        // A view deleted with its queue copies nothing until it is opened again.
        if (consumer.assignment().isEmpty() || registry.find(view) == null) {
            try {
                stopped.await(POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
            return;
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        if (records.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        List<CompletableFuture<?>> copies = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            next.put(tp, new OffsetAndMetadata(record.offset() + 1));
            if (record.offset() <= copied.getOrDefault(tp, -1L)) {
                continue;
            }
            Message message = KafkaTypes.messages(List.of(record)).get(0);
            if (!selector.matches(base, message, record.partition())) {
                continue;
            }
            copies.add(engine.putCopy(view, laneOfTopic.get(record.topic()), record.partition(), message,
                    copyHeaders(message)).thenRun(() -> copied.merge(tp, record.offset(), Math::max)));
        }
        Failures.await(CompletableFuture.allOf(copies.toArray(CompletableFuture[]::new)), KAFKA_ANSWER_NANOS,
                "copying records to selector view " + view);
        consumer.commitSync(next);
    }

    private static Map<String, byte[]> copyHeaders(Message message) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        for (Message.Header header : message.headers()) {
            if (!header.name().equals(SOURCE_OFFSET_HEADER)) {
                headers.put(header.name(), header.value());
            }
        }
        headers.put(SOURCE_OFFSET_HEADER, Long.toString(message.offset()).getBytes(StandardCharsets.US_ASCII));
        return headers;
    }

    /** After a failed round: read again from the last commit (what was copied meanwhile is skipped). */
    private void rewind() {
        try {
            Set<TopicPartition> assigned = consumer.assignment();
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
            for (TopicPartition tp : assigned) {
                OffsetAndMetadata at = committed.get(tp);
                if (at != null) {
                    consumer.seek(tp, at.offset());
                }
            }
        } catch (RuntimeException e) {
            log.debug("selector view {}: rewind failed ({}); the next round retries", view, e.getMessage());
        }
    }

    /** Starts reading lanes the base queue gained (every lane at first), each where the view got to. */
    private void assignNewLanes() {
        long now = System.nanoTime();
        if (lanesCheckedAt != 0 && now - lanesCheckedAt < LANES_REFRESH_NANOS) {
            return;
        }
        lanesCheckedAt = now;
        QueueState queue = registry.find(base);
        if (queue == null) {
            return;
        }
        List<TopicPartition> fresh = new ArrayList<>();
        for (int lane : queue.meta().priorities()) {
            String topic = registry.topicOf(queue, lane);
            if (laneOfTopic.containsKey(topic)) {
                continue;
            }
            Optional<Integer> partitions = admin.partitions(topic);
            if (partitions.isEmpty()) {
                continue;
            }
            laneOfTopic.put(topic, lane);
            for (int p = 0; p < partitions.get(); p++) {
                fresh.add(new TopicPartition(topic, p));
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        Set<TopicPartition> assignment = new HashSet<>(consumer.assignment());
        assignment.addAll(fresh);
        consumer.assign(assignment);
        Map<TopicPartition, OffsetAndMetadata> own = consumer.committed(new HashSet<>(fresh));
        Map<TopicPartition, Long> baseCommitted = admin.committedOffsets(baseGroup, fresh);
        Map<TopicPartition, OffsetAndMetadata> firstPositions = new HashMap<>();
        for (TopicPartition tp : fresh) {
            OffsetAndMetadata mine = own.get(tp);
            long start = mine != null ? mine.offset() : baseCommitted.getOrDefault(tp, 0L);
            if (mine == null) {
                firstPositions.put(tp, new OffsetAndMetadata(start));
            }
            long lastCopy = lastCopiedOffset(laneOfTopic.get(tp.topic()), tp.partition());
            if (lastCopy >= 0) {
                copied.merge(tp, lastCopy, Math::max);
                start = Math.max(start, lastCopy + 1);
            }
            consumer.seek(tp, start);
        }
        // The view's start is fixed now: a view stopped before its first copy resumes here, not
        // wherever the base queue's consumers got to meanwhile.
        if (!firstPositions.isEmpty()) {
            consumer.commitSync(firstPositions);
        }
    }

    /** The source offset of the last copy in the view's partition, -1 when there is none. */
    private long lastCopiedOffset(int lane, int partition) {
        QueueState viewQueue = registry.find(view);
        if (viewQueue == null || !viewQueue.hasLane(lane)) {
            return -1;
        }
        String topic = registry.topicOf(viewQueue, lane);
        Optional<ConsumerRecord<byte[], byte[]>> last = reader.last(new TopicPartition(topic, partition));
        if (last.isEmpty()) {
            return -1;
        }
        Header header = last.get().headers().lastHeader(SOURCE_OFFSET_HEADER);
        return header == null ? -1 : Long.parseLong(new String(header.value(), StandardCharsets.US_ASCII));
    }

    /** Stops copying; the thread closes the consumer on its way out. */
    void stop() {
        running = false;
        stopped.countDown();
        consumer.wakeup();
    }
}
