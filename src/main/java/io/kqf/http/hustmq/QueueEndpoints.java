package io.kqf.http.hustmq;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import io.javalin.http.Context;
import io.kqf.engine.AckToken;
import io.kqf.engine.Delivery;
import io.kqf.engine.DeliveryMode;
import io.kqf.engine.Message;
import io.kqf.engine.QueueEngine;
import io.kqf.engine.QueueNames;
import io.kqf.http.HttpFailure;
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
        byte[] body = ctx.bodyAsBytes();
        byte[] item = HustmqParams.item(body, query, 400);
        // Kept for the REST API, which serves a message with its media type: item= is text, a
        // body is what the request said it was.
        String contentType = body.length == 0 ? "text/plain" : ctx.header("Content-Type");
        Map<String, byte[]> headers = contentType == null || contentType.isBlank() ? Map.of()
                : Map.of(Message.CONTENT_TYPE_HEADER, contentType.getBytes(StandardCharsets.UTF_8));
        var stored = engine.put(queue, priority, null, item, headers);
        ctx.future(() -> stored.thenRun(() -> ctx.status(200)));
    }

    void get(Context ctx) {
        RawQuery query = RawQuery.of(ctx.queryString());
        String queue = query.require("queue");
        String worker = HustmqParams.worker(query);
        QueueNames.validate(queue); // the engine also leases from selector views' hidden queues; hustmq never names them
        var delivery = engine.deliver(queue, worker, mode(query));
        ctx.future(() -> delivery.thenAccept(taken -> render(ctx, queue, taken)));
    }

    /** get's {@code ack}: auto-acknowledged, or a lease that follows the queue's timeout. */
    static DeliveryMode mode(RawQuery query) {
        return HustmqParams.autoAck(query) ? DeliveryMode.autoAcked() : DeliveryMode.queueLease();
    }

    /** 200 with the item (and, for a lease, Ack-Token and Ack-Peer), or 404 when there was none. */
    static void render(Context ctx, String queue, Optional<Delivery> taken) {
        if (taken.isEmpty()) {
            HustmqErrors.refuse(ctx, 404, "queue " + queue + " has no item to deliver");
            return;
        }
        if (taken.get().token() != null) {
            ctx.header(ACK_TOKEN, HustmqToken.format(taken.get().token()));
            ctx.header(ACK_PEER, "0");
        }
        ctx.status(200).result(taken.get().body());
    }

    void ack(Context ctx) {
        RawQuery query = RawQuery.of(ctx.queryString());
        HustmqParams.peer(query);
        String queue = query.get("queue");
        String tokenText = query.get("token");
        if (queue == null || queue.isEmpty() || tokenText == null || tokenText.isEmpty()) {
            // The original node answers 404 (not 400) for a missing queue or token.
            throw new HttpFailure(404, "queue and token are required");
        }
        QueueNames.validate(queue);
        AckToken token = HustmqToken.parse(tokenText);
        if (token == null) {
            throw new HttpFailure(412, "token " + tokenText + " was never issued");
        }
        var acked = engine.ack(queue, token, DeliveryMode.ANY_HOLDER);
        ctx.future(() -> acked.thenRun(() -> ctx.status(200)));
    }

    void timeout(Context ctx) {
        RawQuery query = RawQuery.of(ctx.queryString());
        String queue = query.require("queue");
        long minutes = HustmqParams.digits(query, "minute", 3);
        if (minutes < 1 || minutes > QueueEngine.MAX_TIMEOUT_MINUTES) {
            throw new HttpFailure(400, "minute must be 1.." + QueueEngine.MAX_TIMEOUT_MINUTES);
        }
        engine.setTimeout(queue, (int) minutes);
    }

    void lock(Context ctx) {
        RawQuery query = RawQuery.of(ctx.queryString());
        String queue = query.require("queue");
        String on = query.require("on");
        if (!on.equals("0") && !on.equals("1")) {
            throw new HttpFailure(400, "on must be 0 or 1");
        }
        engine.lock(queue, on.equals("1"));
    }

    void max(Context ctx) {
        RawQuery query = RawQuery.of(ctx.queryString());
        String queue = query.require("queue");
        long num = HustmqParams.digits(query, "num", 9);
        if (num > QueueEngine.MAX_CAPACITY) {
            throw new HttpFailure(400, "num must be 0.." + QueueEngine.MAX_CAPACITY);
        }
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
            throw new HttpFailure(404, "queue is missing");
        }
        ctx.result(HustmqJson.workers(engine.workers(queue)));
    }
}
