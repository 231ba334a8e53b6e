package io.kqf.http.hustmq;

import java.util.Set;
import java.util.concurrent.CancellationException;

import io.javalin.http.Context;
import io.kqf.engine.EngineException;
import io.kqf.engine.OutsideWindow;
import io.kqf.http.HttpFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where hustmq requests' failures become statuses (hustmq-api.md §0.1, §2.6): an
 * empty body, as the original, with the reason in a {@code Kqf-Error} header; 503 says when to
 * retry; anything unexpected is logged and answered 500 without a stack trace.
 */
final class HustmqErrors {
    static final String ERROR_HEADER = "Kqf-Error";
    /** Seconds a client should wait after a 503 (a rebalance or a broker hiccup is usually over by then). */
    static final String RETRY_AFTER_SECONDS = "1";
    private static final Logger log = LoggerFactory.getLogger(HustmqErrors.class);
    /** Endpoints where the original answers a malformed queue name with 404 (it returns no list then). */
    private static final Set<String> BAD_NAME_IS_404 = Set.of("/worker");

    private HustmqErrors() {
    }

    /** hustmq status of an engine refusal. */
    static int status(EngineException.Reason reason) {
        return switch (reason) {
            case BAD_REQUEST -> 400;
            case NO_SUCH_QUEUE, WRONG_TYPE, LOCKED, FULL, CAPACITY, CONFLICT, EXPIRED, UNKNOWN_TASK, NO_SUCH_SUBSCRIPTION,
                 SUBSCRIPTION_EXPIRED -> 404;
            case TOO_LARGE -> 413;
            case NOT_OUTSTANDING, STALE -> 412;
            case UNAVAILABLE -> 503;
        };
    }

    static void render(Throwable e, Context ctx) {
        if (e instanceof CancellationException) {
            // A parked request whose client left: nobody is there to answer.
            ctx.status(499);
            return;
        }
        int status;
        String reason;
        if (e instanceof OutsideWindow outside) {
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
        if (status == 400 && BAD_NAME_IS_404.contains(ctx.path())) {
            status = 404;
        }
        if (status == 503) {
            ctx.header("Retry-After", RETRY_AFTER_SECONDS);
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

    /** Javalin's own 404/413, unless a handler already answered (then it set the reason header). */
    static void renderJavalinStatus(int status, String reason, Context ctx) {
        if (ctx.res().getHeader(ERROR_HEADER) == null) {
            ctx.header(ERROR_HEADER, reason);
            ctx.result(new byte[0]);
        }
    }

    /** Answers a request with a refusal decided by its handler (an empty queue, a timed-out wait). */
    static void refuse(Context ctx, int status, String reason) {
        ctx.status(status).header(ERROR_HEADER, oneLine(reason));
    }

    private static String oneLine(String reason) {
        if (reason == null) {
            return "";
        }
        String line = reason.replaceAll("[\\r\\n]+", " ").replaceAll("[^\\x20-\\x7e]", "?");
        return line.length() > 300 ? line.substring(0, 300) : line;
    }
}
