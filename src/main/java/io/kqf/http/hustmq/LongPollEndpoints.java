package io.kqf.http.hustmq;

import java.time.Duration;
import java.util.Optional;

import io.javalin.http.Context;
import io.kqf.engine.Delivery;
import io.kqf.engine.LongPolls;
import io.kqf.engine.PushQueues;
import io.kqf.engine.PushQueues.EvsubOutcome;
import io.kqf.http.ConnectionProbe;
import io.kqf.http.HttpFailure;
import io.kqf.http.RawQuery;

/** evget, evsub, and get?wait=N: parked without a thread, answered as soon as the engine releases them. */
final class LongPollEndpoints {
    /** kqf extension: the longest a get may wait for an item. */
    static final int MAX_GET_WAIT_SECONDS = 60;

    private final LongPolls longPolls;
    private final PushQueues push;
    private final QueueEndpoints queues;

    LongPollEndpoints(LongPolls longPolls, PushQueues push, QueueEndpoints queues) {
        this.longPolls = longPolls;
        this.push = push;
        this.queues = queues;
    }

    /** 307 to /get with the original query once an item is deliverable; 404 after long_polling_timeout. */
    void evget(Context ctx) {
        RawQuery query = RawQuery.of(ctx.queryString());
        String queue = query.require("queue");
        var parked = longPolls.evget(queue, ConnectionProbe.of(ctx));
        ctx.future(() -> parked.outcome().thenAccept(released -> {
            if (released) {
                redirect(ctx, "/get", query);
            } else {
                HustmqErrors.refuse(ctx, 404, "no item became ready within long_polling_timeout");
            }
        }));
    }

    /** 307 to /sub for an index in the window, 403 with {@code Index: si-ci} outside it, 404 on timeout. */
    void evsub(Context ctx) {
        RawQuery query = RawQuery.of(ctx.queryString());
        String queue = query.require("queue");
        long index = HustmqParams.digits(query, "idx", 8);
        var parked = push.evsub(queue, index, ConnectionProbe.of(ctx));
        ctx.future(() -> parked.outcome().thenAccept(outcome -> {
            if (outcome instanceof EvsubOutcome.InWindow) {
                redirect(ctx, "/sub", query);
            } else if (outcome instanceof EvsubOutcome.Outside outside) {
                ctx.status(403).header("Index", outside.si() + "-" + outside.ci())
                        .header(HustmqErrors.ERROR_HEADER, "idx " + index + " is outside the window");
            } else {
                HustmqErrors.refuse(ctx, 404, "the window stayed empty for subscribe_timeout");
            }
        }));
    }

    /** get, or with {@code wait=N} (kqf extension) a get that waits up to N s for an item. */
    void get(Context ctx) {
        RawQuery query = RawQuery.of(ctx.queryString());
        String wait = query.get("wait");
        if (wait == null) {
            queues.get(ctx);
            return;
        }
        long seconds = HustmqParams.digits(query, "wait", 2);
        if (seconds > MAX_GET_WAIT_SECONDS) {
            throw new HttpFailure(400, "wait must be 0.." + MAX_GET_WAIT_SECONDS + " seconds");
        }
        String queue = query.require("queue");
        String worker = HustmqParams.worker(query);
        var parked = longPolls.deliver(queue, worker, QueueEndpoints.mode(query), Duration.ofSeconds(seconds),
                ConnectionProbe.of(ctx));
        ctx.future(() -> parked.outcome().thenAccept(taken -> QueueEndpoints.render(ctx, queue, taken)));
    }

    /** nginx's absolute redirect: the client's Host (or our address) and the query verbatim. */
    private static void redirect(Context ctx, String path, RawQuery query) {
        // A forwarded request names the Host its client used: the redirect must lead back there.
        String host = io.kqf.http.cluster.PeerClient.forwarded(ctx) && ctx.header(io.kqf.http.cluster.PeerClient.CLIENT_HOST) != null
                ? ctx.header(io.kqf.http.cluster.PeerClient.CLIENT_HOST) : ctx.header("Host");
        if (host == null || host.isBlank()) {
            host = ctx.req().getLocalAddr() + ":" + ctx.req().getLocalPort();
        }
        ctx.status(307).header("Location", "http://" + host + path + "?" + query.raw());
    }
}
