package io.kqf.http.hustmq;

import io.javalin.http.Context;
import io.kqf.engine.QueueEngine;
import io.kqf.http.RawQuery;

/** stat, stat_all, autost, version, status.html: live values, never a cache. */
final class StatusEndpoints {
    private final QueueEngine engine;
    private final ClusterStatAll statAll;
    private final String version;

    StatusEndpoints(io.kqf.engine.EngineRuntime runtime, ClusterStatAll statAll, String version) {
        this.engine = runtime.engine();
        this.statAll = statAll;
        this.version = version;
    }

    void stat(Context ctx) {
        String queue = RawQuery.of(ctx.queryString()).require("queue");
        ctx.result(HustmqJson.stat(engine.stat(queue)));
    }

    /** Every queue of the cluster: the ones this node serves, and what each other node says of its own. */
    void statAll(Context ctx) {
        RpcEndpoints.answer(ctx, statAll.of(ctx), ctx::result);
    }

    /** The original refreshed its status cache here; kqf reads live state, so there is nothing to do. */
    void autost(Context ctx) {
        ctx.status(200);
    }

    void version(Context ctx) {
        ctx.result("kqf " + version + "\n");
    }

    void health(Context ctx) {
        ctx.result("ok\n");
    }
}
