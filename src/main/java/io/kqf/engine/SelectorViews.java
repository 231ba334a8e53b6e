package io.kqf.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kqf.engine.select.MessageSelector;
import io.kqf.kafka.KafkaClients;
import io.kqf.kafka.RecordReader;
import io.kqf.kafka.TopicAdmin;

/**
 * Selector views: each distinct selector over a queue is its own view, with its own consumed
 * position, so subscriptions with the same selector compete and subscriptions with different
 * selectors each see every message they select. A view is a hidden queue
 * ({@link QueueNames#view}) fed by a {@link ViewFeed}; the feed runs while some subscription
 * holds the view open and resumes where it stopped when one opens it again.
 */
public final class SelectorViews implements AutoCloseable {
    /** Where a view's copy came from: its base queue's name, lane, partition and the original record. */
    public record Original(String queue, int priority, int partition, Message message) {
    }

    private record Running(ViewFeed feed, Thread thread) {
    }

    private final QueueEngine engine;
    private final QueueRegistry registry;
    private final KafkaClients clients;
    private final TopicAdmin admin;
    private final RecordReader reader;
    private final String baseGroup;
    private final Map<String, Integer> holders = new HashMap<>();
    private final Map<String, Running> feeds = new HashMap<>();
    private boolean closed;

    SelectorViews(QueueEngine engine, QueueRegistry registry, KafkaClients clients, TopicAdmin admin,
                  RecordReader reader, String baseGroup) {
        this.engine = engine;
        this.registry = registry;
        this.clients = clients;
        this.admin = admin;
        this.reader = reader;
        this.baseGroup = baseGroup;
    }

    /**
     * Opens the view of {@code base} that {@code selector} selects, creating it on first use, and
     * answers the hidden queue to lease from; empty when {@code base} is no plain queue. Each open
     * is matched by one {@link #close}.
     */
    public Optional<String> open(String base, MessageSelector selector) {
        QueueState baseQueue = registry.find(base);
        if (baseQueue == null || baseQueue.meta().type() != QueueType.PLAIN) {
            return Optional.empty();
        }
        String view = QueueNames.view(base, selector.viewId());
        long created = registry.findOrCreateView(view, baseQueue).meta().created();
        synchronized (this) {
            if (closed) {
                throw EngineException.unavailable("the engine is stopping");
            }
            holders.merge(view, 1, Integer::sum);
            feeds.computeIfAbsent(view, v -> start(base, v, selector, created));
        }
        return Optional.of(view);
    }

    /** One holder of {@code view} less; the last one stops its feed (its position stays committed). */
    public void close(String view) {
        Running stopping = null;
        synchronized (this) {
            Integer left = holders.computeIfPresent(view, (v, n) -> n == 1 ? null : n - 1);
            if (left == null) {
                stopping = feeds.remove(view);
            }
        }
        if (stopping != null) {
            stopping.feed().stop();
        }
    }

    /**
     * @param created when the view was created: its group is that incarnation's, so a view deleted
     *                with its queue and created again starts at what is pending then, not where the
     *                old one stopped
     */
    private Running start(String base, String view, MessageSelector selector, long created) {
        String group = baseGroup + ".view." + selector.viewId() + "." + created;
        ViewFeed feed = new ViewFeed(base, view, selector, engine, registry,
                clients.progressConsumer(group, group + "-" + base), admin, reader, baseGroup);
        Thread thread = new Thread(feed, "kqf-view-" + view);
        thread.setDaemon(true);
        thread.start();
        return new Running(feed, thread);
    }

    /**
     * Where a delivery's message came from: for a view's copy its base queue and original offset
     * (and its headers without the copy's bookkeeping); any other delivery as it is.
     */
    public static Original original(Delivery delivery) {
        Message message = delivery.message();
        if (!QueueNames.isView(delivery.queue())) {
            return new Original(delivery.queue(), delivery.priority(), delivery.partition(), message);
        }
        long offset = message.offset();
        List<Message.Header> headers = new ArrayList<>(message.headers().size());
        for (Message.Header header : message.headers()) {
            if (header.name().equals(ViewFeed.SOURCE_OFFSET_HEADER)) {
                offset = Long.parseLong(new String(header.value(), StandardCharsets.US_ASCII));
            } else {
                headers.add(header);
            }
        }
        return new Original(QueueNames.baseOf(delivery.queue()), delivery.priority(), delivery.partition(),
                new Message(offset, message.timestamp(), message.key(), message.value(), headers));
    }

    /** Stops every feed and waits (bounded) for their threads, so no copy is written after the engine stops. */
    @Override
    public void close() {
        List<Running> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(feeds.values());
            feeds.clear();
            holders.clear();
        }
        all.forEach(running -> running.feed().stop());
        for (Running running : all) {
            try {
                running.thread().join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
