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

    /** @param request what the parked request asked for (an index, a get's options…) */
    Parked(BooleanSupplier connected, Object request) {
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
    boolean settle() {
        return settled.compareAndSet(false, true);
    }

    /** Settles and completes in one step (a release that needs no work after the claim). */
    boolean release(T value) {
        if (!settle()) {
            return false;
        }
        outcome.complete(value);
        return true;
    }

    /** Gives a settled request back (the release it was claimed for fell through). */
    void unsettle() {
        settled.set(false);
    }

    /** Completes a request this caller has already settled. */
    void complete(T value) {
        outcome.complete(value);
    }

    void fail(Throwable error) {
        outcome.completeExceptionally(error);
    }

    /** False, and the request abandoned, when its client has left. */
    boolean stillWaiting() {
        if (settled.get()) {
            return false;
        }
        if (!connected.getAsBoolean()) {
            if (settle()) {
                outcome.cancel(false);
            }
            return false;
        }
        return true;
    }
}
