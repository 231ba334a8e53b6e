package io.kqf.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The order in which the publishes of one push queue reach Kafka. An item's index follows from its
 * offset ({@link PushWindow}), so plain publishes need no coordination: they are sent at once, many
 * in flight, and the idempotent producer lands them in the partition in the order they were sent.
 * A window move ({@code pub idx=I}) is computed from the exact end offset and must be durable before
 * anything that depends on it is acknowledged, so it starts only when every step admitted before it
 * has finished, and every step admitted after it waits until it has finished.
 *
 * <p>Invariants, under the monitor: {@code inFlight} plain steps are started and not finished; at
 * most one move is started and not finished ({@code moving}), and then no plain step is; waiting
 * steps start in admission order, and only wait while something is started. Nothing is started under the monitor: starting is Kafka I/O, so
 * the caller starts what {@link #admit} and {@link #finished} hand back.
 */
final class PubPipeline {
    /** One publish. Started once, outside the monitor, and then reported {@link #finished} exactly once. */
    interface Step {
        boolean movesWindow();

        void start();
    }

    private final ArrayDeque<Step> waiting = new ArrayDeque<>();
    private int inFlight;
    private boolean moving;

    /** True when the caller must start {@code step} now; false when it waits and is handed out by a later {@link #finished}. */
    synchronized boolean admit(Step step) {
        if (!waiting.isEmpty() || moving) {
            waiting.add(step);
            return false;
        }
        if (!step.movesWindow()) {
            inFlight++;
            return true;
        }
        if (inFlight > 0) {
            waiting.add(step);
            return false;
        }
        moving = true;
        return true;
    }

    /** A started step was acknowledged or failed; returns the steps the caller must start now, in order. */
    synchronized List<Step> finished(Step step) {
        if (step.movesWindow()) {
            if (!moving) {
                throw new IllegalStateException("a window move finished that was not started");
            }
            moving = false;
        } else {
            if (inFlight == 0) {
                throw new IllegalStateException("a publish finished that was not started");
            }
            inFlight--;
        }
        if (waiting.isEmpty()) {
            return List.of();
        }
        List<Step> ready = new ArrayList<>();
        while (!waiting.isEmpty() && !moving) {
            Step next = waiting.peek();
            if (!next.movesWindow()) {
                waiting.poll();
                inFlight++;
                ready.add(next);
            } else if (inFlight == 0) {
                waiting.poll();
                moving = true;
                ready.add(next);
            } else {
                break;
            }
        }
        return ready;
    }

    /**
     * Takes a waiting step out (its client is answered: it waited too long). False when it has been
     * started meanwhile: then it finishes as usual. Steps behind it start when the next one finishes.
     */
    synchronized boolean withdraw(Step step) {
        return waiting.remove(step);
    }

    /** Steps admitted and not yet started (tests, metrics). */
    synchronized int waiting() {
        return waiting.size();
    }

    /** Started and unfinished steps (tests, metrics). */
    synchronized int started() {
        return inFlight + (moving ? 1 : 0);
    }

    /** Throws when the bookkeeping contradicts itself (tests call it after every scenario). */
    synchronized void checkInvariants() {
        if (inFlight < 0 || (moving && inFlight > 0)) {
            throw new IllegalStateException("inFlight " + inFlight + ", moving " + moving);
        }
        if (!waiting.isEmpty() && !moving && inFlight == 0) {
            throw new IllegalStateException(waiting.size() + " steps wait with nothing started ahead of them");
        }
    }
}
