package io.kqf.engine.rpc;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The claimer's side of the protocol: offers other nodes made, this node's claims waiting for an
 * answer, remote tasks granted to its workers, and which nodes said they want tasks. Not
 * thread-safe: guarded by the exchange's monitor. Times are the exchange's time source's.
 */
final class RemoteOffers {
    /** A node with parked workers repeats WANT this often, and not more often. */
    static final long WANT_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long a WANT counts: three refreshes, so one late or lost WANT does not stop the offers. */
    static final long WANT_TTL_NANOS = 3 * WANT_REFRESH_NANOS;

    /** A claim of a remote offer: the worker reserved (settled) for it, and the timer that gives up on the answer. */
    record Claim(ParkedWorker worker, Message offer, TimeSource.Timer answerDeadline) {
    }

    /** A remote task granted to a worker of this node. */
    static final class Grant {
        /** Where its result goes. */
        final String origin;
        final long grantedAtNanos;
        /** A reply is being written: a second one for the same token is refused meanwhile. */
        boolean replying;

        Grant(String origin, long grantedAtNanos) {
            this.origin = origin;
            this.grantedAtNanos = grantedAtNanos;
        }
    }

    private record Offer(Message message, long receivedAtNanos) {
    }

    /** Newest first, as the original hands out the newest task. */
    private final ArrayDeque<Offer> offers = new ArrayDeque<>();
    private final Map<String, Claim> claims = new HashMap<>();
    private final Map<String, Grant> grants = new HashMap<>();
    /** node → until when its WANT counts. */
    private final Map<String, Long> wantedBy = new HashMap<>();
    private boolean wantSent;
    private long wantSentAtNanos;

    void offered(Message offer, long now) {
        offers.addFirst(new Offer(offer, now));
    }

    /**
     * The newest offer still worth claiming, taken out; null if none. An offer older than
     * {@code maxAgeNanos} (do_get_timeout) is dropped: its caller has timed out at the origin.
     */
    Message takeOffer(long now, long maxAgeNanos) {
        Offer offer;
        while ((offer = offers.pollFirst()) != null) {
            if (now - offer.receivedAtNanos() < maxAgeNanos) {
                return offer.message();
            }
        }
        return null;
    }

    /** The origin says the task is taken or gone (END), or another node claims it (CLAIM). */
    void dropOffer(String origin, String token) {
        offers.removeIf(offer -> offer.message().token().equals(token) && offer.message().from().equals(origin));
    }

    void claimed(Claim claim) {
        claims.put(claim.offer().token(), claim);
    }

    /** Our claim of {@code token} from {@code origin}, taken out (answered or given up); null if none. */
    Claim answered(String origin, String token) {
        Claim claim = claims.get(token);
        if (claim == null || !claim.offer().from().equals(origin)) {
            return null;
        }
        claims.remove(token);
        claim.answerDeadline().cancel();
        return claim;
    }

    void granted(String token, Grant grant) {
        grants.put(token, grant);
    }

    Grant grant(String token) {
        return grants.get(token);
    }

    /** The task ended at its origin: a late result must find nobody here too. */
    void ended(String origin, String token) {
        dropOffer(origin, token);
        Grant grant = grants.get(token);
        if (grant != null && grant.origin.equals(origin)) {
            grants.remove(token);
        }
    }

    void replied(String token, Grant grant) {
        grants.remove(token, grant);
    }

    void wanted(String node, long now) {
        wantedBy.put(node, now + WANT_TTL_NANOS);
    }

    /** Whether another node said, recently enough, that it has parked workers. */
    boolean othersWant(long now) {
        if (wantedBy.isEmpty()) {
            return false;
        }
        wantedBy.values().removeIf(until -> now - until >= 0);
        return !wantedBy.isEmpty();
    }

    /** True (and noted as sent) when this node's WANT is due: none went out less than a refresh ago. */
    boolean wantDue(long now) {
        if (wantSent && now - wantSentAtNanos < WANT_REFRESH_NANOS) {
            return false;
        }
        wantSent = true;
        wantSentAtNanos = now;
        return true;
    }

    /**
     * Drops what lost messages would leave behind: offers and grants older than
     * {@code maxAgeNanos} (do_get_timeout), whose callers have timed out at their origin.
     */
    void dropStale(long now, long maxAgeNanos) {
        offers.removeIf(offer -> now - offer.receivedAtNanos() >= maxAgeNanos);
        grants.values().removeIf(grant -> !grant.replying && now - grant.grantedAtNanos >= maxAgeNanos);
    }
}
