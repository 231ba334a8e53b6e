package io.kqf.engine;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parked evgets and waiting gets, woken by events instead of the original's 200 ms status-cache
 * pass: every change that can make a queue deliverable (a put here, a record fetched from another
 * writer, a lease falling due) signals the queue, and one waker thread serves its parked requests.
 *
 * <p>evget: at most one waiter is released per deliverable item that no earlier release has
 * promised yet; a promise lapses when a get on the queue arrives or after {@link #PROMISE_TTL_NANOS}.
 * A waiting get takes its item itself, so it needs no promise.
 */
public final class LongPolls implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LongPolls.class);
    /** How long a released evget's client has to follow its 307 before its item may be promised again. */
    private static final long PROMISE_TTL_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** How often parked requests whose clients left are dropped. */
    private static final long SWEEP_INTERVAL_MILLIS = 5_000;

    /** What a parked get asked for. */
    private record GetAsk(String consumer, DeliveryMode mode) {
    }

    private final QueueEngine engine;
    private final QueueRegistry registry;
    private final WaitList<Boolean> evgets;
    private final WaitList<Optional<Delivery>> gets;
    private final Duration longPollingTimeout;
    private final Map<String, ArrayDeque<Long>> promises = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<String> signalled = new LinkedBlockingQueue<>();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Thread waker;
    private volatile boolean running = true;

    LongPolls(QueueEngine engine, QueueRegistry registry, QueueEvents events, WaitList<Boolean> evgets,
              WaitList<Optional<Delivery>> gets, Duration longPollingTimeout) {
        this.engine = engine;
        this.registry = registry;
        this.evgets = evgets;
        this.gets = gets;
        this.longPollingTimeout = longPollingTimeout;
        events.listen(new QueueEvents.Listener() {
            @Override
            public void changed(String queue) {
                LongPolls.this.changed(queue);
            }

            @Override
            public void gotten(String queue) {
                onGet(queue);
            }
        });
        this.waker = new Thread(this::wake, "kqf-waker");
        waker.setDaemon(true);
        waker.start();
    }

    /** Parks until the queue has a deliverable item (true) or long_polling_timeout passes (false). */
    public Parked<Boolean> evget(String queueName, BooleanSupplier connected) {
        QueueNames.validate(queueName);
        Parked<Boolean> parked = evgets.park(queueName, longPollingTimeout, connected, null);
        changed(queueName);
        return parked;
    }

    /** A delivery that waits up to {@code wait} for a record; empty on timeout. */
    public Parked<Optional<Delivery>> deliver(String queueName, String consumer, DeliveryMode mode, Duration wait,
                                              BooleanSupplier connected) {
        QueueNames.validate(queueName);
        Parked<Optional<Delivery>> parked = gets.park(queueName, wait, connected, new GetAsk(consumer, mode));
        changed(queueName);
        return parked;
    }

    /** Cheap: called under queue monitors and on the poller thread. */
    private void changed(String queueName) {
        if ((evgets.hasWaiters(queueName) || gets.hasWaiters(queueName)) && pending.add(queueName)) {
            signalled.add(queueName);
        }
    }

    /** Every get on a queue consumes one promise made to a released evget. */
    private void onGet(String queueName) {
        ArrayDeque<Long> made = promises.get(queueName);
        if (made != null) {
            synchronized (made) {
                made.pollFirst();
            }
        }
    }

    private void wake() {
        long nextSweep = System.currentTimeMillis() + SWEEP_INTERVAL_MILLIS;
        while (running) {
            try {
                String queueName = signalled.poll(SWEEP_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
                if (queueName != null) {
                    pending.remove(queueName);
                    serve(queueName);
                }
                if (System.currentTimeMillis() >= nextSweep) {
                    evgets.sweep();
                    gets.sweep();
                    nextSweep = System.currentTimeMillis() + SWEEP_INTERVAL_MILLIS;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("serving parked requests failed: {}", e.toString());
            }
        }
    }

    private void serve(String queueName) {
        QueueState queue = registry.find(queueName);
        if (queue == null || queue.meta().type() != QueueType.PLAIN) {
            return;
        }
        for (Parked<Optional<Delivery>> parked : gets.oldest(queueName, Integer.MAX_VALUE)) {
            if (engine.deliverable(queue) == 0 || !parked.settle()) {
                break;
            }
            GetAsk ask = (GetAsk) parked.request();
            CompletableFuture<Optional<Delivery>> delivery;
            try {
                delivery = engine.tryDeliver(queue, ask.consumer(), ask.mode());
            } catch (EngineException e) {
                parked.fail(e);
                continue;
            }
            if (delivery == null) {
                parked.unsettle();
                break;
            }
            delivery.whenComplete((taken, error) -> {
                if (error != null) {
                    parked.fail(error);
                } else {
                    parked.complete(taken);
                }
            });
        }
        long unpromised = engine.deliverable(queue) - livePromises(queueName);
        if (unpromised <= 0) {
            return;
        }
        ArrayDeque<Long> made = promises.computeIfAbsent(queueName, q -> new ArrayDeque<>());
        for (Parked<Boolean> parked : evgets.oldest(queueName, (int) Math.min(unpromised, Integer.MAX_VALUE))) {
            // Promise first: the released client's get may arrive before release() even returns.
            long promise = System.nanoTime();
            synchronized (made) {
                made.addLast(promise);
            }
            if (!parked.release(true)) {
                synchronized (made) {
                    made.removeLastOccurrence(promise);
                }
            }
        }
    }

    private long livePromises(String queueName) {
        ArrayDeque<Long> made = promises.get(queueName);
        if (made == null) {
            return 0;
        }
        synchronized (made) {
            long now = System.nanoTime();
            while (!made.isEmpty() && now - made.peekFirst() > PROMISE_TTL_NANOS) {
                made.pollFirst();
            }
            return made.size();
        }
    }

    /** Stopping: parked evgets and gets answer as their timeout would (404). */
    public void timeOutAll() {
        evgets.timeOutAll();
        gets.timeOutAll();
    }

    /** Parked evgets (for tests and metrics). */
    public int parkedEvgets() {
        return evgets.size();
    }

    /** Parked gets with wait=N. */
    public int parkedGets() {
        return gets.size();
    }

    @Override
    public void close() {
        running = false;
        waker.interrupt();
    }
}
