package io.kqf.engine.subscribe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kqf.engine.AckToken;
import io.kqf.engine.Delivery;
import io.kqf.engine.select.MessageSelector;

/**
 * One live subscription: its spec, when it expires, and the leases it holds. The leases
 * themselves live in the engine (journaled, crash-safe, held by this subscription's id); this
 * keeps the subscription's own view of them, so a repeated GET answers the same messages.
 * Guarded by its own monitor; never held while calling the engine.
 */
public final class Subscription {
    /** A held message, by its place in a queue. */
    record Place(String queue, int priority, int partition, long offset) {
        static Place of(String queue, AckToken token) {
            return new Place(queue, token.priority(), token.partition(), token.offset());
        }

        static Place of(Delivery delivery) {
            return new Place(delivery.queue(), delivery.priority(), delivery.partition(), delivery.message().offset());
        }
    }

    /** Top-ups of one subscription take turns on this (see {@link TopUp#fill}). */
    final Object topUpTurn = new Object();
    /** Set (under topUpTurn) once it ended here (deleted, expired, handed over): no top-up leases for it after that. */
    private volatile boolean ended;
    private final String id;
    private final SubscriptionSpec spec;
    private final MessageSelector selector;
    private final long createdAt;
    private long expiresAt;
    private final Map<Place, Delivery> held = new LinkedHashMap<>();
    /** The selector views this subscription opened, by base queue (none without a selector). */
    private final Map<String, String> views = new LinkedHashMap<>();
    private boolean closed;
    /**
     * False for a subscription restored after a restart until the engine leases it already holds
     * are looked up again (see {@link TopUp#adopt}); true from the start for a new one.
     */
    private volatile boolean adopted;
    /** When the expiry was last written to the subscription log. */
    private long savedAt;
    /** Acks this subscription made lately, so a repeated DELETE answers as the first did. */
    private final Map<Place, Integer> recentlyAcked;

    Subscription(String id, SubscriptionSpec spec, MessageSelector selector, long createdAt) {
        this(id, spec, selector, createdAt, createdAt + spec.timeout().toMillis(), true);
    }

    /** A subscription as restored from the log: its leases are still to be adopted. */
    static Subscription restored(SubscriptionLog.Saved saved, MessageSelector selector, long expiresAt) {
        return new Subscription(saved.id(), saved.spec(), selector, saved.createdAt(), expiresAt, false);
    }

    private Subscription(String id, SubscriptionSpec spec, MessageSelector selector, long createdAt, long expiresAt,
                         boolean adopted) {
        this.id = id;
        this.spec = spec;
        this.selector = selector;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
        this.adopted = adopted;
        this.savedAt = createdAt;
        int keep = Math.max(64, 4 * spec.prefetch());
        this.recentlyAcked = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Place, Integer> eldest) {
                return size() > keep;
            }
        };
    }

    public String id() {
        return id;
    }

    public SubscriptionSpec spec() {
        return spec;
    }

    MessageSelector selector() {
        return selector;
    }

    /** The view this subscription leases {@code base}'s messages from, if it opened one. */
    synchronized String viewOf(String base) {
        return views.get(base);
    }

    /** Records a view opened for {@code base}; false when the subscription closed meanwhile (the caller closes it). */
    synchronized boolean openedView(String base, String view) {
        if (closed) {
            return false;
        }
        views.put(base, view);
        return true;
    }

    /** Closes the subscription's bookkeeping: answers the views it held open, to be closed. */
    /** Marks it ended; the caller holds {@link #topUpTurn}, so no top-up is half done. */
    void end() {
        ended = true;
    }

    boolean ended() {
        return ended;
    }

    synchronized List<String> closeViews() {
        closed = true;
        List<String> all = new ArrayList<>(views.values());
        views.clear();
        return all;
    }

    boolean adopted() {
        return adopted;
    }

    void markAdopted() {
        adopted = true;
    }

    /** What the log should hold for this subscription now. */
    synchronized SubscriptionLog.Saved saved() {
        return new SubscriptionLog.Saved(id, spec, createdAt, expiresAt);
    }

    /**
     * Runs {@code save} with the current state when the last save is {@code interval} old, unless
     * the subscription closed: under this monitor, so no save follows the closing tombstone.
     */
    synchronized void saveIfDue(long now, long interval, java.util.function.Consumer<SubscriptionLog.Saved> save) {
        if (!closed && now - savedAt >= interval) {
            savedAt = now;
            save.accept(saved());
        }
    }

    public long createdAt() {
        return createdAt;
    }

    public synchronized long expiresAt() {
        return expiresAt;
    }

    synchronized void touch(long now) {
        expiresAt = Math.max(expiresAt, now + spec.timeout().toMillis());
    }

    synchronized boolean expired(long now) {
        return expiresAt <= now;
    }

    /** Forgets leases whose deadline passed: the engine may have given them to someone else. */
    synchronized void dropLapsed(long now) {
        held.values().removeIf(d -> d.deadline() <= now);
    }

    synchronized int heldCount() {
        return held.size();
    }

    synchronized List<Delivery> held() {
        return new ArrayList<>(held.values());
    }

    synchronized void hold(Delivery delivery) {
        held.put(Place.of(delivery), delivery);
    }

    synchronized void retimed(String queue, AckToken token, long deadline) {
        Place place = Place.of(queue, token);
        Delivery d = held.get(place);
        if (d != null) {
            held.put(place, new Delivery(d.queue(), d.priority(), d.partition(), d.message(), d.token(), d.attempt(),
                    deadline));
        }
    }

    synchronized void released(String queue, AckToken token) {
        held.remove(Place.of(queue, token));
    }

    synchronized void acked(String queue, AckToken token) {
        Place place = Place.of(queue, token);
        held.remove(place);
        recentlyAcked.put(place, token.attempt());
    }

    /** True when this subscription already acked that delivery (same attempt, or any when the token says so). */
    synchronized boolean ackedAlready(String queue, AckToken token) {
        Integer attempt = recentlyAcked.get(Place.of(queue, token));
        return attempt != null && (token.attempt() == AckToken.ANY_ATTEMPT || attempt == token.attempt());
    }

    /** Takes every held lease out (the subscription is closing). */
    synchronized List<Delivery> drain() {
        List<Delivery> all = new ArrayList<>(held.values());
        held.clear();
        return all;
    }
}
