package io.kqf.http.rest;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.kqf.engine.EngineException;
import io.kqf.http.HttpFailure;
import io.kqf.http.rest.doc.Representation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where REST requests' failures become statuses and bodies (restful-queue.md §2):
 * a one-line reason as {@code text/plain}, or {@code {"error":"…"}} when the request's Accept
 * negotiates JSON; never a stack trace. 503 says when to retry; a parked request whose client left
 * gets 499 and no body; anything unexpected is logged with its stack and answered 500.
 *
 * <p>Every refusal answers {@code Vary: Accept}, since its body depends on it. A refusal rendered
 * here is marked on the request, so Javalin's own 404/413 handling (which runs after any response
 * with those statuses) leaves it alone.
 */
final class RestErrors {
    /** Seconds a client should wait after a 503 (a rebalance or a broker hiccup is usually over by then). */
    static final String RETRY_AFTER_SECONDS = "1";
    /** nginx's "client closed request": logged, never seen by the client. */
    static final int CLIENT_GONE = 499;
    static final String TEXT = "text/plain;charset=utf-8";
    static final String JSON = "application/json";
    private static final int MAX_REASON_CHARS = 300;
    private static final String RENDERED = "kqf.rest.refusal";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(RestErrors.class);

    private RestErrors() {
    }

    /** A failure as it goes on the wire: status, one-line reason, extra headers. */
    record Refusal(int status, String reason, Map<String, String> headers) {
        Refusal {
            reason = oneLine(reason);
            headers = Map.copyOf(headers);
        }
    }

    /** The REST status of an engine refusal. */
    static int status(EngineException.Reason reason) {
        return switch (reason) {
            case BAD_REQUEST -> 400;
            case NO_SUCH_QUEUE, UNKNOWN_TASK, NO_SUCH_SUBSCRIPTION -> 404;
            case WRONG_TYPE, LOCKED, FULL, CONFLICT -> 409;
            case TOO_LARGE -> 413;
            // The lease or the message is gone for good: a retry cannot succeed.
            case NOT_OUTSTANDING, STALE, EXPIRED, SUBSCRIPTION_EXPIRED -> 410;
            case CAPACITY, UNAVAILABLE -> 503;
        };
    }

    /**
     * What a failure means on the wire. Anything that is not a refusal (an engine reason, an
     * {@link HttpFailure}, Javalin's own {@link HttpResponseException}) is 500, naming only its class.
     */
    static Refusal refusal(Throwable failure) {
        Throwable e = unwrap(failure);
        if (e instanceof EngineException engine) {
            return withRetryAfter(status(engine.reason()), engine.getMessage(), Map.of());
        }
        if (e instanceof HttpFailure http) {
            // Its headers travel as they are: WWW-Authenticate on a 401, Retry-After on a 409.
            return withRetryAfter(http.status(), http.getMessage(), http.headers());
        }
        if (e instanceof HttpResponseException javalin) {
            return withRetryAfter(javalin.getStatus(), javalin.getMessage(), Map.of());
        }
        return new Refusal(500, "internal error: " + e.getClass().getSimpleName(), Map.of());
    }

    /** Answers a failed REST request (also one that failed inside a future: it is unwrapped here). */
    static void render(Throwable failure, Context ctx) {
        Throwable e = unwrap(failure);
        if (e instanceof CancellationException) {
            // A parked request whose client left: nobody is there to answer.
            ctx.status(CLIENT_GONE);
            return;
        }
        Refusal refusal = refusal(e);
        if (refusal.status() == 500) {
            log.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
        }
        write(refusal, ctx);
    }

    /** Javalin's own 404 (no route) or 413 (body over the limit), unless a refusal was already rendered. */
    static void renderJavalinStatus(int status, String reason, Context ctx) {
        if (ctx.attribute(RENDERED) == null) {
            write(new Refusal(status, reason, Map.of()), ctx);
        }
    }

    /** Answers with a refusal a handler decides itself (no exception involved), in the same form. */
    static void refuse(Context ctx, int status, String reason) {
        write(new Refusal(status, reason, Map.of()), ctx);
    }

    /** True when the request's Accept negotiates JSON; an unacceptable or odd Accept gets text. */
    static boolean wantsJson(String accept) {
        try {
            return Representation.negotiate(accept) == Representation.JSON;
        } catch (HttpFailure notAcceptable) {
            return false;
        }
    }

    /** The body of a refusal: the reason and a newline, or {@code {"error":"…"}}. */
    static byte[] body(String reason, boolean json) {
        if (!json) {
            return (reason + "\n").getBytes(StandardCharsets.UTF_8);
        }
        try {
            return MAPPER.writeValueAsBytes(Map.of("error", reason));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a string map always serializes", e);
        }
    }

    private static void write(Refusal refusal, Context ctx) {
        boolean json = wantsJson(ctx.header("Accept"));
        refusal.headers().forEach(ctx::header);
        ctx.header("Vary", "Accept");
        ctx.status(refusal.status());
        ctx.contentType(json ? JSON : TEXT);
        ctx.result(body(refusal.reason(), json));
        ctx.attribute(RENDERED, Boolean.TRUE);
    }

    private static Refusal withRetryAfter(int status, String reason, Map<String, String> headers) {
        if (status != 503 || headers.keySet().stream().anyMatch("Retry-After"::equalsIgnoreCase)) {
            return new Refusal(status, reason, headers);
        }
        Map<String, String> withRetry = new HashMap<>(headers);
        withRetry.put("Retry-After", RETRY_AFTER_SECONDS);
        return new Refusal(status, reason, withRetry);
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** One line of at most {@link #MAX_REASON_CHARS} characters, without control characters. */
    private static String oneLine(String reason) {
        if (reason == null) {
            return "";
        }
        String line = reason.replaceAll("[\\r\\n]+", " ").replaceAll("\\p{Cntrl}", "?");
        return line.length() > MAX_REASON_CHARS ? line.substring(0, MAX_REASON_CHARS) : line;
    }
}
