package io.kqf.http.ops;

import java.util.Map;
import java.util.Set;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.kqf.engine.EngineRuntime;
import io.kqf.metrics.NodeMetrics;

/**
 * What orchestrators ask a node: is the process alive ({@code /health}), and can it serve
 * ({@code /ready}: Kafka answers). Answers are small JSON documents; a refusal carries its reason
 * in the body, as the REST API's do. ({@code /version} is the hustmq API's own.) {@code /metrics}
 * is the node's metrics in Prometheus text format; unlike the probes it asks for credentials when
 * auth.file is set (Prometheus sends basic auth).
 */
public final class OpsRoutes extends PlainFrontEnd {
    /** Probes carry no credentials: these answer without authentication and reveal nothing. */
    private static final Set<String> OPEN_PATHS = Set.of("/health", "/ready");

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
    public boolean isPublic(String path) {
        return OPEN_PATHS.contains(path);
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
}
