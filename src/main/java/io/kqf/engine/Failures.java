package io.kqf.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Bounded waits on futures from request threads, and one-line reasons of the failures they carry. */
public final class Failures {
    private Failures() {
    }

    /** The innermost cause's message, without the wrappers futures add. */
    public static String messageOf(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * The same outcome, but failing with UNAVAILABLE if it has not come within {@code timeoutNanos}:
     * no request waits on Kafka without a bound. Engine refusals pass through; any other failure
     * becomes UNAVAILABLE naming {@code what}.
     */
    public static <T> CompletableFuture<T> within(CompletableFuture<T> future, long timeoutNanos, String what) {
        return future.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS).handle((value, error) -> {
            if (error == null) {
                return value;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof EngineException refusal) {
                throw refusal;
            }
            if (cause instanceof TimeoutException) {
                throw EngineException.unavailable(what + " did not finish within "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
            }
            throw EngineException.unavailable(what + " failed: " + messageOf(cause));
        });
    }

    /**
     * Waits at most {@code timeoutNanos} for {@code future}. An engine refusal it failed with is
     * rethrown as is; any other failure, and the timeout, become UNAVAILABLE naming {@code what}.
     */
    public static <T> T await(CompletableFuture<T> future, long timeoutNanos, String what) {
        try {
            return future.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EngineException refusal) {
                throw refusal;
            }
            throw EngineException.unavailable(what + " failed: " + messageOf(e));
        } catch (TimeoutException e) {
            throw EngineException.unavailable(what + " did not finish within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.unavailable("interrupted");
        }
    }
}
