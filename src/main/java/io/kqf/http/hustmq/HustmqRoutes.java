package io.kqf.http.hustmq;

import java.util.List;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.kqf.engine.EngineRuntime;
import io.javalin.http.Context;
import io.kqf.http.FrontEnd;
import io.kqf.http.HttpFailure;
import io.kqf.http.RawQuery;
import io.kqf.http.cluster.OwnerRouting;

/**
 * All 19 hustmq endpoints (plus version and status.html), in one place. The original accepts any
 * method except on do_get/do_post (POST only, 405 otherwise: checked in their handlers, after
 * authentication); HEAD on get is refused because it would consume an item without returning it.
 */
public final class HustmqRoutes implements FrontEnd {
    private static final List<HandlerType> ANY_METHOD = List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
            HandlerType.DELETE, HandlerType.PATCH, HandlerType.HEAD);

    private static final java.util.Set<String> ENDPOINTS = java.util.Set.of("/put", "/get", "/ack", "/timeout",
            "/lock", "/max", "/purge", "/worker", "/stat", "/stat_all", "/autost", "/version", "/status.html", "/evget",
            "/evsub", "/pub", "/sub", "/do_get", "/do_post", "/do_get_status", "/do_post_status");

    private final QueueEndpoints queues;
    private final StatusEndpoints status;
    private final LongPollEndpoints longPolls;
    private final PushEndpoints push;
    private final RpcEndpoints rpc;
    private final OwnerRouting owners;
    private final EngineRuntime runtime;
    private final io.kqf.engine.QueueEngine engine;

    /** @param owners sends a request that needs a queue's lanes to the node that serves them */
    public HustmqRoutes(EngineRuntime runtime, String version, int maxTaskBodyBytes, OwnerRouting owners,
                        io.kqf.http.cluster.PeerClient peers, java.time.Duration peerTimeout) {
        io.kqf.http.cluster.PeerGather gather = new io.kqf.http.cluster.PeerGather(runtime, peers, peerTimeout);
        this.owners = owners;
        this.runtime = runtime;
        this.engine = runtime.engine();
        this.queues = new QueueEndpoints(runtime.engine());
        this.status = new StatusEndpoints(runtime, new ClusterStatAll(runtime, gather, peers, peerTimeout), version);
        this.longPolls = new LongPollEndpoints(runtime.longPolls(), runtime.push(), queues);
        this.push = new PushEndpoints(runtime.push());
        this.rpc = new RpcEndpoints(runtime.tasks(), maxTaskBodyBytes, gather);
    }

    /** hustmq's endpoints are single segments; every other path belongs to other front ends. */
    @Override
    public boolean owns(String path) {
        return ENDPOINTS.contains(path);
    }

    @Override
    public void renderFailure(Throwable failure, Context ctx) {
        HustmqErrors.render(failure, ctx);
    }

    @Override
    public void renderJavalinStatus(int status, String reason, Context ctx) {
        HustmqErrors.renderJavalinStatus(status, reason, ctx);
    }

    @Override
    public void register(RoutesConfig routes) {
        // Where the queue's lanes are needed, the request runs on the node that serves them.
        any(routes, "/put", owners.byQueue(this::queueIfLimited, queues::put));
        anyButHead(routes, "/get", owners.byQueue(HustmqRoutes::queueOf, longPolls::get));
        any(routes, "/ack", owners.byQueue(HustmqRoutes::queueOf, queues::ack));
        any(routes, "/timeout", owners.byQueue(HustmqRoutes::queueOf, queues::timeout));
        // Attributes too: the queue's node writes them, so two nodes never overwrite each other's change.
        any(routes, "/lock", owners.byQueue(HustmqRoutes::queueOf, queues::lock));
        any(routes, "/max", owners.byQueue(HustmqRoutes::queueOf, queues::max));
        any(routes, "/purge", owners.byQueue(HustmqRoutes::queueOf, queues::purge));
        any(routes, "/worker", owners.byQueue(HustmqRoutes::queueOf, queues::worker));
        any(routes, "/stat", owners.byQueue(HustmqRoutes::queueOf, status::stat));
        any(routes, "/stat_all", status::statAll);
        any(routes, "/autost", status::autost);
        any(routes, "/version", status::version);
        any(routes, "/status.html", status::health);
        anyButHead(routes, "/evget", owners.byQueue(HustmqRoutes::queueOf, longPolls::evget));
        // A push queue lives on one home node: its pubs, the evsubs they wake and its window meet there.
        any(routes, "/evsub", owners.to(this::pushHome, longPolls::evsub));
        any(routes, "/pub", owners.to(this::pushHome, push::pub));
        any(routes, "/sub", owners.to(this::pushHome, push::sub));
        any(routes, "/do_get", rpc::doGet);
        // A worker's result goes to the node whose caller waits for it, whichever node it came to.
        any(routes, "/do_post", owners.byNode(this::taskIssuer, rpc::doPost));
        any(routes, "/do_get_status", rpc::doGetStatus);
        any(routes, "/do_post_status", rpc::doPostStatus);
    }

    /** The request's queue, as the handler will read it (null when absent: the handler refuses it here). */
    private static String queueOf(Context ctx) {
        String queue = RawQuery.of(ctx.queryString()).get("queue");
        return queue == null || queue.isEmpty() ? null : queue;
    }

    private OwnerRouting.Target pushHome(Context ctx) {
        String queue = queueOf(ctx);
        return queue == null ? null : owners.pushHome(queue);
    }

    /** A put needs the owner only where max is set: counting against it needs the queue's lanes. */
    private String queueIfLimited(Context ctx) {
        String queue = queueOf(ctx);
        return queue != null && engine.limitsPuts(queue) ? queue : null;
    }

    /** The other node that issued the task a do_post answers (null: this one, or a claim without a token). */
    private String taskIssuer(Context ctx) {
        return runtime.issuerOfTask(RawQuery.of(ctx.queryString()).get("token"));
    }

    private static void any(RoutesConfig routes, String path, Handler handler) {
        ANY_METHOD.forEach(method -> routes.addHttpHandler(method, path, handler));
    }

    private static void anyButHead(RoutesConfig routes, String path, Handler handler) {
        ANY_METHOD.forEach(method -> routes.addHttpHandler(method, path, method == HandlerType.HEAD
                ? ctx -> {
                    throw new HttpFailure(405, "HEAD " + path + " would consume an item without returning it");
                }
                : handler));
    }
}
