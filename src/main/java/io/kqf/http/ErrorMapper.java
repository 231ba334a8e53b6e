package io.kqf.http;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * Routes every failure of a request to the front end that owns its path, which renders it its
 * way. Failures arrive wrapped when they come out of a future: they are unwrapped here once.
 */
final class ErrorMapper {
    private ErrorMapper() {
    }

    static void register(RoutesConfig routes, List<FrontEnd> frontEnds) {
        routes.exception(Exception.class, (e, ctx) -> frontEndOf(ctx, frontEnds).renderFailure(clientFault(unwrap(e)), ctx));
        // Statuses Javalin decides itself (no route, body over the limit), in the front end's form.
        routes.error(404, ctx -> explainIfSilent(ctx, frontEnds, 404, "no such endpoint: " + ctx.path()));
        routes.error(413, ctx -> explainIfSilent(ctx, frontEnds, 413, "request body larger than the limit"));
    }

    /** The front end owning the path; the first one for paths nobody owns. */
    private static FrontEnd frontEndOf(Context ctx, List<FrontEnd> frontEnds) {
        for (FrontEnd frontEnd : frontEnds) {
            if (frontEnd.owns(ctx.path())) {
                return frontEnd;
            }
        }
        return frontEnds.get(0);
    }

    private static void explainIfSilent(Context ctx, List<FrontEnd> frontEnds, int status, String reason) {
        frontEndOf(ctx, frontEnds).renderJavalinStatus(status, reason, ctx);
    }

    /**
     * A body that ends before its Content-Length, or broken chunked framing, surfaces as Jetty's
     * own HTTP exception when a handler reads the body: the client's fault, a 400, not a 500.
     */
    static Throwable clientFault(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause()) {
            if (e instanceof org.eclipse.jetty.http.HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
                return new HttpFailure(400, "malformed request body: " + (http.getReason() == null
                        ? e.getMessage() : http.getReason()));
            }
        }
        return failure;
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
