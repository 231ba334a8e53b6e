package io.kqf.http.hustmq;

import io.javalin.http.Context;
import io.kqf.engine.QueueEngine;
import io.kqf.http.RawQuery;

/** put, get, ack, timeout, lock, max, purge, worker: parse, call the engine, render. */
final class QueueEndpoints {
    static final String ACK_TOKEN = "Ack-Token";
    static final String ACK_PEER = "Ack-Peer";

    private final QueueEngine engine;

    QueueEndpoints(QueueEngine engine) {
        this.engine = engine;
    }

    void put(Context ctx) {
        RawQuery query = RawQuery.of(ctx.queryString());
        String queue = query.require("queue");
        int priority = HustmqParams.priority(query, false);
        byte[] item = HustmqParams.item(ctx.bodyAsBytes(), query);
        var stored = engine.put(queue, priority, item);
        ctx.future(() -> stored.thenRun(() -> ctx.status(200)));
    }

    void get(Context ctx) {
        RawQuery query = RawQuery.of(ctx.queryString());
        String queue = query.require("queue");
        String worker = HustmqParams.worker(query);
        boolean autoAck = HustmqParams.autoAck(query);
        var delivery = engine.get(queue, worker, autoAck);
        ctx.future(() -> delivery.thenAccept(taken -> render(ctx, queue, taken)));
    }

    /** 200 with the item (and, for a lease, Ack-Token and Ack-Peer), or 404 when there was none. */
    static void render(Context ctx, String queue, java.util.Optional<io.kqf.engine.Delivery> taken) {
        if (taken.isEmpty()) {
            ctx.status(404).header(io.kqf.http.ErrorMapper.ERROR_HEADER, "queue " + queue + " has no item to deliver");
            return;
        }
        if (taken.get().token() != null) {
            ctx.header(ACK_TOKEN, taken.get().token().toString());
            ctx.header(ACK_PEER, "0");
        }
        ctx.status(200).result(taken.get().body());
    }

    void ack(Context ctx) {
        RawQuery query = RawQuery.of(ctx.queryString());
        HustmqParams.peer(query);
        String queue = query.get("queue");
        String token = query.get("token");
        if (queue == null || queue.isEmpty() || token == null || token.isEmpty()) {
            // The original node answers 404 (not 400) for a missing queue or token.
            throw new io.kqf.http.HttpFailure(404, "queue and token are required");
        }
        var acked = engine.ack(queue, token);
        ctx.future(() -> acked.thenRun(() -> ctx.status(200)));
    }

    void timeout(Context ctx) {
        RawQuery query = RawQuery.of(ctx.queryString());
        String queue = query.require("queue");
        long minutes = HustmqParams.digits(query, "minute", 3);
        engine.setTimeout(queue, (int) minutes);
    }

    void lock(Context ctx) {
        RawQuery query = RawQuery.of(ctx.queryString());
        String queue = query.require("queue");
        String on = query.require("on");
        if (!on.equals("0") && !on.equals("1")) {
            throw new io.kqf.http.HttpFailure(400, "on must be 0 or 1");
        }
        engine.lock(queue, on.equals("1"));
    }

    void max(Context ctx) {
        RawQuery query = RawQuery.of(ctx.queryString());
        String queue = query.require("queue");
        long num = HustmqParams.digits(query, "num", 9);
        engine.setMax(queue, num);
    }

    void purge(Context ctx) {
        RawQuery query = RawQuery.of(ctx.queryString());
        String queue = query.require("queue");
        int priority = HustmqParams.priority(query, true);
        engine.purge(queue, priority);
    }

    /** 404 for a missing, invalid, unknown or push queue (the original returns no list then). */
    void worker(Context ctx) {
        RawQuery query = RawQuery.of(ctx.queryString());
        String queue = query.get("queue");
        if (queue == null || queue.isEmpty()) {
            throw new io.kqf.http.HttpFailure(404, "queue is missing");
        }
        try {
            ctx.result(HustmqJson.workers(engine.workers(queue)));
        } catch (io.kqf.engine.EngineException e) {
            throw new io.kqf.http.HttpFailure(404, e.getMessage());
        }
    }
}
