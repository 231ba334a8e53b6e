package io.kqf.engine.subscribe;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.kqf.engine.QueueNames;
import io.kqf.engine.QueuePlace;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.kqf.engine.AckToken;
import io.kqf.engine.DaemonThreads;
import io.kqf.engine.Delivery;
import io.kqf.engine.EngineException;
import io.kqf.engine.EngineRuntime;
import io.kqf.engine.QueueEngine;
import io.kqf.engine.SelectorViews;
import io.kqf.engine.select.MessageSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscriptions as leases: each subscription holds up to {@code prefetch} engine leases, held in
 * its own name, so hand-out, renewal, expiry, the journal and crash safety are the engine's one
 * lease model (the same as hustmq get/ack). A subscription lives while its client shows up
 * (any GET, ack, renew or release renews it); when it expires or is deleted its leases go back
 * to their queues at once.
 *
 * <p>Subscriptions are kept in the {@link SubscriptionLog}, so a node restarted after a crash
 * (with the same node id) serves them again: a new one is written before its 201, each renewal
 * at most once per {@link #saveInterval}, and its end as a tombstone. A restored subscription
 * finds its leases again in the engine's journal on first use.
 */
public final class Subscriptions implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Subscriptions.class);
    private static final long KAFKA_ANSWER_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** How long an expired subscription is remembered, so its requests answer "expired", not "unknown". */
    private static final Duration REMEMBER_EXPIRED = Duration.ofHours(1);
    /** Parked requests retried at once; each mostly waits for a journal write. */
    private static final int TOP_UP_THREADS = 16;

    private final QueueEngine engine;
    private final SelectorViews views;
    private final Clock clock;
    private final SubscriptionIds ids;
    private final String nodeId;
    private final EngineRuntime runtime;
    private final Map<String, Subscription> live = new ConcurrentHashMap<>();
    private final Cache<String, Boolean> expired = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(REMEMBER_EXPIRED).build();
    /** Deleted here lately: never taken over again from a log that may not show the tombstone yet. */
    private final Cache<String, Boolean> ended = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(REMEMBER_EXPIRED).build();
    private final TopUp topUp;
    private final DeadLetters deadLetters;
    private final SubscriptionWaits waits;
    private final ScheduledExecutorService sweeper;
    private final ExecutorService topUps;
    private final SubscriptionLog subscriptionLog;

    public Subscriptions(EngineRuntime runtime, Clock clock, String nodeId) {
        this.engine = runtime.engine();
        this.views = runtime.views();
        this.clock = clock;
        this.ids = new SubscriptionIds(nodeId);
        this.nodeId = nodeId;
        this.runtime = runtime;
        this.subscriptionLog = runtime.subscriptionLog();
        this.deadLetters = new DeadLetters(engine);
        this.topUp = new TopUp(engine, runtime.browser(), views, deadLetters, clock,
                queue -> runtime.placeKnown(queue) instanceof QueuePlace.Here);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("kqf-subscriptions"));
        // Top-ups block on journal writes that the engine's completion pool completes, so the
        // retries of parked requests need threads of their own (on that pool they could deadlock).
        ThreadPoolExecutor topUps = new ThreadPoolExecutor(TOP_UP_THREADS, TOP_UP_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), DaemonThreads.named("kqf-subscription-topup"));
        topUps.allowCoreThreadTimeOut(true);
        this.topUps = topUps;
        this.waits = new SubscriptionWaits(sweeper, topUps);
        runtime.onQueueChanged(waits::queueChanged);
        restore(subscriptionLog.restored());
        sweeper.scheduleWithFixedDelay(this::expireLapsed, 1, 1, TimeUnit.SECONDS);
    }

    /** @throws EngineException BAD_REQUEST with the parser's message when the spec's selector is none */
    public Subscription create(SubscriptionSpec spec) {
        MessageSelector selector = MessageSelector.parse(spec.selector());
        String id = ids.next(spec.destination());
        Subscription subscription = new Subscription(id, spec, selector, clock.millis());
        io.kqf.engine.Failures.await(subscriptionLog.save(subscription.saved()), KAFKA_ANSWER_NANOS,
                "writing the subscription");
        live.put(id, subscription);
        return subscription;
    }

    /**
     * Takes back this node's subscriptions from the log. A renewal may have gone unsaved for up to
     * one save interval, so each is given that much more: a subscription may outlive its timeout
     * by that after a crash, but never ends before it.
     */
    private void restore(List<SubscriptionLog.Saved> saved) {
        for (SubscriptionLog.Saved one : saved) {
            if (!SubscriptionIds.nodeOf(one.id()).map(nodeId::equals).orElse(false)) {
                continue; // another node's, or homed on a queue: taken where that queue is served, on first use
            }
            Subscription subscription = Subscription.restored(one, MessageSelector.parse(one.spec().selector()),
                    one.expiresAt() + saveInterval(one.spec()));
            live.put(one.id(), subscription);
        }
        if (!live.isEmpty()) {
            log.info("{} subscriptions restored", live.size());
        }
    }

    /** How often a subscription's renewals are written: often enough that a crash costs little, at most once a second. */
    static long saveInterval(SubscriptionSpec spec) {
        return Math.max(1000, spec.timeout().toMillis() / 10);
    }

    /** The live subscription {@code id}, renewed: NO_SUCH_SUBSCRIPTION or SUBSCRIPTION_EXPIRED otherwise. */
    public Subscription touch(String id) {
        Subscription subscription = require(id);
        long now = clock.millis();
        subscription.touch(now);
        subscription.saveIfDue(now, saveInterval(subscription.spec()), saved -> subscriptionLog.save(saved)
                .exceptionally(e -> {
                    log.warn("subscription {}: renewal not saved ({}); a crash now ends it early", id, e.toString());
                    return null;
                }));
        return subscription;
    }

    private Subscription require(String id) {
        Subscription subscription = live.get(id);
        if (subscription == null) {
            subscription = adopt(id);
        }
        long now = clock.millis();
        if (subscription != null && subscription.expired(now)) {
            expire(subscription);
            subscription = null;
        }
        if (subscription == null) {
            if (expired.getIfPresent(id) != null) {
                throw new EngineException(EngineException.Reason.SUBSCRIPTION_EXPIRED, "subscription " + id + " expired");
            }
            Optional<String> queue = SubscriptionIds.queueOf(id);
            if (queue.isPresent() && !servedHere(queue.get()) && subscriptionLog.find(id).isPresent()) {
                // Its queue moved while this request was on its way (or a stream was open here).
                throw new EngineException(EngineException.Reason.UNAVAILABLE, "subscription " + id
                        + " is served by another node now (its queue moved); retry or reconnect");
            }
            throw new EngineException(EngineException.Reason.NO_SUCH_SUBSCRIPTION, "no subscription " + id);
        }
        return subscription;
    }

    /**
     * The messages leased to the subscription, topped up to its prefetch. With a {@code wait},
     * an empty answer is held until a message can be leased or the wait ends (then empty).
     */
    public CompletableFuture<List<Delivery>> leased(String id, Duration wait) {
        return leasedUnseen(id, wait, delivery -> true);
    }

    /**
     * As {@link #leased}, but answers only the leased messages {@code unseen} accepts, and waits
     * while there are none: a stream asks for what it has not sent yet. An ack or a release by
     * the subscription also ends the wait, since it makes room under the prefetch.
     */
    public CompletableFuture<List<Delivery>> leasedUnseen(String id, Duration wait, Predicate<Delivery> unseen) {
        Subscription subscription = touch(id);
        Supplier<List<Delivery>> attempt = () -> {
            // Deleted or expired meanwhile: the wait ends with that answer, not an empty one later.
            Subscription still = require(id);
            return topUp.fill(still).stream().filter(unseen).toList();
        };
        List<Delivery> now = attempt.get();
        if (!now.isEmpty() || wait.isZero()) {
            return CompletableFuture.completedFuture(now);
        }
        return waits.park(subscription, wait, attempt);
    }

    /** The messages the subscription holds now, in the order they were leased (no top-up). */
    public List<Delivery> held(String id) {
        Subscription subscription = touch(id);
        topUp.adopt(subscription);
        return subscription.held();
    }

    /** Acks a message leased to the subscription; repeating an ack it made answers as the first did. */
    public CompletableFuture<Void> ack(String id, String queue, AckToken token) {
        Subscription subscription = touch(id);
        if (subscription.ackedAlready(queue, token)) {
            return CompletableFuture.completedFuture(null);
        }
        return engine.ack(queue, token, id).thenRun(() -> {
            subscription.acked(queue, token);
            waits.wake(subscription);
        });
    }

    /** Extends a message's lease by the subscription's ackTimeout; completes with the new deadline. */
    public CompletableFuture<Long> renewMessage(String id, String queue, AckToken token) {
        Subscription subscription = touch(id);
        return engine.renew(queue, token, id, subscription.spec().ackTimeout()).thenApply(deadline -> {
            subscription.retimed(queue, token, deadline);
            return deadline;
        });
    }

    /** Gives a message back for redelivery now, or moves it to its dead-letter queue. */
    public CompletableFuture<Void> release(String id, String queue, AckToken token, boolean deadLetter) {
        Subscription subscription = touch(id);
        topUp.adopt(subscription);
        if (!deadLetter) {
            return engine.release(queue, token, id, Duration.ZERO).thenRun(() -> {
                subscription.released(queue, token);
                waits.wake(subscription);
            });
        }
        Delivery held = subscription.held().stream()
                .filter(d -> d.queue().equals(queue) && d.token().equals(token)).findFirst()
                .orElseThrow(() -> new EngineException(EngineException.Reason.NOT_OUTSTANDING,
                        "that message is not leased to subscription " + id));
        return deadLetters.move(held, id, held.attempt(), "released to the dead-letter queue by its consumer")
                .thenRun(() -> {
                    subscription.acked(queue, token);
                    waits.wake(subscription);
                });
    }

    /** Closes a subscription: its leases go back to their queues now. */
    public void delete(String id) {
        Subscription subscription = live.remove(id);
        if (subscription != null) {
            ended.put(id, Boolean.TRUE);
        }
        if (subscription == null) {
            subscription = require(id);
            if (!live.remove(id, subscription)) {
                return;
            }
            ended.put(id, Boolean.TRUE);
        }
        releaseAll(subscription);
    }

    /**
     * A subscription homed on a queue this node serves now, made or last served by another node
     * (which stopped, died, or gave the queue up): taken from the log, with one save interval
     * more, as after a restart. Its leases are found again on first use. Null when there is none.
     */
    private Subscription adopt(String id) {
        Optional<String> queue = SubscriptionIds.queueOf(id);
        if (queue.isEmpty() || ended.getIfPresent(id) != null || expired.getIfPresent(id) != null
                || !servedHere(queue.get())) {
            return null;
        }
        Optional<SubscriptionLog.Saved> saved = subscriptionLog.findLatest(id);
        if (saved.isEmpty()) {
            return null;
        }
        SubscriptionLog.Saved one = saved.get();
        Subscription adopted = Subscription.restored(one, MessageSelector.parse(one.spec().selector()),
                one.expiresAt() + saveInterval(one.spec()));
        Subscription raced = live.putIfAbsent(id, adopted);
        if (raced == null) {
            log.info("subscription {} taken over: this node serves its queue now", id);
        }
        return raced != null ? raced : adopted;
    }

    private boolean servedHere(String restQueue) {
        return runtime.placeNow(QueueNames.fromDashed(restQueue)) instanceof QueuePlace.Here;
    }

    /**
     * Lets go of the subscriptions whose queue this node no longer serves (another node took it):
     * no release and no tombstone (the queue's new node takes them over), only this node's
     * bookkeeping, its parked requests and its selector-view copiers.
     */
    private void letGoOfMoved() {
        for (Subscription subscription : live.values()) {
            Optional<String> queue = SubscriptionIds.queueOf(subscription.id());
            if (queue.isPresent() && !(runtime.placeKnown(QueueNames.fromDashed(queue.get())) instanceof QueuePlace.Here)
                    && live.remove(subscription.id(), subscription)) {
                log.info("subscription {} handed over: its queue is served by another node now", subscription.id());
                synchronized (subscription.topUpTurn) {
                    subscription.end();
                }
                waits.cancel(subscription);
                subscription.closeViews().forEach(views::close);
            }
        }
    }

    private void expireLapsed() {
        letGoOfMoved();
        long now = clock.millis();
        for (Subscription subscription : live.values()) {
            if (subscription.expired(now)) {
                expire(subscription);
            }
        }
    }

    private void expire(Subscription subscription) {
        if (live.remove(subscription.id(), subscription)) {
            expired.put(subscription.id(), Boolean.TRUE);
            releaseAll(subscription);
        }
    }

    private void releaseAll(Subscription subscription) {
        try {
            topUp.adopt(subscription);
        } catch (EngineException e) {
            log.warn("subscription {}: its leases from before the restart are not found yet ({}); they return at their deadlines",
                    subscription.id(), e.getMessage());
        }
        List<Delivery> held;
        synchronized (subscription.topUpTurn) {
            // A top-up in flight finishes first, and none starts after: every lease is in the drain.
            subscription.end();
            held = subscription.drain();
        }
        waits.cancel(subscription);
        subscription.closeViews().forEach(views::close);
        List<CompletableFuture<Void>> releases = new ArrayList<>();
        for (Delivery delivery : held) {
            try {
                releases.add(engine.release(delivery.queue(), delivery.token(), subscription.id(), Duration.ZERO)
                        .exceptionally(e -> null));
            } catch (EngineException e) {
                // Acked or lapsed meanwhile: nothing to give back.
            }
        }
        try {
            io.kqf.engine.Failures.await(CompletableFuture.allOf(releases.toArray(CompletableFuture[]::new)),
                    KAFKA_ANSWER_NANOS, "releasing the subscription's leases");
        } catch (RuntimeException e) {
            log.warn("subscription {}: leases not all released ({}); they return at their deadlines",
                    subscription.id(), e.getMessage());
        }
        // After closeViews: no renewal is saved after this tombstone. Awaited, so a DELETE's 204
        // means the end is in Kafka: a crash right after it cannot bring the subscription back.
        try {
            io.kqf.engine.Failures.await(subscriptionLog.forget(subscription.id()), KAFKA_ANSWER_NANOS,
                    "saving the subscription's end");
        } catch (RuntimeException e) {
            log.warn("subscription {}: its end is not saved ({}); after a restart it lives until it expires",
                    subscription.id(), e.toString());
        }
    }

    /** Stopping: parked feed requests answer empty now, as the end of their wait would. */
    public void answerParked() {
        waits.answerAll();
    }

    /** Live subscriptions (for stats). */
    public int count() {
        return live.size();
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        topUps.shutdownNow();
    }
}
