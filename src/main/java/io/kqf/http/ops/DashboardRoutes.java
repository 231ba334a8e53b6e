package io.kqf.http.ops;

import java.util.Set;

import io.javalin.config.RoutesConfig;
import io.javalin.http.HandlerType;
import io.kqf.engine.EngineRuntime;
import io.kqf.engine.subscribe.Subscriptions;
import io.kqf.http.cluster.PeerGather;

/**
 * The live dashboard at {@code /ui}: static files (no build step) that poll the APIs' own status
 * endpoints and {@link DashboardState} once a second. It shows queue contents, so it asks for
 * credentials like the APIs do; the browser then sends them on the page's own requests.
 */
public final class DashboardRoutes extends PlainFrontEnd {
    private final StaticFiles files = new StaticFiles("ui", Set.of("index.html", "dashboard.js", "dashboard.css"));
    private final DashboardState state;

    public DashboardRoutes(EngineRuntime runtime, Subscriptions subscriptions, PeerGather gather) {
        this.state = new DashboardState(runtime, subscriptions, gather);
    }

    @Override
    public boolean owns(String path) {
        return path.equals("/ui") || path.startsWith("/ui/");
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.addHttpHandler(HandlerType.GET, "/ui", ctx -> files.serve(ctx, "index.html"));
        // Before /ui/{file}, which would otherwise take it.
        routes.addHttpHandler(HandlerType.GET, DashboardState.PATH, ctx -> {
            ctx.contentType("application/json").header("Cache-Control", "no-store");
            ctx.future(() -> state.of(ctx).thenAccept(ctx::result));
        });
        routes.addHttpHandler(HandlerType.GET, "/ui/{file}", ctx -> files.serve(ctx, ctx.pathParam("file")));
    }
}
