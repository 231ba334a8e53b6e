package io.kqf.engine.rpc;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A parked caller or worker. No thread waits for it: the front end answers when {@link #outcome()}
 * completes. Exactly one party settles it ({@link #settle()}) and then completes it, so a task
 * taken for a parked worker is never lost to a timeout racing with it. {@code connected} asks the
 * transport whether the client is still there (a non-blocking read), so a task is never spent on
 * a client that left.
 *
 * @param <T> what the request is answered with
 */
final class Waiter<T> {
    private final CompletableFuture<T> outcome = new CompletableFuture<>();
    private final AtomicBoolean settled = new AtomicBoolean();
    private final BooleanSupplier connected;

    Waiter(BooleanSupplier connected) {
        this.connected = connected;
    }

    CompletableFuture<T> outcome() {
        return outcome;
    }

    /** Claims the right to complete this request; false if it is already settled. */
    boolean settle() {
        return settled.compareAndSet(false, true);
    }

    boolean isSettled() {
        return settled.get();
    }

    /** Settles and completes in one step; false if someone else settled it first. */
    boolean release(T value) {
        if (!settle()) {
            return false;
        }
        outcome.complete(value);
        return true;
    }

    /** Gives a settled request back (what it was claimed for fell through). */
    void unsettle() {
        settled.set(false);
    }

    /** Completes a request this caller has already settled. */
    void complete(T value) {
        outcome.complete(value);
    }

    /** Whether the client is still there (asks the transport: not under a lock). */
    boolean connected() {
        return connected.getAsBoolean();
    }

    /**
     * Gives up a request this caller has settled: its client left, nobody is answered. Completes
     * the outcome (cancelled), so its dependents run here: never under the exchange's monitor.
     */
    void abandon() {
        outcome.cancel(/* mayInterruptIfRunning= */ false);
    }

    /** False, and the request abandoned, when it is settled already or its client has left; not under the monitor. */
    boolean stillWaiting() {
        if (settled.get()) {
            return false;
        }
        if (!connected()) {
            if (settle()) {
                abandon();
            }
            return false;
        }
        return true;
    }
}
