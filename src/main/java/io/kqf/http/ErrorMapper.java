package io.kqf.http;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.kqf.engine.EngineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP statuses. hustmq endpoints answer with an empty body
 * (as the original) and give the reason in a {@code Kqf-Error} header; anything unexpected is
 * logged and answered 500 without a stack trace.
 */
public final class ErrorMapper {
    public static final String ERROR_HEADER = "Kqf-Error";
    private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

    private ErrorMapper() {
    }

    public static void register(RoutesConfig routes) {
        routes.exception(Exception.class, (e, ctx) -> render(unwrap(e), ctx));
        // Statuses Javalin decides itself (no route, body over the limit): same form, no Javalin text.
        routes.error(404, ctx -> explainIfSilent(ctx, "no such endpoint: " + ctx.path()));
        routes.error(413, ctx -> explainIfSilent(ctx, "request body larger than the limit"));
    }

    private static void explainIfSilent(io.javalin.http.Context ctx, String reason) {
        if (ctx.res().getHeader(ERROR_HEADER) == null) {
            ctx.header(ERROR_HEADER, reason);
            ctx.result(new byte[0]);
        }
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** hustmq status of an engine refusal (hustmq-api.md §0.1, §2.6). */
    static int status(EngineException.Reason reason) {
        return switch (reason) {
            case BAD_REQUEST -> 400;
            case NO_SUCH_QUEUE, WRONG_TYPE, LOCKED, FULL, CAPACITY, CONFLICT, UNKNOWN_TASK -> 404;
            case TOO_LARGE -> 413;
            case NOT_OUTSTANDING -> 412;
            case UNAVAILABLE -> 503;
        };
    }

    private static void render(Throwable e, Context ctx) {
        if (e instanceof java.util.concurrent.CancellationException) {
            // A parked request whose client left: nobody is there to answer.
            ctx.status(499);
            return;
        }
        int status;
        String reason;
        if (e instanceof io.kqf.engine.OutsideWindow outside) {
            status = 404;
            reason = outside.getMessage();
            ctx.header("Index", outside.si() + "-" + outside.ci());
        } else if (e instanceof EngineException engine) {
            status = status(engine.reason());
            reason = engine.getMessage();
        } else if (e instanceof HttpFailure failure) {
            status = failure.status();
            reason = failure.getMessage();
            failure.headers().forEach(ctx::header);
        } else {
            log.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
            status = 500;
            reason = "internal error: " + e.getClass().getSimpleName();
        }
        ctx.status(status);
        ctx.header(ERROR_HEADER, oneLine(reason));
        if (status == 401) {
            // As nginx: an HTML page, so browsers show the login prompt's outcome.
            ctx.contentType("text/html");
            ctx.result("<html><head><title>401 Authorization Required</title></head><body>"
                    + "<center><h1>401 Authorization Required</h1></center></body></html>\n");
        } else {
            ctx.result(new byte[0]);
        }
    }

    private static String oneLine(String reason) {
        if (reason == null) {
            return "";
        }
        String line = reason.replaceAll("[\\r\\n]+", " ").replaceAll("[^\\x20-\\x7e]", "?");
        return line.length() > 300 ? line.substring(0, 300) : line;
    }
}
