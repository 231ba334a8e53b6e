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
 * Reads partitions from their end on ({@link #start}), or one partition from its beginning on
 * ({@link #replay}), as records arrive: what was written before {@link #start}
 * returned is never seen, everything written after is, in order per partition. One thread owns
 * the consumer (it also closes it); it hands the records of each poll, as one list, to a handler.
 * A handler that throws loses that list only: the tail goes on.
 */
public final class TopicTail implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicTail.class);
    /** Only bounds how long close() waits for an idle poll: the broker answers a fetch as soon as data is there. */
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    /** Takes each poll's records; {@code live} is false while a replay has not reached the end it started from. */
    public interface Handler {
        void accept(List<ConsumerRecord<byte[], byte[]>> records, boolean live);
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Handler handler;
    private final Thread thread;
    /** Replays only: the partition and the end offset read at start; null when tailing from the end. */
    private final TopicPartition replayed;
    private final long replayEnd;
    private final java.util.concurrent.CountDownLatch caughtUp = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean running = true;

    private TopicTail(KafkaConsumer<byte[], byte[]> consumer, String name, Handler handler, TopicPartition replayed,
                      long replayEnd) {
        this.consumer = consumer;
        this.handler = handler;
        this.replayed = replayed;
        this.replayEnd = replayEnd;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /**
     * Positions a reader at the current end of every partition (returns once it is there), then
     * tails them on a thread named {@code name}.
     */
    public static TopicTail start(KafkaClients clients, String name, List<TopicPartition> partitions,
                                  Consumer<List<ConsumerRecord<byte[], byte[]>>> handler) {
        return start(clients.readerConsumer(name), name, partitions, handler);
    }

    /**
     * As {@link #start(KafkaClients, String, List, Consumer)}, reading with {@code consumer}
     * (unassigned; the tail owns and closes it), e.g. one that batches its fetches.
     */
    public static TopicTail start(KafkaConsumer<byte[], byte[]> consumer, String name, List<TopicPartition> partitions,
                                  Consumer<List<ConsumerRecord<byte[], byte[]>>> handler) {
        try {
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            // seekToEnd is lazy: resolve the positions now, so "from the end" means "from this call".
            partitions.forEach(consumer::position);
        } catch (KafkaException e) {
            consumer.close(Duration.ZERO);
            throw new KafkaUnavailable("cannot find the end of " + partitions + ": " + e.getMessage(), e);
        }
        TopicTail tail = new TopicTail(consumer, name, (records, live) -> handler.accept(records), null, 0);
        tail.caughtUp.countDown();
        tail.thread.start();
        return tail;
    }

    /**
     * Reads one partition from its beginning and goes on tailing it (a compacted state topic).
     * Returns once everything written before the call has been handed over with {@code live}
     * false; later records come with {@code live} true.
     */
    public static TopicTail replay(KafkaClients clients, String name, TopicPartition partition, Duration timeout,
                                   Handler handler) {
        KafkaConsumer<byte[], byte[]> consumer = clients.readerConsumer(name);
        long end;
        try {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            end = consumer.endOffsets(List.of(partition), timeout).get(partition);
        } catch (KafkaException e) {
            consumer.close(Duration.ZERO);
            throw new KafkaUnavailable("cannot read " + partition + ": " + e.getMessage(), e);
        }
        TopicTail tail = new TopicTail(consumer, name, handler, partition, end);
        tail.thread.start();
        try {
            if (!tail.caughtUp.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                tail.close();
                throw new KafkaUnavailable("could not read " + partition + " to its end within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tail.close();
            throw new KafkaUnavailable("interrupted while reading " + partition, e);
        }
        return tail;
    }

    /** Offset up to which the replayed partition was handed over (guarded by this). */
    private long handledTo;

    private void run() {
        try {
            while (running) {
                boolean live = caughtUp.getCount() == 0;
                if (!live && consumer.position(replayed) >= replayEnd) {
                    caughtUp.countDown();
                    live = true;
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                if (records.isEmpty()) {
                    notePosition();
                    continue;
                }
                List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(records.count());
                records.forEach(batch::add);
                try {
                    handler.accept(batch, live);
                } catch (RuntimeException e) {
                    log.warn("{}: handling {} records failed: {}", thread.getName(), batch.size(), e.toString());
                }
                notePosition();
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            log.error("{} stopped: records written from now on are not seen", thread.getName(), e);
        } finally {
            consumer.close(Duration.ofSeconds(1));
        }
    }

    /** After each poll: how far the replayed partition has been handed over, for {@link #awaitHandled}. */
    private void notePosition() {
        if (replayed == null) {
            return;
        }
        long position = consumer.position(replayed);
        if (position > handledTo) {
            synchronized (this) {
                handledTo = position;
                notifyAll();
            }
        }
    }

    /**
     * Waits until every record of the replayed partition below {@code offset} has been handed to
     * the handler; false if that takes longer than {@code timeout}.
     */
    public boolean awaitHandled(long offset, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (handledTo < offset) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
        }
        return true;
    }

    /**
     * Waits until everything written to the replayed partition before the call has been handed to
     * the handler (one end-offset request, through {@code reader}); false if not within {@code timeout}.
     *
     * @throws KafkaUnavailable when the end offset cannot be read
     */
    public boolean catchUp(RecordReader reader, Duration timeout) throws InterruptedException {
        Long end = reader.endOffsets(List.of(replayed)).get(replayed);
        return end == null || awaitHandled(end, timeout);
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
