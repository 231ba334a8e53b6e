package io.kqf.http.rest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.javalin.http.Context;
import io.kqf.engine.AckToken;
import io.kqf.engine.Delivery;
import io.kqf.engine.SelectorViews;
import io.kqf.engine.select.DestinationPattern;
import io.kqf.engine.subscribe.Subscription;
import io.kqf.engine.subscribe.SubscriptionSpec;
import io.kqf.engine.subscribe.Subscriptions;
import io.kqf.http.HttpFailure;
import io.kqf.http.rest.doc.Entry;
import io.kqf.http.rest.doc.Feed;
import io.kqf.http.rest.doc.Link;
import io.kqf.http.rest.doc.MessageEntry;
import io.kqf.http.rest.doc.Representation;
import io.kqf.http.rest.doc.SubscriptionEntry;

/** Subscriptions as resources: create, the leased feed, renew, delete, and per message ack/renew/release. */
final class SubscriptionResources {
    private static final int MAX_WAIT_SECONDS = 60;
    /** A message's id within a subscription: its queue, lane, partition, offset and delivery attempt. */
    private static final Pattern MID = Pattern.compile("([A-Za-z0-9_.-]+)~([0-9]{1,2})-([0-9]{1,9})-([0-9]{1,18})-([0-9]{1,9})");

    private final Subscriptions subscriptions;

    SubscriptionResources(Subscriptions subscriptions) {
        this.subscriptions = subscriptions;
    }

    /** POST /subscriptions (form): 201 + Location + the subscription entry. */
    void create(Context ctx) {
        Representation representation = Representation.negotiate(ctx.header("Accept"));
        String destination = ctx.formParam("destination");
        if (destination == null || destination.isBlank()) {
            throw new HttpFailure(400, "destination is missing");
        }
        String selector = ctx.formParam("selector");
        SubscriptionSpec spec = new SubscriptionSpec(DestinationPattern.parse(destination.replace('/', '.')), selector,
                number(ctx.formParam("prefetch"), 10, "prefetch"),
                Duration.ofSeconds(number(ctx.formParam("timeout"), 300, "timeout")),
                Duration.ofSeconds(number(ctx.formParam("ackTimeout"), 60, "ackTimeout")),
                number(ctx.formParam("maxDeliveries"), 10, "maxDeliveries"));
        Subscription subscription = subscriptions.create(spec);
        ctx.header("Location", "/subscriptions/" + subscription.id());
        Responses.send(ctx, 201, representation.entryType(), representation.writer().entry(entry(subscription)));
    }

    /** GET /subscriptions/{sid}: the leased messages, topped up to prefetch; {@code Prefer: wait=N} parks an empty answer. */
    void feed(Context ctx) {
        Representation representation = Representation.negotiate(ctx.header("Accept"));
        String sid = ctx.pathParam("sid");
        int wait = preferredWait(ctx.header("Prefer"));
        if (wait > 0) {
            ctx.header("Preference-Applied", "wait=" + wait);
        }
        var leased = subscriptions.leased(sid, Duration.ofSeconds(wait));
        ctx.future(() -> leased.thenAccept(deliveries -> {
            Subscription subscription = subscriptions.touch(sid);
            List<Entry> entries = new ArrayList<>();
            List<Link> ackLinks = new ArrayList<>();
            for (Delivery delivery : deliveries) {
                MessageEntry entry = leasedEntry(sid, delivery);
                entries.add(entry);
                ackLinks.add(Link.of("edit", ackPath(sid, delivery)));
            }
            String self = "/subscriptions/" + sid;
            Feed feed = new Feed("tag:kqf,2026:subscription/" + sid, "subscription " + sid, RestRoutes.now(),
                    List.of(Link.of("self", self)), entries);
            Responses.links(ctx, ackLinks);
            ctx.header("Expires", Instant.ofEpochMilli(subscription.expiresAt()).toString());
            Responses.send(ctx, 200, representation.feedType(), representation.writer().feed(feed));
        }));
    }

    void renew(Context ctx) {
        Representation representation = Representation.negotiate(ctx.header("Accept"));
        Subscription subscription = subscriptions.touch(ctx.pathParam("sid"));
        Responses.send(ctx, 200, representation.entryType(), representation.writer().entry(entry(subscription)));
    }

    void delete(Context ctx) {
        subscriptions.delete(ctx.pathParam("sid"));
        ctx.status(204);
    }

    /** DELETE /subscriptions/{sid}/messages/{mid}: the ack (204, also on a repeat). */
    void ack(Context ctx) {
        Mid mid = mid(ctx);
        var acked = subscriptions.ack(ctx.pathParam("sid"), mid.queue(), mid.token());
        ctx.future(() -> acked.thenRun(() -> ctx.status(204)));
    }

    void renewMessage(Context ctx) {
        Mid mid = mid(ctx);
        var renewed = subscriptions.renewMessage(ctx.pathParam("sid"), mid.queue(), mid.token());
        ctx.future(() -> renewed.thenAccept(deadline -> {
            ctx.contentType("text/plain;charset=utf-8");
            ctx.header("Vary", "Accept");
            ctx.result("lease renewed until " + Instant.ofEpochMilli(deadline) + "\n");
        }));
    }

    void release(Context ctx) {
        Mid mid = mid(ctx);
        boolean deadLetter = "true".equals(ctx.queryParam("dlq"));
        var released = subscriptions.release(ctx.pathParam("sid"), mid.queue(), mid.token(), deadLetter);
        ctx.future(() -> released.thenRun(() -> ctx.status(204)));
    }

    private record Mid(String queue, AckToken token) {
    }

    private static Mid mid(Context ctx) {
        Matcher m = MID.matcher(ctx.pathParam("mid"));
        if (!m.matches() || Integer.parseInt(m.group(5)) < 1) {
            throw new HttpFailure(404, "no such message in this subscription: " + ctx.pathParam("mid"));
        }
        return new Mid(RestNames.engineName(m.group(1)), new AckToken(Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), Long.parseLong(m.group(4)), Integer.parseInt(m.group(5))));
    }

    static String ackPath(String sid, Delivery delivery) {
        return "/subscriptions/" + sid + "/messages/" + mid(delivery);
    }

    /** A leased message's id: its URI's last segment, and its event id on a stream. */
    static String mid(Delivery delivery) {
        return RestNames.restName(delivery.queue()) + "~" + delivery.priority() + "-" + delivery.partition() + "-"
                + delivery.message().offset() + "-" + delivery.attempt();
    }

    static MessageEntry leasedEntry(String sid, Delivery delivery) {
        // A selector view's copy is shown as the message it copies: its queue, its place there.
        SelectorViews.Original original = SelectorViews.original(delivery);
        String queue = RestNames.restName(original.queue());
        MessageEntry browsed = QueueResources.entry(queue, original.priority(), original.partition(), original.message());
        List<Link> links = new ArrayList<>(browsed.links());
        links.add(Link.of("edit", ackPath(sid, delivery)));
        return new MessageEntry(browsed.id(), browsed.title(), browsed.updated(), queue, delivery.priority(),
                original.partition(), original.message().offset(), browsed.key(), browsed.headers(), browsed.contentType(),
                browsed.body(), browsed.bodyHref(), delivery.attempt(), Instant.ofEpochMilli(delivery.deadline()), links);
    }

    private static SubscriptionEntry entry(Subscription subscription) {
        SubscriptionSpec spec = subscription.spec();
        String self = "/subscriptions/" + subscription.id();
        return new SubscriptionEntry("tag:kqf,2026:subscription/" + subscription.id(), subscription.id(),
                spec.destination().text(), spec.selector(), spec.prefetch(), (int) spec.timeout().toSeconds(),
                (int) spec.ackTimeout().toSeconds(), spec.maxDeliveries(), Instant.ofEpochMilli(subscription.expiresAt()),
                RestRoutes.now(), List.of(Link.of("self", self), Link.of("alternate", self)));
    }

    /** {@code Prefer: wait=N}, clamped to 60 (stated in Preference-Applied); 0 without one. */
    static int preferredWait(String prefer) {
        if (prefer == null) {
            return 0;
        }
        Matcher m = Pattern.compile("(?i)(?:^|[,;\\s])wait\\s*=\\s*([0-9]{1,9})").matcher(prefer);
        return m.find() ? Math.min(MAX_WAIT_SECONDS, Integer.parseInt(m.group(1))) : 0;
    }

    private static int number(String text, int fallback, String what) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new HttpFailure(400, what + " must be an integer");
        }
    }
}
