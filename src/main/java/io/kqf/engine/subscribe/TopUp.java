package io.kqf.engine.subscribe;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.kqf.engine.Delivery;
import io.kqf.engine.DeliveryMode;
import io.kqf.engine.EngineException;
import io.kqf.engine.Failures;
import io.kqf.engine.QueueBrowser;
import io.kqf.engine.QueueEngine;
import io.kqf.engine.QueueNames;
import io.kqf.engine.SelectorViews;
import io.kqf.engine.select.MessageSelector;
import io.kqf.engine.Ttl;

/**
 * Tops a subscription's leases up to its prefetch from the queues its destination matches.
 *
 * <p>Deliveries are decided synchronously by the engine and only their journal writes are awaited,
 * all together: one top-up of 100 messages shares its journal round trips (the engine groups
 * them) instead of paying 100 in a row. A message past its time to live is acked and skipped; one
 * whose next delivery would exceed {@code maxDeliveries} goes to the dead-letter queue.
 */
final class TopUp {
    private static final long KAFKA_ANSWER_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Rounds of one top-up; later rounds only replace messages that were skipped (TTL, DLQ). */
    private static final int MAX_ROUNDS = 4;

    private final QueueEngine engine;
    private final QueueBrowser browser;
    private final SelectorViews views;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final AtomicInteger rotation = new AtomicInteger();

    private final java.util.function.Predicate<String> servedHere;

    /** @param servedHere whether this node serves a queue now (a wildcard tops up from those only) */
    TopUp(QueueEngine engine, QueueBrowser browser, SelectorViews views, DeadLetters deadLetters, Clock clock,
          java.util.function.Predicate<String> servedHere) {
        this.servedHere = servedHere;
        this.engine = engine;
        this.browser = browser;
        this.views = views;
        this.deadLetters = deadLetters;
        this.clock = clock;
    }

    /**
     * Leases up to the prefetch and answers every message the subscription holds. Concurrent
     * calls for one subscription take turns (the subscription's prefetch is one budget); the
     * engine's own monitors are never held while waiting.
     */
    List<Delivery> fill(Subscription subscription) {
        synchronized (subscription.topUpTurn) {
            if (subscription.ended()) {
                return List.of(); // deleted or handed over while this request waited its turn
            }
            adopt(subscription);
            for (int round = 0; round < MAX_ROUNDS; round++) {
                subscription.dropLapsed(clock.millis());
                int wanted = subscription.spec().prefetch() - subscription.heldCount();
                if (wanted <= 0 || !leaseMore(subscription, wanted)) {
                    break;
                }
            }
            return subscription.held();
        }
    }

    /**
     * After a restart, takes back the leases the engine journaled for this subscription (found by
     * holder in each of its sources), so its feed shows them again before it leases anything new
     * and its prefetch stays one budget. Repeated until it succeeds: a lane not served here yet
     * answers UNAVAILABLE, and the next request tries again.
     */
    void adopt(Subscription subscription) {
        if (subscription.adopted()) {
            return;
        }
        synchronized (subscription.topUpTurn) {
            if (subscription.adopted()) {
                return;
            }
            long now = clock.millis();
            for (String source : leaseSources(subscription)) {
                for (Delivery delivery : browser.held(source, subscription.id())) {
                    if (delivery.deadline() > now) {
                        subscription.hold(delivery);
                    }
                }
            }
            subscription.markAdopted();
        }
    }

    /** One round: returns true when something was skipped, so another round may fill its place. */
    private boolean leaseMore(Subscription subscription, int wanted) {
        List<String> queues = leaseSources(subscription);
        DeliveryMode mode = DeliveryMode.leaseTo(subscription.id(), subscription.spec().ackTimeout());
        List<CompletableFuture<Optional<Delivery>>> pending = new ArrayList<>();
        List<String> open = new ArrayList<>(queues);
        while (pending.size() < wanted && !open.isEmpty()) {
            for (var it = open.iterator(); it.hasNext() && pending.size() < wanted; ) {
                String queue = it.next();
                CompletableFuture<Optional<Delivery>> delivery;
                try {
                    delivery = engine.deliver(queue, subscription.id(), mode);
                } catch (EngineException e) {
                    it.remove(); // deleted, or of the other type, since it was listed
                    continue;
                }
                if (delivery.isDone() && !delivery.isCompletedExceptionally() && delivery.join().isEmpty()) {
                    it.remove();
                    continue;
                }
                pending.add(delivery);
            }
        }
        boolean skipped = false;
        long now = clock.millis();
        List<CompletableFuture<Void>> settling = new ArrayList<>();
        for (CompletableFuture<Optional<Delivery>> future : pending) {
            Optional<Delivery> taken = Failures.await(future, KAFKA_ANSWER_NANOS, "journaling a subscription lease");
            if (taken.isEmpty()) {
                continue;
            }
            Delivery delivery = taken.get();
            if (Ttl.expired(delivery.message(), now)) {
                settling.add(engine.ack(delivery.queue(), delivery.token(), subscription.id()));
                skipped = true;
            } else if (delivery.attempt() > subscription.spec().maxDeliveries()) {
                settling.add(deadLetters.move(delivery, subscription.id(), delivery.attempt() - 1,
                        "delivered " + (delivery.attempt() - 1) + " times without an ack (maxDeliveries)"));
                skipped = true;
            } else {
                subscription.hold(delivery);
            }
        }
        Failures.await(CompletableFuture.allOf(settling.toArray(CompletableFuture[]::new)), KAFKA_ANSWER_NANOS,
                "settling expired or dead-lettered messages");
        return skipped;
    }

    /**
     * Where the subscription leases from: the queues its destination matches, or with a selector
     * the selector's view of each (opened on first use, so a wildcard's new queue gets one too).
     */
    private List<String> leaseSources(Subscription subscription) {
        List<String> queues = matchingQueues(subscription);
        if (subscription.selector() == MessageSelector.ALL) {
            return queues;
        }
        List<String> sources = new ArrayList<>(queues.size());
        for (String base : queues) {
            String view = subscription.viewOf(base);
            if (view == null) {
                Optional<String> opened = views.open(base, subscription.selector());
                if (opened.isEmpty()) {
                    continue;
                }
                view = opened.get();
                if (!subscription.openedView(base, view)) {
                    views.close(view);
                    continue;
                }
            }
            sources.add(view);
        }
        return sources;
    }

    /** The queues the destination matches now (a wildcard picks up new queues here), in a rotating order. */
    List<String> matchingQueues(Subscription subscription) {
        List<String> matching = new ArrayList<>();
        if (!subscription.spec().destination().isWildcard()) {
            matching.add(QueueNames.fromDashed(subscription.spec().destination().text()));
            return matching;
        }
        for (String queue : browser.queueNames()) {
            // In a cluster another node serves some of them: leasing there would wait for a lane
            // this node is not given. Those are its share; this subscription takes this node's.
            if (subscription.spec().destination().matches(QueueNames.toDashed(queue)) && servedHere.test(queue)) {
                matching.add(queue);
            }
        }
        if (matching.size() > 1) {
            java.util.Collections.rotate(matching, rotation.incrementAndGet() % matching.size());
        }
        return matching;
    }
}
