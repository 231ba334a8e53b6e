package io.kqf.engine.subscribe;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.kqf.engine.Delivery;
import io.kqf.engine.QueueNames;

/**
 * Subscription GETs parked until a message can be leased ({@code Prefer: wait}, streams). A
 * change on a queue a parked subscription's destination matches, or an ack or release by the
 * subscription, retries its top-up on the given pool (never on the engine thread that
 * signalled); the wait's end answers empty. Parked requests hold no thread.
 */
final class SubscriptionWaits {
    /** One parked request. */
    private static final class Parked {
        final Subscription subscription;
        final Supplier<List<Delivery>> attempt;
        final CompletableFuture<List<Delivery>> answer = new CompletableFuture<>();
        /** Signals not yet answered by an attempt; the one that raises it from 0 schedules the attempts. */
        final AtomicInteger signals = new AtomicInteger();

        Parked(Subscription subscription, Supplier<List<Delivery>> attempt) {
            this.subscription = subscription;
            this.attempt = attempt;
        }
    }

    private final ScheduledExecutorService timer;
    private final Executor retries;
    private final Map<Parked, Boolean> parked = new ConcurrentHashMap<>();

    SubscriptionWaits(ScheduledExecutorService timer, Executor retries) {
        this.timer = timer;
        this.retries = retries;
    }

    CompletableFuture<List<Delivery>> park(Subscription subscription, Duration wait, Supplier<List<Delivery>> attempt) {
        Parked request = new Parked(subscription, attempt);
        parked.put(request, Boolean.TRUE);
        request.answer.whenComplete((r, e) -> parked.remove(request));
        timer.schedule(() -> request.answer.complete(List.of()), wait.toMillis(), TimeUnit.MILLISECONDS);
        // A message may have arrived between the caller's empty top-up and the parking.
        retry(request);
        return request.answer;
    }

    /** Engine thread, maybe under a queue's monitor: only schedules retries. */
    void queueChanged(String queue) {
        if (parked.isEmpty()) {
            return;
        }
        // A selector view's copy wakes the subscriptions of its base queue.
        String dashed = QueueNames.toDashed(QueueNames.baseOf(queue));
        for (Parked request : parked.keySet()) {
            if (request.subscription.spec().destination().matches(dashed)) {
                retry(request);
            }
        }
    }

    /** The subscription made room under its prefetch (an ack, a release): its parked requests try again. */
    void wake(Subscription subscription) {
        for (Parked request : parked.keySet()) {
            if (request.subscription == subscription) {
                retry(request);
            }
        }
    }

    private void retry(Parked request) {
        if (!request.answer.isDone() && request.signals.getAndIncrement() == 0) {
            try {
                retries.execute(() -> attempt(request));
            } catch (RejectedExecutionException e) {
                request.answer.complete(List.of()); // Shutting down: answer as the wait's end would.
            }
        }
    }

    /** Attempts until one answers or no signal arrived during the last one. */
    private static void attempt(Parked request) {
        int seen;
        do {
            seen = request.signals.get();
            if (request.answer.isDone()) {
                return;
            }
            try {
                List<Delivery> leased = request.attempt.get();
                if (!leased.isEmpty()) {
                    request.answer.complete(leased);
                    return;
                }
            } catch (RuntimeException e) {
                request.answer.completeExceptionally(e);
                return;
            }
        } while (request.signals.addAndGet(-seen) != 0);
    }

    /** Stopping: every parked request answers empty now, as the end of its wait would. */
    void answerAll() {
        parked.keySet().forEach(request -> request.answer.complete(List.of()));
    }

    /** The subscription closed: its parked requests answer empty now. */
    void cancel(Subscription subscription) {
        for (Parked request : parked.keySet()) {
            if (request.subscription == subscription) {
                request.answer.complete(List.of());
            }
        }
    }
}
