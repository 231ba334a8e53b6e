package io.kqf.http.rest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.javalin.http.Context;
import io.kqf.engine.EngineException;
import io.kqf.engine.Message;
import io.kqf.engine.QueueBrowser;
import io.kqf.engine.QueueEngine;
import io.kqf.http.HttpFailure;
import io.kqf.http.rest.doc.Entry;
import io.kqf.http.rest.doc.Feed;
import io.kqf.http.rest.doc.Link;
import io.kqf.http.rest.doc.ListingEntry;
import io.kqf.http.rest.doc.MessageEntry;
import io.kqf.http.rest.doc.Representation;

/** Queues as resources: create, list, browse, publish, and a message with its raw body. Thin: parse, call, render. */
final class QueueResources {
    /** The record header a message's content type is kept in. */
    static final String CONTENT_TYPE_HEADER = Message.CONTENT_TYPE_HEADER;
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 500;

    private final QueueEngine engine;
    private final QueueBrowser browser;
    QueueResources(QueueEngine engine, QueueBrowser browser) {
        this.engine = engine;
        this.browser = browser;
    }

    /** POST /queues with form {@code name}: 201 created, 200 when it existed. */
    void create(Context ctx) {
        Representation representation = Representation.negotiate(ctx.header("Accept"));
        String name = RestNames.dotted(required(ctx.formParam("name"), "name"));
        int partitions = intParam(ctx.formParam("partitions"), 1, 1, 64, "partitions");
        boolean existed = exists(name);
        engine.create(RestNames.engineName(name), partitions);
        ctx.header("Location", RestNames.path(name));
        Responses.send(ctx, existed ? 200 : 201, representation.entryType(), representation.writer().entry(listing(name)));
    }

    /** PUT /queues/{path}: 201 created, 204 existed. */
    void put(Context ctx) {
        String name = RestNames.dotted(ctx.pathParam("path"));
        boolean existed = exists(name);
        engine.create(RestNames.engineName(name), 1);
        ctx.header("Location", RestNames.path(name));
        ctx.status(existed ? 204 : 201);
    }

    /** GET /queues: the top-level queues and categories. */
    void list(Context ctx) {
        Representation representation = Representation.negotiate(ctx.header("Accept"));
        List<Entry> entries = children("");
        Feed feed = new Feed("tag:kqf,2026:queues", "queues", RestRoutes.now(), List.of(Link.of("self", "/queues")),
                entries);
        Responses.send(ctx, 200, representation.feedType(), representation.writer().feed(feed));
    }

    /** GET /queues/{path}[/messages/{id}[/body]]. */
    void get(Context ctx) {
        String path = ctx.pathParam("path");
        int at = path.indexOf("/messages/");
        if (at >= 0) {
            message(ctx, RestNames.dotted(path.substring(0, at)), path.substring(at + "/messages/".length()));
            return;
        }
        Representation representation = Representation.negotiate(ctx.header("Accept"));
        String name = RestNames.dotted(path);
        String view = ctx.queryParam("view");
        boolean isQueue = exists(name);
        List<Entry> children = children(name);
        if ("children".equals(view) || (!isQueue && view == null && !children.isEmpty())) {
            Feed feed = new Feed("tag:kqf,2026:category/" + name, name, RestRoutes.now(),
                    List.of(Link.of("self", RestNames.path(name) + "?view=children")), children);
            Responses.send(ctx, 200, representation.feedType(), representation.writer().feed(feed));
            return;
        }
        if (!isQueue) {
            throw new EngineException(EngineException.Reason.NO_SUCH_QUEUE, "no queue or category " + name);
        }
        browse(ctx, representation, name, !children.isEmpty());
    }

    private void browse(Context ctx, Representation representation, String name, boolean alsoCategory) {
        int limit = intParam(ctx.queryParam("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT, "limit");
        QueueBrowser.Position from = Cursors.decode(ctx.queryParam("cursor"));
        QueueBrowser.Page page = browser.browse(RestNames.engineName(name), from, limit);
        List<Entry> entries = new ArrayList<>();
        for (QueueBrowser.Browsed record : page.records()) {
            entries.add(entry(name, record.priority(), record.partition(), record.message()));
        }
        String self = RestNames.path(name);
        List<Link> links = new ArrayList<>();
        links.add(Link.of("self", self + (ctx.queryString() == null ? "" : "?" + ctx.queryString())));
        links.add(Link.of("first", self + "?limit=" + limit));
        page.next().ifPresent(next -> links.add(Link.of("next", self + "?limit=" + limit + "&cursor=" + Cursors.encode(next))));
        if (alsoCategory) {
            links.add(Link.of("subsection", self + "?view=children"));
        }
        Responses.links(ctx, links.subList(1, links.size()));
        Feed feed = new Feed("tag:kqf,2026:queue/" + name, name, RestRoutes.now(), links, entries);
        Responses.send(ctx, 200, representation.feedType(), representation.writer().feed(feed));
    }

    private void message(Context ctx, String name, String rest) {
        boolean body = rest.endsWith("/body");
        MessageIds id = MessageIds.parse(body ? rest.substring(0, rest.length() - "/body".length()) : rest);
        if (id == null) {
            throw new HttpFailure(404, "no such message: " + rest);
        }
        Message message = browser.read(RestNames.engineName(name), id.priority(), id.partition(), id.offset())
                .orElseThrow(() -> new HttpFailure(404, "message " + id.spelled() + " of " + name + " is gone or never existed"));
        if (body) {
            ctx.status(200);
            ctx.contentType(contentType(message));
            ctx.result(message.body());
            return;
        }
        Representation representation = Representation.negotiate(ctx.header("Accept"));
        Responses.send(ctx, 200, representation.entryType(),
                representation.writer().entry(entry(name, id.priority(), id.partition(), message)));
    }

    /** DELETE /queues/{path}: 204; the queue's messages and attributes are gone, its views too; unknown → 404. */
    void delete(Context ctx) {
        String name = RestNames.dotted(ctx.pathParam("path"));
        if (!exists(name)) {
            throw new EngineException(EngineException.Reason.NO_SUCH_QUEUE, "no queue " + name);
        }
        engine.delete(RestNames.engineName(name));
        ctx.status(204);
    }

    private boolean exists(String dotted) {
        return browser.queueNames().contains(RestNames.engineName(dotted));
    }

    /** The direct children of a category ("" for the top): a queue, a category, or both. */
    private List<Entry> children(String category) {
        String prefix = category.isEmpty() ? "" : category + ".";
        Map<String, boolean[]> roles = new TreeMap<>();
        for (String engineName : browser.queueNames()) {
            String name = RestNames.restName(engineName);
            if (!name.startsWith(prefix) || name.length() == prefix.length()) {
                continue;
            }
            String rest = name.substring(prefix.length());
            int dot = rest.indexOf('.');
            boolean[] role = roles.computeIfAbsent(dot < 0 ? rest : rest.substring(0, dot), k -> new boolean[2]);
            role[dot < 0 ? 0 : 1] = true;
        }
        List<Entry> entries = new ArrayList<>();
        roles.forEach((segment, role) -> {
            String child = prefix + segment;
            entries.add(new ListingEntry("tag:kqf,2026:name/" + child, segment, RestRoutes.now(), role[0], role[1], null,
                    List.of(Link.of("self", RestNames.path(child)), Link.of("alternate", RestNames.path(child)))));
        });
        return entries;
    }

    private ListingEntry listing(String name) {
        int dot = name.lastIndexOf('.');
        return new ListingEntry("tag:kqf,2026:name/" + name, name.substring(dot + 1), RestRoutes.now(), true, false, null,
                List.of(Link.of("self", RestNames.path(name)), Link.of("alternate", RestNames.path(name))));
    }

    static MessageEntry entry(String name, int priority, int partition, Message message) {
        MessageIds id = new MessageIds(priority, partition, message.offset());
        String self = RestNames.path(name) + "/messages/" + id.spelled();
        List<MessageEntry.Header> headers = new ArrayList<>();
        for (Message.Header header : message.headers()) {
            if (!CONTENT_TYPE_HEADER.equals(header.name()) && header.value() != null) {
                headers.add(new MessageEntry.Header(header.name(), new String(header.value(), StandardCharsets.UTF_8)));
            }
        }
        return new MessageEntry(id.atomId(name), partition + "-" + message.offset(), Instant.ofEpochMilli(message.timestamp()),
                name, priority, partition, message.offset(), message.key(), headers, contentType(message), message.body(),
                self + "/body", null, null, List.of(Link.of("self", self)));
    }

    static String contentType(Message message) {
        for (Message.Header header : message.headers()) {
            if (CONTENT_TYPE_HEADER.equals(header.name()) && header.value() != null) {
                return new String(header.value(), StandardCharsets.UTF_8);
            }
        }
        return "application/octet-stream";
    }

    private static String required(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new HttpFailure(400, what + " is missing");
        }
        return value;
    }

    static int intParam(String text, int fallback, int min, int max, String what) {
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // falls through to the refusal
        }
        throw new HttpFailure(400, what + " must be an integer " + min + ".." + max);
    }

    /** Opaque browse cursors: the position where the previous page stopped, base64url. */
    static final class Cursors {
        private Cursors() {
        }

        static String encode(QueueBrowser.Position at) {
            String text = at.priority() + ":" + at.partition() + ":" + at.offset();
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
        }

        static QueueBrowser.Position decode(String cursor) {
            if (cursor == null) {
                return QueueBrowser.Position.START;
            }
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII).split(":");
                return new QueueBrowser.Position(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
                        Long.parseLong(parts[2]));
            } catch (RuntimeException e) {
                throw new HttpFailure(400, "cursor is not one this server handed out");
            }
        }
    }
}
