package io.kqf.http.rest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import io.javalin.http.Context;
import io.kqf.engine.DaemonThreads;
import io.kqf.engine.Delivery;
import io.kqf.engine.EngineException;
import io.kqf.engine.subscribe.Subscriptions;
import io.kqf.http.HttpFailure;
import io.kqf.http.rest.doc.Representation;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /subscriptions/{sid}/stream}: the subscription's leased messages as server-sent
 * events, each sent once per lease, as it is leased. The stream is a reader of the same leases
 * as the feed: the prefetch still bounds what is unacked, each message is acked by DELETE on its
 * URI (its event id), and a client that goes away holds nothing its leases do not (they lapse
 * at their deadline). A connected stream keeps its subscription alive.
 *
 * <p>{@code Last-Event-ID} resumes: the held messages leased up to and including that id were
 * seen, so only the later ones, and new leases, are sent. Without it, or when that message is no
 * longer held, every held message is sent again (the client acks by URI, so a repeat is harmless).
 */
final class SubscriptionStream {
    private static final Logger log = LoggerFactory.getLogger(SubscriptionStream.class);
    /** Sent deliveries remembered before pruning against what is still held. */
    private static final int PRUNE_ABOVE = 2 * io.kqf.engine.subscribe.SubscriptionSpec.MAX_PREFETCH;
    /** A round waits this long for a lease, then sends a comment so proxies and clients see life. */
    private static final Duration ROUND = Duration.ofSeconds(15);
    /**
     * Writes can block on a slow client's socket, so they run here, never on the engine's
     * completion pool or the subscriptions' timer.
     */
    private static final ExecutorService WRITERS = Executors.newCachedThreadPool(DaemonThreads.named("kqf-sse-writer"));

    private final Subscriptions subscriptions;
    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    /** Set once the server stops: why streams end. */
    private volatile String stoppingReason;

    SubscriptionStream(Subscriptions subscriptions) {
        this.subscriptions = subscriptions;
    }

    void open(Context ctx) {
        requireEventStream(ctx.header("Accept"));
        String sid = ctx.pathParam("sid");
        String lastEventId = ctx.header("Last-Event-ID");
        if (lastEventId == null) {
            lastEventId = ctx.queryParam("lastEventId");
        }
        // An unknown or expired subscription fails here, before the stream starts: a plain 404 or 410.
        Set<Sent> seen = seenUpTo(subscriptions.held(sid), lastEventId);
        HttpServletResponse response = ctx.res();
        response.setStatus(200);
        response.setContentType("text/event-stream;charset=utf-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        OutputStream out;
        try {
            out = response.getOutputStream();
        } catch (IOException e) {
            return; // The client left before the stream began.
        }
        Stream stream = new Stream(sid, out, seen);
        // Known to endAll before the client can see the 200: a stop that comes just after it must end this one too.
        open.add(stream);
        try {
            // Under the stream's monitor, as every write: a stop's end() must not write while this flushes.
            synchronized (stream) {
                response.flushBuffer();
            }
        } catch (IOException e) {
            open.remove(stream);
            return;
        }
        stream.closed.whenComplete((done, failure) -> open.remove(stream));
        ctx.future(() -> stream.closed);
        String stopping = stoppingReason;
        if (stopping != null) {
            stream.end(stopping); // opened while the server stops
            return;
        }
        stream.nextRound();
    }

    /** Ends every open stream with {@code reason}, and every stream opened from now on (the server is stopping). */
    void endAll(String reason) {
        stoppingReason = reason;
        for (Stream stream : open) {
            stream.end(reason);
        }
    }

    /** The event stream is the only type served here; no {@code Accept} or a wildcard is fine. */
    private static void requireEventStream(String accept) {
        if (accept == null || accept.isBlank()) {
            return;
        }
        String lower = accept.toLowerCase(java.util.Locale.ROOT);
        if (!lower.contains("text/event-stream") && !lower.contains("*/*") && !lower.contains("text/*")) {
            throw new HttpFailure(406, "not acceptable: " + accept + " (the stream is text/event-stream)");
        }
    }

    private static Set<Sent> seenUpTo(List<Delivery> held, String lastEventId) {
        Set<Sent> seen = new HashSet<>();
        if (lastEventId == null || lastEventId.isBlank()) {
            return seen;
        }
        for (Delivery delivery : held) {
            seen.add(Sent.of(delivery));
            if (SubscriptionResources.mid(delivery).equals(lastEventId.trim())) {
                return seen;
            }
        }
        return new HashSet<>(); // Not held any more: its place is unknown, so send them all.
    }

    /** One delivery (a place and its attempt), as a stream remembers what it sent: cheaper to hash than its mid. */
    private record Sent(String queue, int priority, int partition, long offset, int attempt) {
        static Sent of(Delivery delivery) {
            return new Sent(delivery.queue(), delivery.priority(), delivery.partition(), delivery.message().offset(),
                    delivery.attempt());
        }
    }

    /** One open stream: a chain of rounds, each written on {@link #WRITERS}, one at a time. */
    private final class Stream {
        final String sid;
        final OutputStream out;
        /**
         * The deliveries sent, pruned of those no longer held now and then (a later delivery of
         * the same message has another attempt, so an unpruned entry never hides it).
         */
        final Set<Sent> sent;
        final CompletableFuture<Void> closed = new CompletableFuture<>();

        Stream(String sid, OutputStream out, Set<Sent> sent) {
            this.sid = sid;
            this.out = out;
            this.sent = sent;
        }

        void nextRound() {
            CompletableFuture<List<Delivery>> round;
            try {
                round = subscriptions.leasedUnseen(sid, ROUND, d -> !sent.contains(Sent.of(d)));
            } catch (EngineException e) {
                WRITERS.execute(() -> end(e.getMessage()));
                return;
            }
            round.whenCompleteAsync(this::write, WRITERS);
        }

        private void write(List<Delivery> deliveries, Throwable failure) {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                end(cause.getMessage());
                return;
            }
            try {
                if (deliveries.isEmpty()) {
                    send(": waiting for messages\n\n");
                } else {
                    StringBuilder events = new StringBuilder();
                    for (Delivery delivery : deliveries) {
                        String mid = SubscriptionResources.mid(delivery);
                        sent.add(Sent.of(delivery));
                        events.append("id: ").append(mid).append('\n').append("event: message\n");
                        byte[] json = Representation.JSON.writer().entry(SubscriptionResources.leasedEntry(sid, delivery));
                        for (String line : new String(json, StandardCharsets.UTF_8).split("\n")) {
                            events.append("data: ").append(line).append('\n');
                        }
                        events.append('\n');
                    }
                    send(events.toString());
                }
                forgetSettled();
            } catch (IOException e) {
                closed.complete(null); // The client went away; its leases lapse as usual.
                return;
            } catch (EngineException e) {
                end(e.getMessage());
                return;
            } catch (RuntimeException e) {
                log.warn("stream of subscription {} ended: {}", sid, e.toString());
                end("the stream failed; reconnect with Last-Event-ID");
                return;
            }
            nextRound();
        }

        /** Prunes {@link #sent} once it is twice the largest prefetch: each ack starts a round, so pruning every round cost O(prefetch) an ack. */
        private void forgetSettled() {
            if (sent.size() <= PRUNE_ABOVE) {
                return;
            }
            Set<Sent> held = subscriptions.held(sid).stream().map(Sent::of).collect(Collectors.toSet());
            sent.retainAll(held);
        }

        /** The subscription is gone (deleted or expired), or the server stops: say why, then close. */
        synchronized void end(String reason) {
            if (closed.isDone()) {
                return;
            }
            try {
                send("event: end\ndata: " + String.valueOf(reason).replace('\n', ' ') + "\n\n");
                out.close();
            } catch (IOException | IllegalStateException e) {
                // Gone already (or the connection is being torn down under us).
            }
            closed.complete(null);
        }

        private synchronized void send(String text) throws IOException {
            if (closed.isDone()) {
                throw new IOException("the stream has ended");
            }
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }
}
