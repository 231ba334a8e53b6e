package io.kqf.http.rest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.javalin.http.Context;
import io.kqf.engine.Message;
import io.kqf.engine.QueueEngine;
import io.kqf.engine.StoredAt;
import io.kqf.engine.Ttl;
import io.kqf.http.HttpFailure;
import io.kqf.http.rest.doc.Representation;

/**
 * Sending: {@code POST /queues/{path}} publishes its body once, or under a guid exactly once; with
 * an empty body and no guid it mints a publish token, and a POST or PUT of the message to
 * {@code /queues/{path}/messages/new/{token}} stores it exactly once (the double request).
 */
final class PublishResources {
    /** The path segment of a token's publish URL, after the queue's path. */
    static final String TOKEN_SEGMENT = "/messages/new/";

    private final QueueEngine engine;
    private final IdempotentPublish idempotent;

    PublishResources(QueueEngine engine, IdempotentPublish idempotent) {
        this.engine = engine;
        this.idempotent = idempotent;
    }

    static boolean isTokenUrl(String path) {
        return path.contains(TOKEN_SEGMENT);
    }

    /** POST /queues/{path}: a publish (201), a guid publish (201, 200 on a repeat) or, empty, a new token (201). */
    void publish(Context ctx) {
        String path = ctx.pathParam("path");
        if (isTokenUrl(path)) {
            publishWithToken(ctx);
            return;
        }
        String name = RestNames.dotted(path);
        byte[] body = ctx.bodyAsBytes();
        String guid = ctx.queryParam("guid") != null ? ctx.queryParam("guid") : ctx.header("Idempotency-Key");
        if (guid == null && body.length == 0) {
            String token = idempotent.mint(RestNames.engineName(name));
            ctx.header("Location", RestNames.path(name) + TOKEN_SEGMENT + token);
            ctx.contentType("text/plain;charset=utf-8");
            ctx.status(201).result("POST or PUT the message to the Location within 24 hours; repeats are stored once\n");
            return;
        }
        IdempotentPublish.Key key = guid == null ? null : IdempotentPublish.guid(guid);
        store(ctx, name, key, body);
    }

    /** POST or PUT /queues/{path}/messages/new/{token}: 201 stored, 200 stored before (same Location), 409 other content. */
    void publishWithToken(Context ctx) {
        String path = ctx.pathParam("path");
        int at = path.indexOf(TOKEN_SEGMENT);
        String name = RestNames.dotted(path.substring(0, at));
        String token = path.substring(at + TOKEN_SEGMENT.length());
        store(ctx, name, idempotent.token(token, RestNames.engineName(name)), ctx.bodyAsBytes());
    }

    /** @param key null: published once, without deduplication */
    private void store(Context ctx, String name, IdempotentPublish.Key key, byte[] body) {
        Representation representation = Representation.negotiate(ctx.header("Accept"));
        Map<String, byte[]> headers = new LinkedHashMap<>();
        ctx.queryParamMap().forEach((param, values) -> {
            if (param.startsWith("prop.") && param.length() > 5 && !values.isEmpty()) {
                headers.put(param.substring(5), values.get(values.size() - 1).getBytes(StandardCharsets.UTF_8));
            }
        });
        String contentType = ctx.header("Content-Type");
        if (contentType != null && !contentType.isBlank()) {
            headers.put(QueueResources.CONTENT_TYPE_HEADER, contentType.getBytes(StandardCharsets.UTF_8));
        }
        String ttl = ctx.queryParam("ttl");
        if (ttl != null) {
            long seconds = QueueResources.intParam(ttl, 0, 1, Integer.MAX_VALUE, "ttl");
            headers.put(Ttl.HEADER, Ttl.headerValue(System.currentTimeMillis() + seconds * 1000));
        }
        String recordKey = ctx.queryParam("key");
        byte[] keyBytes = recordKey == null ? null : recordKey.getBytes(StandardCharsets.UTF_8);
        String queue = RestNames.engineName(name);
        CompletableFuture<IdempotentPublish.Outcome> stored = key == null
                ? engine.put(queue, 0, keyBytes, body, headers).thenApply(at -> new IdempotentPublish.Outcome(at, true))
                : idempotent.publish(queue, key, contentType, keyBytes, body, headers);
        ctx.future(() -> stored.thenAccept(outcome -> {
            StoredAt at = outcome.at();
            MessageIds id = new MessageIds(at.priority(), at.partition(), at.offset());
            ctx.header("Location", RestNames.path(name) + "/messages/" + id.spelled());
            Message message = new Message(at.offset(), at.timestamp(), keyBytes, body, asHeaders(headers));
            Responses.send(ctx, outcome.fresh() ? 201 : 200, representation.entryType(),
                    representation.writer().entry(QueueResources.entry(name, at.priority(), at.partition(), message)));
        }));
    }

    private static List<Message.Header> asHeaders(Map<String, byte[]> headers) {
        List<Message.Header> list = new ArrayList<>();
        headers.forEach((n, v) -> list.add(new Message.Header(n, v)));
        return list;
    }
}
