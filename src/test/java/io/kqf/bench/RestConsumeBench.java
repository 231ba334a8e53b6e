package io.kqf.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * REST subscription consume + ack: each client has its own subscription (prefetch 100) on the
 * filled queue, GETs its feed (JSON) and DELETEs each message it holds, then GETs again. One
 * operation = one acked message (the feed GET is inside the operation that empties the batch).
 * Usage: {@code RestConsumeBench <base-url> <queue> <connections> <seconds>}.
 */
public final class RestConsumeBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RestConsumeBench() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String queue = args[1];
        ThreadLocal<String> subscription = new ThreadLocal<>();
        ThreadLocal<Deque<String>> held = ThreadLocal.withInitial(ArrayDeque::new);
        ClosedLoop.run("rest-consume-ack", base, Integer.parseInt(args[2]), Long.parseLong(args[3]), (http, n) -> {
            if (subscription.get() == null) {
                subscription.set(subscribe(http, "destination=" + queue + "&prefetch=100&ackTimeout=60"));
            }
            Deque<String> acks = held.get();
            if (acks.isEmpty()) {
                RawHttp.Response feed = http.request("GET", subscription.get(), null, "Accept", "application/json");
                if (feed.status() != 200) {
                    return false;
                }
                for (JsonNode entry : JSON.readTree(feed.body()).get("entries")) {
                    acks.add(entry.get("links").get("ack").asText());
                }
                if (acks.isEmpty()) {
                    return false; // the queue ran dry: counted, so a short fill shows
                }
            }
            return http.request("DELETE", acks.poll(), null).status() == 204;
        });
    }

    /** Creates a subscription; answers its path. */
    static String subscribe(RawHttp http, String form) throws Exception {
        RawHttp.Response created = http.request("POST", "/subscriptions", form.getBytes(StandardCharsets.UTF_8),
                "Content-Type", "application/x-www-form-urlencoded");
        if (created.status() != 201) {
            throw new IllegalStateException("subscribe answered " + created.status() + ": "
                    + new String(created.body(), StandardCharsets.UTF_8));
        }
        return created.header("Location");
    }
}
