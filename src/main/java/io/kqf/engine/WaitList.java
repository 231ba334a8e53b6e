package io.kqf.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Parked requests of one kind (evget, evsub, waiting gets…) per queue name, FIFO per queue, with
 * the original's limits: at most {@code maxParked} requests and {@code maxQueues} distinct queues
 * (beyond → CAPACITY). A request leaves its list when released, timed out or cancelled.
 *
 * @param <T> what a request is released with
 */
final class WaitList<T> {
    private static final long RETRY_TIMEOUT_NANOS = 10_000_000L;

    private final String kind;
    private final int maxParked;
    private final int maxQueues;
    private final T timeoutValue;
    private final Map<String, LinkedHashSet<Parked<T>>> byQueue = new ConcurrentHashMap<>();
    private final AtomicInteger parked = new AtomicInteger();
    private final ScheduledExecutorService timer;

    WaitList(String kind, int maxParked, int maxQueues, T timeoutValue, ScheduledExecutorService timer) {
        this.kind = kind;
        this.timer = timer;
        this.maxParked = maxParked;
        this.maxQueues = maxQueues;
        this.timeoutValue = timeoutValue;
    }

    /** Parks a request on {@code queue} until released or {@code timeout} passes (then: the timeout value). */
    Parked<T> park(String queue, Duration timeout, BooleanSupplier connected, Object asked) {
        if (parked.incrementAndGet() > maxParked) {
            parked.decrementAndGet();
            throw new EngineException(EngineException.Reason.CAPACITY, "too many parked " + kind + " requests (" + maxParked + ")");
        }
        Parked<T> request = new Parked<>(connected, asked);
        synchronized (this) {
            LinkedHashSet<Parked<T>> list = byQueue.get(queue);
            if (list == null) {
                if (byQueue.size() >= maxQueues) {
                    parked.decrementAndGet();
                    throw new EngineException(EngineException.Reason.CAPACITY,
                            "too many queues with parked " + kind + " requests (" + maxQueues + ")");
                }
                list = new LinkedHashSet<>();
                byQueue.put(queue, list);
            }
            list.add(request);
        }
        request.outcome().whenComplete((value, error) -> remove(queue, request));
        if (timeout.isZero()) {
            request.release(timeoutValue);
        } else {
            scheduleTimeout(request, timeout.toNanos());
        }
        return request;
    }

    /**
     * Times the request out, unless something else holds it at that moment (a parked get being
     * served): then try again shortly, in case that holder gives it back.
     */
    private void scheduleTimeout(Parked<T> request, long delayNanos) {
        ScheduledFuture<?> expiry = timer.schedule(() -> {
            if (!request.release(timeoutValue) && !request.outcome().isDone()) {
                scheduleTimeout(request, RETRY_TIMEOUT_NANOS);
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
        request.outcome().whenComplete((value, error) -> expiry.cancel(false));
    }

    private synchronized void remove(String queue, Parked<T> request) {
        LinkedHashSet<Parked<T>> list = byQueue.get(queue);
        if (list != null && list.remove(request)) {
            parked.decrementAndGet();
            if (list.isEmpty()) {
                byQueue.remove(queue);
            }
        }
    }

    /** The first {@code max} requests of a queue whose clients are still there, oldest first (not removed). */
    List<Parked<T>> oldest(String queue, int max) {
        List<Parked<T>> candidates;
        synchronized (this) {
            LinkedHashSet<Parked<T>> list = byQueue.get(queue);
            if (list == null) {
                return List.of();
            }
            candidates = new ArrayList<>(list);
        }
        // Liveness probes touch sockets: outside the lock.
        List<Parked<T>> live = new ArrayList<>();
        for (Iterator<Parked<T>> it = candidates.iterator(); it.hasNext() && live.size() < max; ) {
            Parked<T> request = it.next();
            if (request.stillWaiting()) {
                live.add(request);
            }
        }
        return live;
    }

    boolean hasWaiters(String queue) {
        return byQueue.containsKey(queue);
    }

    /** Queue names with parked requests. */
    List<String> queues() {
        return new ArrayList<>(byQueue.keySet());
    }

    int size() {
        return parked.get();
    }

    /** Stopping: every parked request gets its timeout answer now. */
    void timeOutAll() {
        List<Parked<T>> all = new ArrayList<>();
        synchronized (this) {
            byQueue.values().forEach(all::addAll);
        }
        all.forEach(request -> request.release(timeoutValue));
    }

    /** Drops requests whose clients left, so they stop counting against the limits. */
    void sweep() {
        for (String queue : queues()) {
            oldest(queue, Integer.MAX_VALUE);
        }
    }
}
