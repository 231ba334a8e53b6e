package io.kqf.http.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.javalin.http.Context;
import io.kqf.engine.DaemonThreads;

/**
 * Sends a client's request on to another node of the cluster, as it came (method, path, query,
 * headers, body), over one pooled keep-alive HTTP/1.1 client. The copy says who sent it
 * ({@link #FORWARDED_BY}), which is what stops it from going any further: one hop at most.
 */
public final class PeerClient implements AutoCloseable {
    /** Set on a forwarded request: the node it came through. A forwarded request is never forwarded again. */
    public static final String FORWARDED_BY = "Kqf-Forwarded-By";
    /** The Host the client sent, for answers that echo it (the evget redirect). */
    public static final String CLIENT_HOST = "X-Forwarded-Host";
    /** Hop-by-hop headers, and those the JDK client sets itself. */
    private static final Set<String> NOT_COPIED = Set.of("connection", "keep-alive", "transfer-encoding", "te", "trailer",
            "upgrade", "host", "content-length", "expect", "proxy-connection", "proxy-authorization",
            FORWARDED_BY.toLowerCase(), CLIENT_HOST.toLowerCase());

    private final ExecutorService threads = Executors.newFixedThreadPool(2, DaemonThreads.named("kqf-peer-client"));
    private final HttpClient client;
    private final String nodeId;

    /** @param connectTimeout how long a connection to a peer may take before it counts as unreachable */
    public PeerClient(String nodeId, Duration connectTimeout) {
        this.nodeId = nodeId;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).executor(threads).build();
        // The JDK client completes each answer through CompletableFuture's default pool: with a
        // common pool of one thread (fewer than 3 cores) that is a new thread per answer. Main sets
        // the pool's size before anything uses it; said here once if something else came first.
        if (java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() < 2) {
            org.slf4j.LoggerFactory.getLogger(PeerClient.class).warn("the common pool has one thread: each forwarded"
                    + " answer starts a thread; run with -Djava.util.concurrent.ForkJoinPool.common.parallelism=2");
        }
    }

    /**
     * Sends {@code ctx}'s request to the node at {@code baseUrl}; fails with an IOException when
     * that node cannot be reached or does not answer within {@code answerTimeout}.
     */
    public CompletableFuture<HttpResponse<byte[]>> send(String baseUrl, Context ctx, Duration answerTimeout) {
        return client.sendAsync(copyOf(baseUrl, ctx, answerTimeout), HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * As {@link #send}, for an answer that streams (server-sent events): it completes with the
     * status and headers, and its body is read as it comes; {@code answerTimeout} bounds only the wait for the headers.
     */
    public CompletableFuture<HttpResponse<java.io.InputStream>> stream(String baseUrl, Context ctx, Duration answerTimeout) {
        return client.sendAsync(copyOf(baseUrl, ctx, answerTimeout), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** A GET of this node's own to a peer, marked forwarded (so the peer answers for itself only). */
    public CompletableFuture<HttpResponse<byte[]>> get(String baseUrl, String pathAndQuery, Duration answerTimeout,
                                                       String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(answerTimeout)
                .GET().header(FORWARDED_BY, nodeId);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpRequest copyOf(String baseUrl, Context ctx, Duration answerTimeout) {
        String query = ctx.queryString();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + ctx.path() + (query == null ? "" : "?" + query)))
                .timeout(answerTimeout)
                .method(ctx.method().name(), HttpRequest.BodyPublishers.ofByteArray(ctx.bodyAsBytes()));
        for (String name : ctx.headerMap().keySet()) {
            if (!NOT_COPIED.contains(name.toLowerCase())) {
                for (String value : ctx.req().getHeaders(name) == null ? java.util.List.<String>of()
                        : java.util.Collections.list(ctx.req().getHeaders(name))) {
                    request.header(name, value);
                }
            }
        }
        request.header(FORWARDED_BY, nodeId);
        String host = ctx.header("Host");
        if (host != null) {
            request.header(CLIENT_HOST, host);
        }
        return request.build();
    }

    /** Whether {@code ctx} came from another node (then it is served here, never sent on). */
    public static boolean forwarded(Context ctx) {
        return ctx.header(FORWARDED_BY) != null;
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
