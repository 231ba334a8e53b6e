package io.kqf.http.ops;

import java.util.Map;
import java.util.Set;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.kqf.engine.EngineRuntime;
import io.kqf.http.FrontEnd;
import io.kqf.http.HttpFailure;
import io.kqf.metrics.NodeMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What orchestrators ask a node: is the process alive ({@code /health}), and can it serve
 * ({@code /ready}: Kafka answers). Answers are small JSON documents; a refusal carries its reason
 * in the body, as the REST API's do. ({@code /version} is the hustmq API's own.) {@code /metrics}
 * is the node's metrics in Prometheus text format; unlike the probes it asks for credentials when
 * auth.file is set (Prometheus sends basic auth).
 */
public final class OpsRoutes implements FrontEnd {
    private static final Logger log = LoggerFactory.getLogger(OpsRoutes.class);
    /** Probes carry no credentials: these answer without authentication and reveal nothing. */
    public static final Set<String> OPEN_PATHS = Set.of("/health", "/ready");

    private final EngineRuntime runtime;
    private final String version;
    private final NodeMetrics metrics;

    public OpsRoutes(EngineRuntime runtime, String version, NodeMetrics metrics) {
        this.runtime = runtime;
        this.version = version;
        this.metrics = metrics;
    }

    @Override
    public boolean owns(String path) {
        return OPEN_PATHS.contains(path) || path.equals("/metrics");
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.addHttpHandler(HandlerType.GET, "/health", ctx -> ctx.json(Map.of("status", "up")));
        routes.addHttpHandler(HandlerType.GET, "/ready", this::ready);
        routes.addHttpHandler(HandlerType.GET, "/metrics", ctx -> ctx.contentType(metrics.contentType()).result(metrics.scrape()));
    }

    private void ready(Context ctx) {
        String notReady = runtime.notReadyReason();
        if (notReady != null) {
            ctx.status(503).header("Retry-After", "1").json(Map.of("status", "not ready", "reason", notReady));
            return;
        }
        ctx.json(Map.of("status", "ready", "node", runtime.nodeId(), "version", version));
    }

    @Override
    public void renderFailure(Throwable failure, Context ctx) {
        if (failure instanceof HttpFailure http) {
            http.headers().forEach(ctx::header);
            ctx.status(http.status()).result(http.getMessage());
            return;
        }
        log.error("unexpected failure on {}", ctx.path(), failure);
        ctx.status(500).result("unexpected failure");
    }

    @Override
    public void renderJavalinStatus(int status, String reason, Context ctx) {
        if (ctx.result() == null || ctx.result().isEmpty()) {
            ctx.result(reason);
        }
    }
}
