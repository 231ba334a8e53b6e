package io.kqf.http.rest;

import java.time.Instant;
import java.util.List;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.kqf.engine.EngineRuntime;
import io.kqf.engine.subscribe.Subscriptions;
import io.kqf.http.FrontEnd;
import io.kqf.http.rest.doc.Representation;
import io.kqf.http.rest.doc.ServiceDocument;

/**
 * The RESTful queue API's routes: the service document, queues (create, list, browse, delete, a
 * message and its body), sending (plain, guid and token publishes) and subscriptions as leases, with their
 * event streams.
 */
public final class RestRoutes implements FrontEnd {
    private final QueueResources queues;
    private final PublishResources publishing;
    private final SubscriptionResources subscriptions;
    private final SubscriptionStream streams;

    public RestRoutes(EngineRuntime runtime, Subscriptions subscriptions) {
        this.queues = new QueueResources(runtime.engine(), runtime.browser());
        this.publishing = new PublishResources(runtime.engine(),
                new IdempotentPublish(runtime.engine(), runtime.dedup(), runtime.tokens()));
        this.subscriptions = new SubscriptionResources(subscriptions);
        this.streams = new SubscriptionStream(subscriptions);
    }

    @Override
    public boolean owns(String path) {
        return path.equals("/") || path.equals("/queues") || path.startsWith("/queues/")
                || path.equals("/subscriptions") || path.startsWith("/subscriptions/");
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.addHttpHandler(HandlerType.GET, "/", RestRoutes::service);
        routes.addHttpHandler(HandlerType.POST, "/queues", queues::create);
        routes.addHttpHandler(HandlerType.GET, "/queues", queues::list);
        routes.addHttpHandler(HandlerType.GET, "/queues/<path>", queues::get);
        routes.addHttpHandler(HandlerType.PUT, "/queues/<path>", this::put);
        routes.addHttpHandler(HandlerType.POST, "/queues/<path>", publishing::publish);
        routes.addHttpHandler(HandlerType.DELETE, "/queues/<path>", queues::delete);
        routes.addHttpHandler(HandlerType.POST, "/subscriptions", subscriptions::create);
        routes.addHttpHandler(HandlerType.GET, "/subscriptions/{sid}", subscriptions::feed);
        routes.addHttpHandler(HandlerType.GET, "/subscriptions/{sid}/stream", streams::open);
        routes.addHttpHandler(HandlerType.POST, "/subscriptions/{sid}/renew", subscriptions::renew);
        routes.addHttpHandler(HandlerType.DELETE, "/subscriptions/{sid}", subscriptions::delete);
        routes.addHttpHandler(HandlerType.DELETE, "/subscriptions/{sid}/messages/{mid}", subscriptions::ack);
        routes.addHttpHandler(HandlerType.POST, "/subscriptions/{sid}/messages/{mid}/renew", subscriptions::renewMessage);
        routes.addHttpHandler(HandlerType.POST, "/subscriptions/{sid}/messages/{mid}/release", subscriptions::release);
    }

    /** PUT on a token's publish URL stores the message; on a queue's path it creates the queue. */
    private void put(Context ctx) {
        if (PublishResources.isTokenUrl(ctx.pathParam("path"))) {
            publishing.publishWithToken(ctx);
        } else {
            queues.put(ctx);
        }
    }

    private static void service(Context ctx) {
        Representation representation = Representation.negotiate(ctx.header("Accept"));
        Responses.send(ctx, 200, representation.serviceType(), representation.writer().service(new ServiceDocument(
                List.of(new ServiceDocument.Collection("queues", "/queues"),
                        new ServiceDocument.Collection("subscriptions", "/subscriptions")))));
    }

    @Override
    public void stopping() {
        streams.endAll("the server is shutting down; reconnect with Last-Event-ID");
    }

    @Override
    public void renderFailure(Throwable failure, Context ctx) {
        ctx.header("Vary", "Accept");
        RestErrors.render(failure, ctx);
    }

    @Override
    public void renderJavalinStatus(int status, String reason, Context ctx) {
        RestErrors.renderJavalinStatus(status, reason, ctx);
    }

    static Instant now() {
        return Instant.now();
    }
}
