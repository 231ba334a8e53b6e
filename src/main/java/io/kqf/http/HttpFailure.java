package io.kqf.http;

import java.util.Map;

/**
 * A refusal decided by the HTTP layer itself (a parameter the engine never sees is bad, a method
 * is not allowed, credentials are missing), with its status and one-line reason.
 */
public final class HttpFailure extends RuntimeException {
    private final int status;
    private final Map<String, String> headers;

    public HttpFailure(int status, String reason) {
        this(status, reason, Map.of());
    }

    public HttpFailure(int status, String reason, Map<String, String> headers) {
        super(reason, null, false, false);
        this.status = status;
        this.headers = headers;
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
