package io.kqf.bench;

import java.util.concurrent.TimeUnit;

import io.kqf.support.SseConnection;

/**
 * REST subscription stream + ack: each client has its own subscription (prefetch 100) on the
 * filled queue, reads its SSE stream on one connection and DELETEs each message it receives on
 * another (keep-alive); the stream connection lives as long as the bench. One operation = one acked message, from its event's arrival at the client
 * to the ack's answer. Usage: {@code RestStreamBench <base-url> <queue> <connections> <seconds>}.
 */
public final class RestStreamBench {
    private RestStreamBench() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String queue = args[1];
        ThreadLocal<String> subscription = new ThreadLocal<>();
        ThreadLocal<SseConnection> events = new ThreadLocal<>();
        ClosedLoop.run("rest-sse-ack", base, Integer.parseInt(args[2]), Long.parseLong(args[3]), (http, n) -> {
            if (subscription.get() == null) {
                String sid = RestConsumeBench.subscribe(http, "destination=" + queue + "&prefetch=100&ackTimeout=60");
                subscription.set(sid);
                events.set(stream(base, sid));
            }
            SseConnection.Event event = events.get().poll(5, TimeUnit.SECONDS);
            if (event == null || !"message".equals(event.type())) {
                return false; // dry, or the stream ended
            }
            return http.request("DELETE", subscription.get() + "/messages/" + event.id(), null).status() == 204;
        });
    }

    private static SseConnection stream(String base, String sid) throws Exception {
        SseConnection connection = new SseConnection(base, sid + "/stream", "Accept", "text/event-stream");
        if (connection.status != 200) {
            throw new IllegalStateException("stream answered " + connection.status);
        }
        return connection;
    }
}
