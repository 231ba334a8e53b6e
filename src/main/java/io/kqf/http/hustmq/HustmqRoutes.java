package io.kqf.http.hustmq;

import java.util.List;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.kqf.engine.QueueEngine;
import io.kqf.http.HttpFailure;

/**
 * Every hustmq endpoint, in one place. The original accepts any method except on do_get/do_post
 * (POST only); HEAD on get is refused because it would consume an item without returning it.
 */
public final class HustmqRoutes {
    private static final List<HandlerType> ANY_METHOD = List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
            HandlerType.DELETE, HandlerType.PATCH, HandlerType.HEAD);

    private final QueueEndpoints queues;
    private final StatusEndpoints status;

    public HustmqRoutes(QueueEngine engine, String version) {
        this.queues = new QueueEndpoints(engine);
        this.status = new StatusEndpoints(engine, version);
    }

    public void register(RoutesConfig routes) {
        any(routes, "/put", queues::put);
        anyButHead(routes, "/get", queues::get);
        any(routes, "/ack", queues::ack);
        any(routes, "/timeout", queues::timeout);
        any(routes, "/lock", queues::lock);
        any(routes, "/max", queues::max);
        any(routes, "/purge", queues::purge);
        any(routes, "/worker", queues::worker);
        any(routes, "/stat", status::stat);
        any(routes, "/stat_all", status::statAll);
        any(routes, "/autost", status::autost);
        any(routes, "/version", status::version);
        any(routes, "/status.html", status::health);
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
