package io.kqf.http.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.kqf.engine.EngineException;
import io.kqf.engine.EngineException.Reason;
import io.kqf.http.FrontEnd;
import io.kqf.http.HttpFailure;
import io.kqf.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** REST refusals (restful-queue.md §2): the status table, and bodies as a real server sends them. */
class RestErrorsTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static HttpServer server;

    @BeforeAll
    static void start() {
        server = HttpServer.start("127.0.0.1", 0, 1024, null, "test-node", List.of(new FailingFrontEnd()), (endpoint, method, status, took) -> { });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyEngineReason_hasItsRestStatus() {
        Map<Reason, Integer> expected = new EnumMap<>(Map.ofEntries(
                Map.entry(Reason.BAD_REQUEST, 400), Map.entry(Reason.NO_SUCH_QUEUE, 404),
                Map.entry(Reason.UNKNOWN_TASK, 404), Map.entry(Reason.WRONG_TYPE, 409), Map.entry(Reason.LOCKED, 409),
                Map.entry(Reason.FULL, 409), Map.entry(Reason.CONFLICT, 409), Map.entry(Reason.TOO_LARGE, 413),
                Map.entry(Reason.NOT_OUTSTANDING, 410), Map.entry(Reason.STALE, 410), Map.entry(Reason.EXPIRED, 410),
                Map.entry(Reason.CAPACITY, 503), Map.entry(Reason.UNAVAILABLE, 503),
                Map.entry(Reason.NO_SUCH_SUBSCRIPTION, 404), Map.entry(Reason.SUBSCRIPTION_EXPIRED, 410)));
        assertEquals(List.of(Reason.values()), List.copyOf(expected.keySet()), "a reason without a tested status");
        expected.forEach((reason, status) -> assertEquals(status, RestErrors.status(reason), reason.name()));
    }

    @Test
    void unavailable_saysWhenToRetry_andHttpFailureKeepsItsHeaders() {
        RestErrors.Refusal unavailable = RestErrors.refusal(new EngineException(Reason.UNAVAILABLE, "Kafka is away"));
        assertEquals(Map.of("Retry-After", "1"), unavailable.headers());
        RestErrors.Refusal recreate = RestErrors.refusal(new HttpFailure(409, "being deleted", Map.of("Retry-After", "3")));
        assertEquals(new RestErrors.Refusal(409, "being deleted", Map.of("Retry-After", "3")), recreate);
        RestErrors.Refusal own = RestErrors.refusal(new HttpFailure(503, "busy", Map.of("Retry-After", "5")));
        assertEquals(Map.of("Retry-After", "5"), own.headers());
    }

    @Test
    void wrappedFailures_areUnwrapped_andTheUnexpected_are500NamingOnlyTheirClass() {
        CompletionException wrapped = new CompletionException(new EngineException(Reason.STALE, "delivered again"));
        assertEquals(new RestErrors.Refusal(410, "delivered again", Map.of()), RestErrors.refusal(wrapped));
        RestErrors.Refusal unexpected = RestErrors.refusal(new IllegalStateException("secret\nstack"));
        assertEquals(new RestErrors.Refusal(500, "internal error: IllegalStateException", Map.of()), unexpected);
    }

    @Test
    void reason_isOneShortLine() {
        RestErrors.Refusal refusal = RestErrors.refusal(new HttpFailure(400, "bad\r\nname\u0000" + "x".repeat(400)));
        assertTrue(refusal.reason().startsWith("bad name?x"), refusal.reason());
        assertEquals(300, refusal.reason().length());
    }

    @Test
    void refusal_isPlainText_byDefault_andJsonUnderAcceptJson() throws Exception {
        HttpResponse<String> text = get("/rest/engine/NO_SUCH_QUEUE", null);
        assertEquals(404, text.statusCode());
        assertEquals("text/plain;charset=utf-8", text.headers().firstValue("Content-Type").orElse(""));
        assertEquals("Accept", text.headers().firstValue("Vary").orElse(""));
        assertEquals("queue q does not exist\n", text.body(), "Javalin's own 404 must not replace it");

        HttpResponse<String> json = get("/rest/engine/NO_SUCH_QUEUE", "application/json");
        assertEquals(404, json.statusCode());
        assertEquals("application/json", json.headers().firstValue("Content-Type").orElse(""));
        assertEquals("{\"error\":\"queue q does not exist\"}", json.body());

        HttpResponse<String> unacceptable = get("/rest/engine/CONFLICT", "application/xml");
        assertEquals(409, unacceptable.statusCode());
        assertEquals("text/plain;charset=utf-8", unacceptable.headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void failureOfAFuture_503WithRetryAfter_and401WithItsChallenge() throws Exception {
        HttpResponse<String> unavailable = get("/rest/future/UNAVAILABLE", null);
        assertEquals(503, unavailable.statusCode());
        assertEquals("1", unavailable.headers().firstValue("Retry-After").orElse(""));

        HttpResponse<String> auth = get("/rest/auth", "application/json");
        assertEquals(401, auth.statusCode());
        assertEquals("Basic realm=\"kqf\"", auth.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals("{\"error\":\"credentials required\"}", auth.body());
    }

    @Test
    void unexpectedFailure_is500WithoutDetail_andALeftClient499() throws Exception {
        HttpResponse<String> bug = get("/rest/bug", null);
        assertEquals(500, bug.statusCode());
        assertEquals("internal error: NullPointerException\n", bug.body());

        assertEquals(499, get("/rest/cancelled", null).statusCode());
    }

    @Test
    void javalinsOwn404_comesInTheRestForm() throws Exception {
        HttpResponse<String> missing = get("/rest/nothing/here", "application/json");
        assertEquals(404, missing.statusCode());
        assertEquals("{\"error\":\"no such endpoint: /rest/nothing/here\"}", missing.body());
        assertEquals("Accept", missing.headers().firstValue("Vary").orElse(""));
    }

    private static HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** Routes that fail in each way a REST handler can, rendered by RestErrors as the REST routes will. */
    private static final class FailingFrontEnd implements FrontEnd {
        @Override
        public boolean owns(String path) {
            return path.startsWith("/rest");
        }

        @Override
        public void register(RoutesConfig routes) {
            routes.addHttpHandler(HandlerType.GET, "/rest/engine/{reason}", ctx -> {
                throw engineFailure(ctx);
            });
            routes.addHttpHandler(HandlerType.GET, "/rest/future/{reason}",
                    ctx -> ctx.future(() -> CompletableFuture.failedFuture(engineFailure(ctx))));
            routes.addHttpHandler(HandlerType.GET, "/rest/auth", ctx -> {
                throw new HttpFailure(401, "credentials required", Map.of("WWW-Authenticate", "Basic realm=\"kqf\""));
            });
            routes.addHttpHandler(HandlerType.GET, "/rest/bug", ctx -> {
                throw new NullPointerException("a bug");
            });
            routes.addHttpHandler(HandlerType.GET, "/rest/cancelled",
                    ctx -> ctx.future(() -> CompletableFuture.failedFuture(new CancellationException("client left"))));
        }

        private static EngineException engineFailure(Context ctx) {
            Reason reason = Reason.valueOf(ctx.pathParam("reason"));
            return new EngineException(reason, reason == Reason.NO_SUCH_QUEUE ? "queue q does not exist" : reason.name());
        }

        @Override
        public void renderFailure(Throwable failure, Context ctx) {
            RestErrors.render(failure, ctx);
        }

        @Override
        public void renderJavalinStatus(int status, String reason, Context ctx) {
            RestErrors.renderJavalinStatus(status, reason, ctx);
        }
    }
}
