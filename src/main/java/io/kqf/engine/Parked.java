package io.kqf.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A request parked until something happens or its deadline passes. No thread waits for it: the
 * front end holds an async response on {@link #outcome()}. Exactly one of release, timeout or
 * abandonment settles it ({@link #settle()}), so an item taken for a parked get is never lost to a
 * timeout racing with it. {@code connected} asks the transport whether the client is still there,
 * so a release is never spent on a client that left.
 *
 * @param <T> what the request is released with
 */
public final class Parked<T> {
    private final CompletableFuture<T> outcome = new CompletableFuture<>();
    private final AtomicBoolean settled = new AtomicBoolean();
    private final BooleanSupplier connected;
    private final Object request;

    public Parked(BooleanSupplier connected) {
        this(connected, null);
    }

    /** @param request what the parked request asked for (an index, a get's options…) */
    public Parked(BooleanSupplier connected, Object request) {
        this.connected = connected;
        this.request = request;
    }

    Object request() {
        return request;
    }

    /** Completes with the release, or with the timeout value of the list it waits in. */
    public CompletableFuture<T> outcome() {
        return outcome;
    }

    /** Claims the right to complete this request; false if it is already settled. */
    public boolean settle() {
        return settled.compareAndSet(false, true);
    }

    /** Settles and completes in one step (a release that needs no work after the claim). */
    public boolean release(T value) {
        if (!settle()) {
            return false;
        }
        outcome.complete(value);
        return true;
    }

    /** Gives a settled request back (the release it was claimed for fell through). */
    public void unsettle() {
        settled.set(false);
    }

    /** Completes a request this caller has already settled. */
    public void complete(T value) {
        outcome.complete(value);
    }

    public void fail(Throwable error) {
        outcome.completeExceptionally(error);
    }

    public boolean isSettled() {
        return settled.get();
    }

    /** Whether the client is still there (asks the transport: call it outside any lock). */
    public boolean connected() {
        return connected.getAsBoolean();
    }

    /**
     * Gives up a request this caller has settled: its client left, nobody is answered. Completes
     * the outcome (cancelled), so its dependents run on the calling thread: never call it under a lock.
     */
    public void abandon() {
        outcome.cancel(/* mayInterruptIfRunning= */ false);
    }

    /** False, and the request abandoned, when it is settled already or its client has left. */
    public boolean stillWaiting() {
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
