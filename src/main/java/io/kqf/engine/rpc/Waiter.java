package io.kqf.engine.rpc;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A parked caller or worker. No thread waits for it: the front end answers when {@link #outcome()}
 * completes. Exactly one party settles it ({@link #settle()}) and then completes it, so a task
 * taken for a parked worker is never lost to a timeout racing with it. {@code connected} asks the
 * transport whether the client is still there, so a task is never spent on a client that left.
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

    /** False, and the request abandoned (its outcome cancelled), when its client has left. */
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
