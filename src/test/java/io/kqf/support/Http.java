package io.kqf.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small HTTP client for tests: raw query strings (never re-encoded), bodies as bytes. */
public final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private final String base;

    public Http(String base) {
        this.base = base;
    }

    public String base() {
        return base;
    }

    /** GET {@code pathAndQuery} exactly as written (e.g. "/put?queue=q&item=%41"). */
    public Response get(String pathAndQuery) {
        return send("GET", pathAndQuery, null, null);
    }

    public Response post(String pathAndQuery, String body) {
        return send("POST", pathAndQuery, body == null ? null : body.getBytes(StandardCharsets.UTF_8), null);
    }

    /** Sends without waiting for the answer (parked requests). */
    public java.util.concurrent.CompletableFuture<Response> async(String method, String pathAndQuery, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> new Response(response.statusCode(), response.body(), response.headers()));
    }

    public java.util.concurrent.CompletableFuture<Response> async(String pathAndQuery) {
        return async("GET", pathAndQuery, null);
    }

    public Response send(String method, String pathAndQuery, byte[] body, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<byte[]> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new AssertionError(method + " " + pathAndQuery + " failed without an HTTP answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** An HTTP answer. */
    public record Response(int status, byte[] bytes, java.net.http.HttpHeaders headers) {
        public String body() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body() + " " + headers.map();
        }
    }
}
