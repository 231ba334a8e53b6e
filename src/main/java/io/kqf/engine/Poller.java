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
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
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
    private static final Duration IDLE_POLL = Duration.ofMillis(200);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);
    /** How long an assignment waits for the lease journal's tail to reach the journal's end. */
    private static final Duration JOURNAL_CATCH_UP = Duration.ofSeconds(30);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private volatile LaneDirectory directory;
    private final LeaseJournal journal;
    private final GroupCommit commits;
    private final int bufferLimit;
    private final SubscriptionPacing subscriptions = new SubscriptionPacing();
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    /** Lanes a get is waiting on: their fetch position is refreshed every loop. */
    private final Set<Lane> watched = ConcurrentHashMap.newKeySet();
    private final Map<TopicPartition, Lane> assigned = new HashMap<>();
    /** Written by the poller only; read by request threads that drained a lane (so concurrent). */
    private final Set<Lane> paused = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean polling = new AtomicBoolean();
    /**
     * Where the futures this thread settles are completed: their dependents (a response being
     * written, a parked request served) must never run on the poller, which would stall fetching
     * and committing for every queue.
     */
    private final Executor completions;
    private volatile boolean running = true;
    /** Grows on every assignment or revocation: the node directory re-announces when it moved. */
    private final java.util.concurrent.atomic.AtomicLong assignmentChanges = new java.util.concurrent.atomic.AtomicLong();
    private volatile Thread thread;

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
        this.commits = new GroupCommit(journal, commitLinger, completions);
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
        subscriptions.request(topics);
        nudge();
    }

    /** Completes once every ack applied to {@code lane} before this call is committed to Kafka. */
    CompletableFuture<Void> commit(Lane lane) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (commits.register(lane, done)) {
            nudge();
        }
        return done;
    }

    /** Runs {@code command} on the poller thread (it may use the consumer); it must be safe to run again. */
    <T> CompletableFuture<T> submit(java.util.function.Function<Partitions, T> command) {
        CompletableFuture<T> done = new CompletableFuture<>();
        Partitions partitions = new Partitions() {
            @Override
            public long endOffset(PartitionRef partition) {
                TopicPartition tp = KafkaTypes.partition(partition);
                return consumer.endOffsets(List.of(tp)).get(tp);
            }

            @Override
            public void seekIfAssigned(PartitionRef partition, long offset) {
                TopicPartition tp = KafkaTypes.partition(partition);
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
        Set<String> topics = subscriptions.takeDue();
        if (topics != null) {
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
        long linger = commits.lingerLeft();
        if (linger == 0) {
            commitDirty();
        }
        if (consumer.subscription().isEmpty()) {
            LockSupport.parkNanos(IDLE_POLL.toNanos());
            return;
        }
        boolean busy = !commands.isEmpty() || (linger == 0 && commits.pending());
        long idle = subscriptions.nanosUntilDue(IDLE_POLL.toNanos());
        Duration wait = busy ? Duration.ZERO : Duration.ofNanos(linger > 0 ? Math.min(linger, idle) : idle);
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
            List<Message> batch = KafkaTypes.messages(records.records(tp));
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

    private void refreshWatched() {
        for (Lane lane : watched) {
            watched.remove(lane);
            if (assigned.get(KafkaTypes.partition(lane.tp)) != lane) {
                continue;
            }
            long position = retryWakeup(() -> consumer.position(KafkaTypes.partition(lane.tp)));
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
            if (drained && assigned.get(KafkaTypes.partition(lane.tp)) == lane) {
                resume.add(KafkaTypes.partition(lane.tp));
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
        commits.commitRound(committer);
    }

    private final GroupCommit.Committer committer = new GroupCommit.Committer() {
        @Override
        public boolean owns(Lane lane) {
            return assigned.get(KafkaTypes.partition(lane.tp)) == lane;
        }

        @Override
        public boolean commit(Map<Lane, GroupCommit.Offset> offsets) {
            Map<TopicPartition, OffsetAndMetadata> kafkaOffsets = new HashMap<>();
            offsets.forEach((lane, offset) -> kafkaOffsets.put(KafkaTypes.partition(lane.tp),
                    new OffsetAndMetadata(offset.committed(), offset.metadata())));
            try {
                // A nudge during commitSync interrupts it; the commit is idempotent, so do it again.
                retryWakeup(() -> {
                    consumer.commitSync(kafkaOffsets, COMMIT_TIMEOUT);
                    return null;
                });
                return true;
            } catch (RebalanceInProgressException | RetriableException e) {
                return false;
            }
        }
    };

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
            long journalEnd = retryWakeup(() -> consumer.endOffsets(List.of(journal.partition()))).get(journal.partition());
            Map<PartitionRef, LeaseJournal.Recovered> recovered = journal.recovered(
                    tps.stream().map(KafkaTypes::ref).toList(), journalEnd, JOURNAL_CATCH_UP);
            List<TopicPartition> unknown = new ArrayList<>();
            for (TopicPartition tp : tps) {
                Lane lane = directory.laneFor(KafkaTypes.ref(tp));
                if (lane == null) {
                    unknown.add(tp);
                    continue;
                }
                OffsetAndMetadata c = committed.get(tp);
                long low = Math.max(c == null ? 0 : c.offset(), begin.getOrDefault(tp, 0L));
                AckedRanges acked = AckedRanges.decode(c == null ? null : c.metadata());
                LeaseJournal.Recovered fromJournal = recovered.get(KafkaTypes.ref(tp));
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
            assignmentChanges.incrementAndGet();
            log.info("assigned {} partition(s): {}", partitions.size(), partitions.size() <= 8 ? partitions : "");
        }
    }

    /** How many times this node's assignment changed so far. */
    long assignmentChanges() {
        return assignmentChanges.get();
    }

    private void releaseAll(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            Lane lane = assigned.remove(tp);
            if (lane != null) {
                assignmentChanges.incrementAndGet();
                paused.remove(lane);
                directory.release(lane);
            }
        }
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
        // A static member does not leave its group on close by default: its partitions would wait
        // out the session timeout (10 s) before another node took them. A clean stop leaves, so
        // they move at once (KIP-1092); a crash still waits for the timeout.
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        journal.close(); // its tail: no assignment reads it any more
    }
}
