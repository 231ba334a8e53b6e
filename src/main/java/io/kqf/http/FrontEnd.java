package io.kqf.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * One HTTP API over the engine: its routes, and how its refusals look on the wire. Each front end
 * maps failures to statuses and bodies in one place of its own; the server picks the front end
 * of a request by its path.
 */
public interface FrontEnd {
    /** True for the request paths this front end answers. */
    boolean owns(String path);

    void register(RoutesConfig routes);

    /** True for paths that answer without credentials even when auth.file is set (probes, docs). */
    default boolean isPublic(String path) {
        return false;
    }

    /**
     * Answers a request of this front end that failed: an engine refusal, an {@link HttpFailure},
     * or anything unexpected (500, logged, no stack trace on the wire).
     */
    void renderFailure(Throwable failure, Context ctx);

    /**
     * A 404 (no route) or 413 (body over the limit) that Javalin decided. Javalin calls this for
     * every response with that status, so an answer a handler already gave must be left alone.
     */
    void renderJavalinStatus(int status, String reason, Context ctx);

    /** The server is about to stop: end what streams, while it can still be sent. */
    default void stopping() {
    }
}
