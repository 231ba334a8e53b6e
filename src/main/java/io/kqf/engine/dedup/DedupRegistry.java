package io.kqf.engine.dedup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kqf.engine.EngineException;
import io.kqf.kafka.KafkaClients;
import io.kqf.kafka.KafkaUnavailable;
import io.kqf.kafka.RecordWriter;
import io.kqf.kafka.TopicAdmin;

/**
 * "Has this (queue, key) been published within the window, and where?" for idempotent publish
 * (guid, {@code Idempotency-Key}, double-request tokens), valid across nodes and restarts: the
 * entries live in a Kafka topic ({@link DedupLog}), with a bounded cache in front ({@link DedupCache}).
 *
 * <p>Protocol: {@link #claim} answers {@link Claim.Duplicate} or hands out a {@link Claim.Fresh},
 * whose reservation entry (claim time and fingerprint) is written at once. The holder publishes
 * the message, carrying the key in {@link #KEY_HEADER}, in parallel, then calls {@code stored(at)},
 * which completes once the reservation is in Kafka, or {@code abandoned()}. On this node a second
 * claim of a held key waits for that outcome, so one node never hands out two Fresh claims of a
 * key at once, and then finds the place in the cache. Any other node, or this one after a
 * restart, finds the message by its key ({@link PublishLocator}) the first time a repeat comes.
 *
 * <p>Reads: on start the entries of the window are replayed into the cache, and the topic is tailed
 * from then on, so entries written by other nodes arrive within a tail round trip. A miss is
 * answered from the cache alone while the cache is complete (nothing evicted for size): that is the
 * common case and costs no Kafka read. After a size eviction the key's fingerprint ({@link SeenKeys},
 * 8 bytes a key, millions of keys) still proves a new key new; only a key seen before whose entry was
 * evicted scans its partition from the window's start to its end, on a scan thread.
 *
 * <p>Known limits:
 * <ul>
 *   <li>Two nodes claiming one new key at the same instant can both get Fresh (neither sees the
 *   other's entry before it stores): the message is then published twice. Routing each key to one
 *   node (the multi-node work) removes this; the registry then keeps the earlier claim on every node.
 *   <li>A reservation whose message cannot be found (written after the look-up, on another node,
 *   or past the topic's retention) counts as abandoned, and a retry publishes again.
 * </ul>
 */
public final class DedupRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DedupRegistry.class);

    public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);
    /** The record header a message published under a key carries it in (how {@link PublishLocator} finds it). */
    public static final String KEY_HEADER = "kqf-publish-key";
    public static final long DEFAULT_MAXIMUM_SIZE = 100_000;
    /** Keys whose fingerprint is kept (8 bytes each, ~40 MB at most): new keys need no Kafka read up to this many a window. */
    public static final long DEFAULT_MAXIMUM_KEYS = 2_000_000;
    /** The longest a claim waits: for another claim of its key on this node, plus a scan. */
    private static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(30);
    /** Bounds the entry write; the producer gives up earlier (its delivery timeout), this is a backstop. */
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(35);

    private final DedupLog kafka;
    private final PublishLocator locator;
    private final DedupCache cache;
    private final SeenKeys seen;
    private final Clock clock;
    private final Duration window;
    /** Keys with a Fresh claim out on this node; the future completes (after removal) when its holder reports. */
    private final ConcurrentHashMap<String, CompletableFuture<Void>> held = new ConcurrentHashMap<>();
    private final AtomicBoolean warnedIncomplete = new AtomicBoolean();
    private volatile boolean started;

    /**
     * @param topic the registry topic, e.g. {@code _kqf.dedup}; created on start if missing
     * @param clock claim times and liveness come from it
     * @param window how long an entry counts after its claim
     * @param maximumSize entries the cache holds at most
     */
    public DedupRegistry(KafkaClients clients, TopicAdmin admin, RecordWriter writer, String topic, Clock clock,
                         Duration window, long maximumSize) {
        this(clients, admin, writer, topic, clock, window, maximumSize, DEFAULT_MAXIMUM_KEYS, PublishLocator.NONE);
    }

    /**
     * @param maximumKeys keys whose fingerprint is kept ({@link SeenKeys})
     * @param locator     finds the message of a claim whose place was never written
     */
    public DedupRegistry(KafkaClients clients, TopicAdmin admin, RecordWriter writer, String topic, Clock clock,
                         Duration window, long maximumSize, long maximumKeys, PublishLocator locator) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("dedup window must be positive: " + window);
        }
        this.kafka = new DedupLog(clients, admin, writer, topic, window);
        this.locator = locator;
        this.cache = new DedupCache(maximumSize, window, clock);
        this.seen = new SeenKeys(window, maximumKeys);
        this.clock = clock;
        this.window = window;
    }

    /**
     * Creates the topic if missing, reads the window's entries into the cache and starts the tail;
     * returns when claims can be answered.
     *
     * @throws EngineException UNAVAILABLE if Kafka cannot be read within {@code timeout}
     */
    public void start(Duration timeout) {
        try {
            kafka.start(clock.millis() - window.toMillis(), timeout, this::remember);
        } catch (KafkaUnavailable e) {
            throw new EngineException(EngineException.Reason.UNAVAILABLE, "cannot read the dedup registry: " + e.getMessage());
        }
        started = true;
    }

    /**
     * Claims {@code key} on {@code queue} for a publish of content with {@code fingerprint}.
     * Completes with the claim, or fails with {@code EngineException} UNAVAILABLE after at most
     * 30 s (another claim of the key held on too long, or Kafka did not answer a scan).
     */
    public CompletableFuture<Claim> claim(String queue, String key, byte[] fingerprint) {
        if (!started) {
            throw new IllegalStateException("the dedup registry is not started");
        }
        // Queue names and the front ends' keys (guid charset, token nonces) never hold NUL: ids never collide.
        String id = queue + '\u0000' + key;
        CompletableFuture<Claim> answer = new CompletableFuture<>();
        attempt(new KeyOf(queue, key, id), fingerprint.clone(), answer);
        if (!answer.isDone()) {
            // Only a claim that waits (another claim of its key, a scan, a look-up) needs a timer.
            answer.orTimeout(CLAIM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        return answer.handle((claim, error) -> {
            if (error != null) {
                throw refusal(error, "claiming a publish key");
            }
            return claim;
        });
    }

    /** SHA-256 of the content type and the body: what a duplicate must match to be "the same content". */
    public static byte[] fingerprint(String contentType, byte[] body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((contentType == null ? "" : contentType).getBytes(StandardCharsets.UTF_8));
            // A separator no content type contains, so ("a", "bc") and ("ab", "c") differ.
            sha.update((byte) 0);
            return sha.digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /** A claimed key: its queue, the key, and the registry id made of both. */
    private record KeyOf(String queue, String key, String id) {
    }

    private void attempt(KeyOf key, byte[] fingerprint, CompletableFuture<Claim> answer) {
        if (answer.isDone()) {
            return; // timed out while waiting for another claim
        }
        String id = key.id();
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> other = held.putIfAbsent(id, mine);
        if (other != null) {
            // Ask again once the holder reported: Duplicate if it stored, perhaps Fresh if it abandoned.
            other.whenComplete((ignored, error) -> attempt(key, fingerprint, answer));
            return;
        }
        try {
            decide(key, fingerprint, mine, answer);
        } catch (RuntimeException e) {
            release(id, mine);
            answer.completeExceptionally(e);
        }
    }

    /** Answers a claim whose key this caller holds ({@code mine}). */
    private void decide(KeyOf key, byte[] fingerprint, CompletableFuture<Void> mine, CompletableFuture<Claim> answer) {
        String id = key.id();
        long now = clock.millis();
        Published hit = cache.live(id, now);
        if (hit != null) {
            answerFound(key, hit, fingerprint, mine, answer);
            return;
        }
        if (cache.complete(now) || !seen.mightHave(id, now)) {
            // The fast path and the common case: the cache has every live entry, or the key was
            // never seen within the window: a miss is conclusive.
            offer(answer, fresh(id, fingerprint, mine, now));
            return;
        }
        if (warnedIncomplete.compareAndSet(false, true)) {
            log.warn("dedup cache evicted live entries for size: a repeated key whose entry was evicted is now "
                    + "looked up in Kafka; raise its maximum size if repeats are common");
        }
        kafka.scan(id, now - window.toMillis()).whenComplete((found, error) -> {
            if (error != null) {
                release(id, mine);
                answer.completeExceptionally(error);
                return;
            }
            long at = clock.millis();
            Published live = preferred(found, at);
            if (live == null) {
                offer(answer, fresh(id, fingerprint, mine, at));
                return;
            }
            remember(id, live);
            answerFound(key, live, fingerprint, mine, answer);
        });
    }

    /**
     * Answers a claim of a key with a live entry: Duplicate where it was stored. A reservation
     * alone has its message looked for by the key it carries; none found means the publish never
     * happened (or is not visible yet), and the claim is Fresh.
     */
    private void answerFound(KeyOf key, Published entry, byte[] fingerprint, CompletableFuture<Void> mine,
                             CompletableFuture<Claim> answer) {
        if (entry.located()) {
            release(key.id(), mine);
            answer.complete(duplicate(entry, fingerprint));
            return;
        }
        locator.locate(key.queue(), key.key(), entry.claimedAt()).whenComplete((place, error) -> {
            if (error != null) {
                release(key.id(), mine);
                answer.completeExceptionally(error);
            } else if (place.isPresent()) {
                Published located = new Published(place.get(), entry.fingerprint(), entry.claimedAt());
                remember(key.id(), located);
                release(key.id(), mine);
                answer.complete(duplicate(located, fingerprint));
            } else {
                offer(answer, fresh(key.id(), fingerprint, mine, clock.millis()));
            }
        });
    }

    /** An entry seen (replayed, tailed, scanned or stored here): cached, and its key fingerprinted. */
    private void remember(String id, Published entry) {
        cache.remember(id, entry);
        seen.add(id, entry.claimedAt(), clock.millis());
    }

    private Published preferred(List<Published> entries, long now) {
        return entries.stream().filter(e -> e.liveAt(now, window))
                .reduce((a, b) -> Published.preferred(a, b, now, window))
                .orElse(null);
    }

    /** Hands a Fresh claim out, or gives it back if the claim timed out meanwhile (nobody would report it). */
    private static void offer(CompletableFuture<Claim> answer, Claim.Fresh fresh) {
        if (!answer.complete(fresh)) {
            fresh.abandoned();
        }
    }

    /**
     * A Fresh claim, its reservation already on its way to Kafka (in parallel with the caller's
     * publish). Once the message is stored, a written reservation is all Kafka needs: the place is
     * kept in this node's cache, and any other node (or this one after a restart) finds it by the
     * message's key. Only when the reservation failed is the entry written, with its place.
     */
    private Claim.Fresh fresh(String id, byte[] fingerprint, CompletableFuture<Void> mine, long claimedAt) {
        CompletableFuture<Void> reserved = kafka.write(id, Published.reserved(fingerprint, claimedAt))
                .orTimeout(STORE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return new Claim.Fresh(reserved, at -> {
            Published entry = new Published(at, fingerprint, claimedAt);
            return reserved.handle((ok, error) -> error == null).thenCompose(written -> {
                if (!written) {
                    return store(id, entry, mine);
                }
                remember(id, entry); // before the release: a waiting claim retries on release and must find it
                release(id, mine);
                return CompletableFuture.<Void>completedFuture(null);
            });
        }, () -> release(id, mine));
    }

    private CompletableFuture<Void> store(String id, Published entry, CompletableFuture<Void> mine) {
        return kafka.write(id, entry).orTimeout(STORE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).handle((ignored, error) -> {
            // The message is stored there either way. Before the release: a waiting claim retries on
            // release and must find the entry.
            remember(id, entry);
            release(id, mine);
            if (error != null) {
                log.warn("the place of a published key was not recorded ({}); other nodes look it up by its key",
                        error.toString());
                throw refusal(error, "recording a publish in the dedup registry");
            }
            return null;
        });
    }

    /** Frees the key and wakes the claims waiting for it (they run on this thread: never call under a lock). */
    private void release(String id, CompletableFuture<Void> mine) {
        held.remove(id, mine);
        mine.complete(null);
    }

    private static Claim.Duplicate duplicate(Published entry, byte[] fingerprint) {
        return new Claim.Duplicate(entry.storedAt(), MessageDigest.isEqual(entry.fingerprint(), fingerprint));
    }

    private static EngineException refusal(Throwable error, String what) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof EngineException refused) {
            return refused;
        }
        String reason = cause instanceof TimeoutException ? " did not finish in time" : " failed: " + cause.getMessage();
        return new EngineException(EngineException.Reason.UNAVAILABLE, what + reason);
    }

    /** Whether misses are answered from the cache alone (tests). Runs pending evictions first. */
    boolean answersMissesFromCache() {
        cache.cleanUp();
        return cache.complete(clock.millis());
    }

    @Override
    public void close() {
        started = false;
        kafka.close();
    }
}
