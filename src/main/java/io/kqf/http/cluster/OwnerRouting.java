package io.kqf.http.cluster;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.kqf.engine.EngineRuntime;
import io.kqf.engine.QueuePlace;
import io.kqf.http.HttpFailure;

/**
 * Runs a request where its queue is served. Every lane of a queue is served by one node of the
 * cluster; a request that needs them (a get, an ack, a stat, a subscription's feed) is handled
 * here when this node serves the queue, and otherwise sent once to the node that does and its
 * answer passed back as it came. Nothing else is routed: puts and browsing run on any node.
 *
 * <p>One hop: a forwarded request is served where it lands. If that node no longer serves the
 * queue it says so at once ({@link #NOT_SERVED_HERE}), and the first node looks again. A peer that
 * cannot be reached, or a queue between owners, is retried until the engine's fetch wait is up,
 * then answered 503 with {@code Retry-After}. A request that reached a peer and lost its answer is
 * never sent twice (it may have taken an item): it is answered 503.
 */
public final class OwnerRouting {
    /** On a 503 from a peer: that node does not serve the queue (any more); look again. */
    static final String NOT_SERVED_HERE = "Kqf-Not-Served-Here";
    private static final long RETRY_MILLIS = 100;
    private static final Set<String> RESPONSE_NOT_COPIED = Set.of("content-length", "transfer-encoding", "connection",
            "keep-alive", "date", "server", ":status");

    private final EngineRuntime runtime;
    private final PeerClient peers;
    private final Duration answerTimeout;
    private final long retryForNanos;
    /** One thread per relayed event stream, for as long as it lasts. */
    private final java.util.concurrent.ExecutorService relays = java.util.concurrent.Executors.newCachedThreadPool(
            io.kqf.engine.DaemonThreads.named("kqf-stream-relay"));

    /**
     * @param answerTimeout longest a peer may take to answer (its longest parked request and then some)
     * @param retryFor how long an unreachable owner or a moving queue is retried before the 503
     */
    public OwnerRouting(EngineRuntime runtime, PeerClient peers, Duration answerTimeout, Duration retryFor) {
        this.runtime = runtime;
        this.peers = peers;
        this.answerTimeout = answerTimeout;
        this.retryForNanos = retryFor.toNanos();
    }

    /**
     * Where a request must run: its place now, and its place once settled (waiting while it moves).
     *
     * @param what how a 503 names it ("queue q", "node n")
     */
    public record Target(String what, Supplier<QueuePlace> now, Supplier<QueuePlace> settled) {
    }

    /** The target of a request for queue {@code queue} (engine name): the node that serves it. */
    public Target queue(String queue) {
        return new Target("queue " + queue, () -> runtime.placeNow(queue), () -> runtime.placeOf(queue));
    }

    /** The target of a request for push queue {@code queue}: its home node. */
    public Target pushHome(String queue) {
        Supplier<QueuePlace> place = () -> runtime.pushHomeOf(queue);
        return new Target("push queue " + queue, place, place);
    }

    /** The target of a request for node {@code node}: that node, while it is live. */
    public Target node(String node) {
        if (node.equals(runtime.nodeId())) {
            return new Target("node " + node, () -> QueuePlace.HERE, () -> QueuePlace.HERE);
        }
        Supplier<QueuePlace> place = () -> {
            String url = runtime.liveNodes().get(node);
            return url == null ? QueuePlace.MOVING : new QueuePlace.At(node, url);
        };
        return new Target("node " + node, place, place);
    }

    /** {@code inner}, run where the queue {@code queueOf} names is served (null: here). */
    public Handler byQueue(Function<Context, String> queueOf, Handler inner) {
        return to(ctx -> {
            String queue = queueOf.apply(ctx);
            return queue == null ? null : queue(queue);
        }, inner);
    }

    /** {@code inner}, run on the node {@code nodeOf} names (null or this node: here). */
    public Handler byNode(Function<Context, String> nodeOf, Handler inner) {
        return to(ctx -> {
            String node = nodeOf.apply(ctx);
            return node == null ? null : node(node);
        }, inner);
    }

    /** {@code inner}, run where {@code targetOf} says (null: here). */
    public Handler to(Function<Context, Target> targetOf, Handler inner) {
        return ctx -> {
            Target target = targetOf.apply(ctx);
            if (target == null) {
                inner.handle(ctx);
            } else {
                route(ctx, target, target.settled().get(), inner);
            }
        };
    }

    /** {@link #to} for an endless answer (an event stream): relayed as it comes, never retried. */
    public Handler streamTo(Function<Context, Target> targetOf, Handler inner) {
        return ctx -> {
            Target target = targetOf.apply(ctx);
            QueuePlace place = target == null ? QueuePlace.HERE : target.settled().get();
            if (place instanceof QueuePlace.At at && !PeerClient.forwarded(ctx)) {
                ctx.future(() -> peers.stream(at.url(), ctx, answerTimeout)
                        .exceptionally(error -> {
                            throw unavailable("the node serving " + target.what() + " did not answer: "
                                    + error.getClass().getSimpleName());
                        })
                        .thenCompose(answer -> relay(answer, ctx)));
            } else if (target == null) {
                inner.handle(ctx);
            } else {
                route(ctx, target, place, inner);
            }
        };
    }

    /**
     * Passes a streamed answer on as it comes, flushing each read, on a thread of its own until
     * either side ends it (a client that leaves is noticed at the next write; the upstream is then closed).
     */
    private CompletableFuture<Void> relay(HttpResponse<java.io.InputStream> answer, Context ctx) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        relays.execute(() -> {
            try (java.io.InputStream in = answer.body()) {
                ctx.status(answer.statusCode());
                copyHeaders(answer, ctx);
                java.io.OutputStream out = ctx.res().getOutputStream();
                ctx.res().flushBuffer();
                byte[] buffer = new byte[8192];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (java.io.IOException | IllegalStateException e) {
                // One side left: the other is closed with it.
            }
            done.complete(null);
        });
        return done;
    }

    private void route(Context ctx, Target target, QueuePlace place, Handler inner) throws Exception {
        Supplier<QueuePlace> placeNow = target.now();
        String what = target.what();
        if (place instanceof QueuePlace.Here) {
            inner.handle(ctx);
        } else if (PeerClient.forwarded(ctx)) {
            throw notServedHere(what);
        } else if (place instanceof QueuePlace.At at) {
            long deadline = System.nanoTime() + retryForNanos;
            ctx.future(() -> sendOn(ctx, at.url(), placeNow, deadline, what).thenAccept(answer -> copy(answer, ctx)));
        } else {
            throw unavailable(what + " is between nodes; retry");
        }
    }

    private CompletableFuture<HttpResponse<byte[]>> sendOn(Context ctx, String url, Supplier<QueuePlace> placeNow,
                                                           long deadline, String what) {
        return peers.send(url, ctx, answerTimeout).handle((answer, error) -> {
            boolean notSent = error != null && notSent(error);
            boolean notThere = answer != null && answer.statusCode() == 503
                    && answer.headers().firstValue(NOT_SERVED_HERE).isPresent();
            if (error != null && !notSent) {
                return CompletableFuture.<HttpResponse<byte[]>>failedFuture(
                        unavailable("the node serving " + what + " did not answer: " + error.getClass().getSimpleName()));
            }
            if (!notSent && !notThere) {
                return CompletableFuture.completedFuture(answer);
            }
            return retry(ctx, placeNow, deadline, what);
        }).thenCompose(next -> next);
    }

    /** Looks again where the queue is served, after a pause, until the deadline. */
    private CompletableFuture<HttpResponse<byte[]>> retry(Context ctx, Supplier<QueuePlace> placeNow, long deadline,
                                                          String what) {
        if (System.nanoTime() >= deadline) {
            return CompletableFuture.failedFuture(unavailable("no node serves " + what + " now; retry"));
        }
        return CompletableFuture.supplyAsync(placeNow, CompletableFuture.delayedExecutor(RETRY_MILLIS, TimeUnit.MILLISECONDS))
                .thenCompose(place -> {
                    if (place instanceof QueuePlace.At at) {
                        return sendOn(ctx, at.url(), placeNow, deadline, what);
                    }
                    String self = runtime.liveNodes().get(runtime.nodeId());
                    if (place instanceof QueuePlace.Here && self != null) {
                        // Served here now, but this answer is being built off the request's thread:
                        // the request goes to this node's own port, which serves it.
                        return sendOn(ctx, self, placeNow, deadline, what);
                    }
                    return retry(ctx, placeNow, deadline, what);
                });
    }

    /** The request never reached the peer: safe to send again. */
    private static boolean notSent(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException;
    }

    private static void copy(HttpResponse<byte[]> answer, Context ctx) {
        ctx.status(answer.statusCode());
        copyHeaders(answer, ctx);
        ctx.result(answer.body());
    }

    private static void copyHeaders(HttpResponse<?> answer, Context ctx) {
        for (Map.Entry<String, java.util.List<String>> header : answer.headers().map().entrySet()) {
            if (!RESPONSE_NOT_COPIED.contains(header.getKey().toLowerCase())) {
                java.util.List<String> values = header.getValue();
                ctx.res().setHeader(header.getKey(), values.get(0));
                values.subList(1, values.size()).forEach(value -> ctx.res().addHeader(header.getKey(), value));
            }
        }
    }

    private static HttpFailure notServedHere(String what) {
        return new HttpFailure(503, "this node does not serve " + what + " now", Map.of(NOT_SERVED_HERE, "1"));
    }

    private static HttpFailure unavailable(String reason) {
        return new HttpFailure(503, reason);
    }
}
