package io.kqf.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads partitions from their end on, as records arrive: what was written before {@link #start}
 * returned is never seen, everything written after is, in order per partition. One thread owns
 * the consumer (it also closes it); it hands the records of each poll, as one list, to a handler.
 * A handler that throws loses that list only: the tail goes on.
 */
public final class TopicTail implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicTail.class);
    /** Only bounds how long close() waits for an idle poll: the broker answers a fetch as soon as data is there. */
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Consumer<List<ConsumerRecord<byte[], byte[]>>> handler;
    private final Thread thread;
    private volatile boolean running = true;

    private TopicTail(KafkaConsumer<byte[], byte[]> consumer, String name,
                      Consumer<List<ConsumerRecord<byte[], byte[]>>> handler) {
        this.consumer = consumer;
        this.handler = handler;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /**
     * Positions a reader at the current end of every partition (returns once it is there), then
     * tails them on a thread named {@code name}.
     */
    public static TopicTail start(KafkaClients clients, String name, List<TopicPartition> partitions,
                                  Consumer<List<ConsumerRecord<byte[], byte[]>>> handler) {
        KafkaConsumer<byte[], byte[]> consumer = clients.readerConsumer(name);
        try {
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            // seekToEnd is lazy: resolve the positions now, so "from the end" means "from this call".
            partitions.forEach(consumer::position);
        } catch (KafkaException e) {
            consumer.close(Duration.ZERO);
            throw new KafkaUnavailable("cannot find the end of " + partitions + ": " + e.getMessage(), e);
        }
        TopicTail tail = new TopicTail(consumer, name, handler);
        tail.thread.start();
        return tail;
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                if (records.isEmpty()) {
                    continue;
                }
                List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(records.count());
                records.forEach(batch::add);
                try {
                    handler.accept(batch);
                } catch (RuntimeException e) {
                    log.warn("{}: handling {} records failed: {}", thread.getName(), batch.size(), e.toString());
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            log.error("{} stopped: records written from now on are not seen", thread.getName(), e);
        } finally {
            consumer.close(Duration.ofSeconds(1));
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
