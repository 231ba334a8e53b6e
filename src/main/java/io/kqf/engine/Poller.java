package io.kqf.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the node's group consumer (KafkaConsumer is not thread-safe). It
 * fetches records into lanes, pauses partitions whose lane buffer is full, restores lanes on
 * assignment and commits acks in groups: every ack registered before a commit starts is completed
 * by that commit, so an acknowledged 200 is never delivered again. Other threads only enqueue
 * work and {@link #nudge()} it; no consumer call is made outside this thread, and no caller's
 * continuation runs on it.
 */
final class Poller implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Poller.class);
    /** Commit metadata must stay under the broker's offset.metadata.max.bytes (4096 by default). */
    static final int MAX_METADATA_CHARS = 4000;
    private static final Duration IDLE_POLL = Duration.ofMillis(200);
    private static final long OVERFLOW_WRITE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private volatile LaneDirectory directory;
    private final LeaseJournal journal;
    private final int bufferLimit;
    private final AtomicReference<Set<String>> wantedTopics = new AtomicReference<>(Set.of());
    private final AtomicBoolean subscriptionChanged = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Set<Lane> dirty = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<CommitWaiter> commitWaiters = new ConcurrentLinkedQueue<>();
    /** Lanes a get is waiting on: their fetch position is refreshed every loop. */
    private final Set<Lane> watched = ConcurrentHashMap.newKeySet();
    private final Map<TopicPartition, Lane> assigned = new HashMap<>();
    /** Written by the poller only; read by request threads that drained a lane (so concurrent). */
    private final Set<Lane> paused = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean polling = new AtomicBoolean();
    private final long lingerNanos;
    /**
     * Where the futures this thread settles are completed: their dependents (a response being
     * written, a parked request served) must never run on the poller, which would stall fetching
     * and committing for every queue.
     */
    private final Executor completions;
    /** When the oldest ack not yet taken by a commit arrived (System.nanoTime), 0 when none waits. */
    private final java.util.concurrent.atomic.AtomicLong firstAckNanos = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running = true;
    private volatile Thread thread;

    /** A caller waiting until the acks it applied to {@code lane} are committed. */
    private record CommitWaiter(Lane lane, CompletableFuture<Void> done) {
    }

    /** What a {@link #submit submitted} command may do with the consumer. */
    interface Partitions {
        long endOffset(PartitionRef partition);

        /** Moves the fetch position if this node owns the partition. */
        void seekIfAssigned(PartitionRef partition, long offset);
    }

    /** @param commitLinger how long acks are gathered before a commit (0: commit as soon as the loop can) */
    Poller(KafkaConsumer<byte[], byte[]> consumer, LeaseJournal journal, int bufferLimit, Duration commitLinger,
           Executor completions) {
        this.consumer = consumer;
        this.completions = completions;
        this.journal = journal;
        this.bufferLimit = bufferLimit;
        this.lingerNanos = commitLinger.toNanos();
    }

    /** Starts polling for the lanes {@code lanes} knows; no consumer call happens before. */
    void start(LaneDirectory lanes) {
        this.directory = lanes;
        thread = new Thread(this, "kqf-poller");
        thread.setDaemon(true);
        thread.start();
    }

    /** The topics this node consumes (all lanes of all plain queues); applied by the next loop. */
    void subscribe(Set<String> topics) {
        wantedTopics.set(Set.copyOf(topics));
        subscriptionChanged.set(true);
        nudge();
    }

    /** Completes once every ack applied to {@code lane} before this call is committed to Kafka. */
    CompletableFuture<Void> commit(Lane lane) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        dirty.add(lane);
        commitWaiters.add(new CommitWaiter(lane, done));
        // With a linger only the first ack of a round wakes the poller; it waits out the rest.
        if (firstAckNanos.compareAndSet(0, System.nanoTime()) || lingerNanos == 0) {
            nudge();
        }
        return done;
    }

    /** Nanoseconds until the gathered acks are due for a commit; 0 when due now or none waits. */
    private long lingerLeft() {
        long first = firstAckNanos.get();
        return first == 0 ? 0 : Math.max(0, first + lingerNanos - System.nanoTime());
    }

    /** Runs {@code command} on the poller thread (it may use the consumer); it must be safe to run again. */
    <T> CompletableFuture<T> submit(java.util.function.Function<Partitions, T> command) {
        CompletableFuture<T> done = new CompletableFuture<>();
        Partitions partitions = new Partitions() {
            @Override
            public long endOffset(PartitionRef partition) {
                TopicPartition tp = kafka(partition);
                return consumer.endOffsets(List.of(tp)).get(tp);
            }

            @Override
            public void seekIfAssigned(PartitionRef partition, long offset) {
                TopicPartition tp = kafka(partition);
                if (consumer.assignment().contains(tp)) {
                    consumer.seek(tp, offset);
                }
            }
        };
        commands.add(() -> {
            try {
                // A nudge from another thread interrupts blocking consumer calls; commands only
                // read before they change anything, so run them again.
                T result = retryWakeup(() -> command.apply(partitions));
                completions.execute(() -> done.complete(result));
            } catch (RuntimeException e) {
                completions.execute(() -> done.completeExceptionally(e));
            }
        });
        nudge();
        return done;
    }

    void watch(Lane lane) {
        watched.add(lane);
        nudge();
    }

    /** Makes a blocked poll return now, so queued work is done without waiting for a fetch. */
    void nudge() {
        if (polling.get()) {
            consumer.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void run() {
        while (running) {
            try {
                loopOnce();
            } catch (WakeupException e) {
                // nudged: go round again
            } catch (RuntimeException e) {
                log.warn("poller loop failed, retrying: {}", e.toString());
                LockSupport.parkNanos(100_000_000L);
            }
        }
    }

    private void loopOnce() {
        if (subscriptionChanged.getAndSet(false)) {
            Set<String> topics = wantedTopics.get();
            if (topics.isEmpty()) {
                consumer.unsubscribe();
                releaseAll(new ArrayList<>(assigned.keySet()));
            } else {
                consumer.subscribe(topics, new Rebalance());
            }
        }
        Runnable command;
        while ((command = commands.poll()) != null) {
            command.run();
        }
        long linger = lingerLeft();
        if (linger == 0) {
            commitDirty();
        }
        if (consumer.subscription().isEmpty()) {
            LockSupport.parkNanos(IDLE_POLL.toNanos());
            return;
        }
        boolean busy = !commands.isEmpty() || (linger == 0 && !dirty.isEmpty()) || subscriptionChanged.get();
        Duration wait = busy ? Duration.ZERO : linger > 0 ? Duration.ofNanos(Math.min(linger, IDLE_POLL.toNanos())) : IDLE_POLL;
        ConsumerRecords<byte[], byte[]> records;
        polling.set(true);
        try {
            records = consumer.poll(wait);
        } finally {
            polling.set(false);
        }
        deliver(records);
        refreshWatched();
        pauseOrResume();
    }

    private void deliver(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            Lane lane = assigned.get(tp);
            if (lane == null) {
                continue;
            }
            List<Message> batch = messages(records.records(tp));
            synchronized (lane.queue) {
                lane.offer(batch);
                lane.queue.changed();
            }
            if (lane.buffered() >= bufferLimit) {
                paused.add(lane);
                consumer.pause(List.of(tp));
            }
        }
    }

    private static List<Message> messages(List<ConsumerRecord<byte[], byte[]>> records) {
        List<Message> messages = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            List<Message.Header> headers = List.of();
            Header[] raw = record.headers().toArray();
            if (raw.length > 0) {
                headers = new ArrayList<>(raw.length);
                for (Header header : raw) {
                    headers.add(new Message.Header(header.key(), header.value()));
                }
            }
            messages.add(new Message(record.offset(), record.timestamp(), record.key(), record.value(), headers));
        }
        return messages;
    }

    private void refreshWatched() {
        for (Lane lane : watched) {
            watched.remove(lane);
            if (assigned.get(kafka(lane.tp)) != lane) {
                continue;
            }
            long position = retryWakeup(() -> consumer.position(kafka(lane.tp)));
            synchronized (lane.queue) {
                lane.noteFetchPosition(position);
                lane.queue.changed();
            }
        }
    }

    private void pauseOrResume() {
        if (paused.isEmpty()) {
            return;
        }
        List<TopicPartition> resume = new ArrayList<>();
        paused.removeIf(lane -> {
            boolean drained = lane.buffered() <= bufferLimit / 2;
            if (drained && assigned.get(kafka(lane.tp)) == lane) {
                resume.add(kafka(lane.tp));
            }
            return drained;
        });
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    /** A get took a record from the lane: if the lane is paused and half empty, resume it now. */
    void drained(Lane lane) {
        if (paused.contains(lane) && lane.buffered() <= bufferLimit / 2) {
            nudge();
        }
    }

    private void commitDirty() {
        firstAckNanos.set(0);
        if (dirty.isEmpty() && commitWaiters.isEmpty()) {
            return;
        }
        List<CommitWaiter> waiters = new ArrayList<>();
        CommitWaiter waiter;
        while ((waiter = commitWaiters.poll()) != null) {
            waiters.add(waiter);
        }
        // Drain waiters before lanes: each waiter's ack was applied before it was queued, so the
        // state snapshot below includes it. Its lane is committed now even if an earlier cycle took it.
        Set<Lane> lanes = new HashSet<>(dirty);
        dirty.removeAll(lanes);
        waiters.forEach(w -> lanes.add(w.lane()));
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Map<Lane, List<Long>> forgettable = new HashMap<>();
        List<CompletableFuture<Void>> overflowWrites = new ArrayList<>();
        List<long[]> overflowRanges = new ArrayList<>();
        for (Lane lane : lanes) {
            if (assigned.get(kafka(lane.tp)) != lane) {
                continue;
            }
            synchronized (lane.queue) {
                offsets.put(kafka(lane.tp), new OffsetAndMetadata(lane.low(), lane.ackedMetadata(MAX_METADATA_CHARS)));
                lane.ackedOverflow(MAX_METADATA_CHARS).forEach((start, end) -> {
                    overflowRanges.add(new long[] {start, end});
                    lane.noteJournaled(start);
                });
                forgettable.put(lane, lane.journaledBelowLow());
            }
            for (long[] range : overflowRanges) {
                overflowWrites.add(journal.recordAckedRange(lane.tp, range[0], range[1]));
            }
            overflowRanges.clear();
        }
        try {
            Failures.await(CompletableFuture.allOf(overflowWrites.toArray(CompletableFuture[]::new)),
                    OVERFLOW_WRITE_NANOS, "journaling acked ranges");
            if (!offsets.isEmpty()) {
                commitSyncThroughWakeups(offsets);
            }
        } catch (RebalanceInProgressException | RetriableException e) {
            dirty.addAll(lanes);
            commitWaiters.addAll(waiters);
            return;
        } catch (RuntimeException e) {
            EngineException failure = EngineException.unavailable("offset commit failed: " + e.getMessage());
            waiters.forEach(w -> completions.execute(() -> w.done().completeExceptionally(failure)));
            return;
        }
        forgettable.forEach((lane, below) -> {
            if (below.isEmpty()) {
                return;
            }
            synchronized (lane.queue) {
                lane.forgetJournaled(below);
            }
            journal.forget(lane.tp, below);
        });
        for (CommitWaiter w : waiters) {
            if (offsets.containsKey(kafka(w.lane().tp))) {
                completions.execute(() -> w.done().complete(null));
            } else {
                EngineException lost = EngineException.unavailable(
                        "partition " + w.lane().tp + " is no longer owned by this node; the ack was not committed");
                completions.execute(() -> w.done().completeExceptionally(lost));
            }
        }
    }

    /** A nudge during commitSync interrupts it; the commit is idempotent, so simply do it again. */
    private void commitSyncThroughWakeups(Map<TopicPartition, OffsetAndMetadata> offsets) {
        while (true) {
            try {
                consumer.commitSync(offsets, Duration.ofSeconds(30));
                return;
            } catch (WakeupException e) {
                // retry
            }
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                log.info("revoked {} partition(s)", partitions.size());
            }
            commitDirty();
            releaseAll(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            releaseAll(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Set<TopicPartition> tps = new HashSet<>(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = retryWakeup(() -> consumer.committed(tps));
            Map<TopicPartition, Long> begin = retryWakeup(() -> consumer.beginningOffsets(tps));
            Map<TopicPartition, Long> end = retryWakeup(() -> consumer.endOffsets(tps));
            Map<PartitionRef, LeaseJournal.Recovered> recovered = journal.read();
            List<TopicPartition> unknown = new ArrayList<>();
            for (TopicPartition tp : tps) {
                Lane lane = directory.laneFor(ref(tp));
                if (lane == null) {
                    unknown.add(tp);
                    continue;
                }
                OffsetAndMetadata c = committed.get(tp);
                long low = Math.max(c == null ? 0 : c.offset(), begin.getOrDefault(tp, 0L));
                AckedRanges acked = AckedRanges.decode(c == null ? null : c.metadata());
                LeaseJournal.Recovered fromJournal = recovered.get(ref(tp));
                Map<Long, LeaseJournal.Entry> leases = Map.of();
                if (fromJournal != null) {
                    fromJournal.acked().ranges().forEach(acked::addRange);
                    leases = fromJournal.leases();
                }
                directory.restore(lane, low, acked, end.getOrDefault(tp, low), leases);
                assigned.put(tp, lane);
                consumer.seek(tp, low);
            }
            if (!unknown.isEmpty()) {
                consumer.pause(unknown);
            }
            log.info("assigned {} partition(s): {}", partitions.size(), partitions.size() <= 8 ? partitions : "");
        }
    }

    private void releaseAll(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            Lane lane = assigned.remove(tp);
            if (lane != null) {
                paused.remove(lane);
                directory.release(lane);
            }
        }
    }

    private static TopicPartition kafka(PartitionRef partition) {
        return new TopicPartition(partition.topic(), partition.partition());
    }

    private static PartitionRef ref(TopicPartition tp) {
        return new PartitionRef(tp.topic(), tp.partition());
    }

    private static <T> T retryWakeup(java.util.function.Supplier<T> call) {
        while (true) {
            try {
                return call.get();
            } catch (WakeupException e) {
                // a nudge: the call is a read, repeat it
            }
        }
    }

    @Override
    public void close() {
        running = false;
        nudge();
        Thread t = thread;
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            commitDirty();
        } catch (RuntimeException e) {
            log.warn("final commit failed: {}", e.toString());
        }
        consumer.close(Duration.ofSeconds(5));
    }
}
