package io.kqf.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Requests with headers of the tests' choice (Accept, Content-Type, Prefer…), as the REST tests send them. */
public final class RestClient {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final String base;

    public RestClient(String base) {
        this.base = base;
    }

    /** @param headers name, value, name, value… */
    public HttpResponse<byte[]> send(String method, String path, String body, String... headers) throws Exception {
        return CLIENT.send(request(method, path, body, headers), HttpResponse.BodyHandlers.ofByteArray());
    }

    public java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> sendAsync(String method, String path, String body,
                                                                                String... headers) {
        return CLIENT.sendAsync(request(method, path, body, headers), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpRequest request(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request.build();
    }

    public static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
