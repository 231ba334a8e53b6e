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
    private final io.kqf.http.cluster.OwnerRouting owners;
    private final io.kqf.engine.QueueEngine engine;

    /** @param owners sends a request that needs a queue's lanes, or a subscription, to the node that serves it */
    public RestRoutes(EngineRuntime runtime, Subscriptions subscriptions, io.kqf.http.cluster.OwnerRouting owners) {
        this.owners = owners;
        this.engine = runtime.engine();
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
        // Browsing reads the queue's head from the memory of the node that serves it.
        routes.addHttpHandler(HandlerType.GET, "/queues/<path>", owners.byQueue(RestRoutes::queueOf, queues::get));
        routes.addHttpHandler(HandlerType.PUT, "/queues/<path>", this::put);
        routes.addHttpHandler(HandlerType.POST, "/queues/<path>", owners.byQueue(this::queueIfLimited, publishing::publish));
        routes.addHttpHandler(HandlerType.DELETE, "/queues/<path>", owners.byQueue(RestRoutes::queueOf, queues::delete));
        // A subscription is served by the node that serves its queue (it holds that queue's leases),
        // and its id names that node: every later request about it goes there.
        routes.addHttpHandler(HandlerType.POST, "/subscriptions", owners.byQueue(RestRoutes::destinationQueue,
                subscriptions::create));
        routes.addHttpHandler(HandlerType.GET, "/subscriptions/{sid}", bySubscription(subscriptions::feed));
        routes.addHttpHandler(HandlerType.GET, "/subscriptions/{sid}/stream", owners.streamTo(this::subscriptionHome, streams::open));
        routes.addHttpHandler(HandlerType.POST, "/subscriptions/{sid}/renew", bySubscription(subscriptions::renew));
        routes.addHttpHandler(HandlerType.DELETE, "/subscriptions/{sid}", bySubscription(subscriptions::delete));
        routes.addHttpHandler(HandlerType.DELETE, "/subscriptions/{sid}/messages/{mid}", bySubscription(subscriptions::ack));
        routes.addHttpHandler(HandlerType.POST, "/subscriptions/{sid}/messages/{mid}/renew",
                bySubscription(subscriptions::renewMessage));
        routes.addHttpHandler(HandlerType.POST, "/subscriptions/{sid}/messages/{mid}/release",
                bySubscription(subscriptions::release));
    }

    private io.javalin.http.Handler bySubscription(io.javalin.http.Handler inner) {
        return owners.to(this::subscriptionHome, inner);
    }

    /** Where a subscription is served: where its queue is, or for a wildcard the node that made it. */
    private io.kqf.http.cluster.OwnerRouting.Target subscriptionHome(Context ctx) {
        String sid = ctx.pathParam("sid");
        java.util.Optional<String> queue = io.kqf.engine.subscribe.SubscriptionIds.queueOf(sid);
        if (queue.isPresent()) {
            try {
                return owners.queue(RestNames.engineName(RestNames.dotted(queue.get())));
            } catch (RuntimeException notAQueue) {
                return null; // the handler says the subscription does not exist
            }
        }
        return io.kqf.engine.subscribe.SubscriptionIds.nodeOf(sid).map(owners::node).orElse(null);
    }

    /** The engine name of the queue a path names; null when it names none (the handler refuses it). */
    private static String queueOf(Context ctx) {
        try {
            String path = ctx.pathParam("path");
            int at = path.indexOf("/messages/");
            return RestNames.engineName(RestNames.dotted(at < 0 ? path : path.substring(0, at)));
        } catch (RuntimeException notAQueue) {
            return null;
        }
    }

    /** A publish needs the owner only where max is set (counting against it needs the queue's lanes). */
    private String queueIfLimited(Context ctx) {
        String queue = queueOf(ctx);
        return queue != null && engine.limitsPuts(queue) ? queue : null;
    }

    /** The one queue a subscription is for; null for a wildcard (served where it is created) or a bad one. */
    private static String destinationQueue(Context ctx) {
        String destination = ctx.formParam("destination");
        if (destination == null || destination.isBlank()) {
            return null;
        }
        try {
            io.kqf.engine.select.DestinationPattern pattern = io.kqf.engine.select.DestinationPattern.parse(
                    destination.replace('/', '.'));
            return pattern.isWildcard() ? null : RestNames.engineName(pattern.text());
        } catch (RuntimeException notAQueue) {
            return null;
        }
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
