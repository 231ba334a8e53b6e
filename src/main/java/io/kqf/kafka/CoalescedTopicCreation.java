package io.kqf.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;

/**
 * Sends the topic creations asked for concurrently as one CreateTopics request. A controller
 * commits each request to its metadata log on its own (one request takes ~34 ms on the embedded
 * broker whatever its size up to dozens of topics, and concurrent requests queue behind each
 * other), so one topic per request caps a node at ~30 new queues a second; 64 per request reach
 * ~230. While one request is out, the next gathers whatever arrives meanwhile: no linger, so a
 * lone creation is not delayed.
 */
final class CoalescedTopicCreation implements AutoCloseable {
    /** Keeps one request well under the broker's request size limit. */
    private static final int MAX_BATCH = 500;

    /** What became of one topic: created by this request, existing already, or an error. */
    enum Outcome { CREATED, EXISTED }

    private record Pending(NewTopic topic, CompletableFuture<Outcome> outcome) {
    }

    private final Admin admin;
    private final Duration timeout;
    private final BlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
    private final Thread sender;
    private volatile boolean running = true;

    CoalescedTopicCreation(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
        this.sender = new Thread(this::sendLoop, "kqf-topic-creation");
        sender.setDaemon(true);
        sender.start();
    }

    /** Completes with the topic's outcome, or exceptionally with the broker's error for it. */
    CompletableFuture<Outcome> create(NewTopic topic) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        if (!running) {
            outcome.completeExceptionally(new KafkaUnavailable("the node is stopping"));
            return outcome;
        }
        pending.add(new Pending(topic, outcome));
        return outcome;
    }

    private void sendLoop() {
        while (running) {
            List<Pending> batch = new ArrayList<>();
            try {
                batch.add(pending.take());
            } catch (InterruptedException e) {
                break;
            }
            pending.drainTo(batch, MAX_BATCH - 1);
            send(batch);
        }
        List<Pending> left = new ArrayList<>();
        pending.drainTo(left);
        left.forEach(p -> p.outcome.completeExceptionally(new KafkaUnavailable("the node is stopping")));
    }

    private void send(List<Pending> batch) {
        // One request may not name a topic twice: a repeat waits for the first one's outcome.
        Map<String, Pending> first = new HashMap<>();
        List<Pending> repeats = new ArrayList<>();
        for (Pending p : batch) {
            if (first.putIfAbsent(p.topic.name(), p) != null) {
                repeats.add(p);
            }
        }
        Map<String, KafkaFuture<Void>> results;
        try {
            results = admin.createTopics(first.values().stream().map(Pending::topic).toList()).values();
        } catch (RuntimeException e) {
            batch.forEach(p -> p.outcome.completeExceptionally(e));
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        first.forEach((name, p) -> settle(p, results.get(name), deadline));
        for (Pending repeat : repeats) {
            first.get(repeat.topic.name()).outcome.whenComplete((outcome, error) -> {
                if (error != null) {
                    repeat.outcome.completeExceptionally(error);
                } else {
                    repeat.outcome.complete(Outcome.EXISTED);
                }
            });
        }
    }

    private static void settle(Pending p, KafkaFuture<Void> result, long deadline) {
        try {
            result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            p.outcome.complete(Outcome.CREATED);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException) {
                p.outcome.complete(Outcome.EXISTED);
            } else {
                p.outcome.completeExceptionally(e.getCause());
            }
        } catch (TimeoutException e) {
            p.outcome.completeExceptionally(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.outcome.completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        running = false;
        sender.interrupt();
    }
}
