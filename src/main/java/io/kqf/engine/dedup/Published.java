package io.kqf.engine.dedup;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

import io.kqf.engine.StoredAt;

/**
 * One registry entry: where a (queue, key) was published, a hash of what was published, and when
 * it was claimed. The entry counts for {@code window} after {@code claimedAt}, a time of the
 * claiming node's clock (not the record time, which is the producer's).
 *
 * <p>An entry is first written <em>reserved</em>, without a place, in parallel with the message
 * itself; once the message's place is known the entry is written again with it. A reserved entry
 * alone (its node crashed in between, or the second write is still on its way) means "claimed
 * then, place to be found": the message carries its key in a header, from the claim time on.
 *
 * <p>Wire form, big-endian: {@code version(1) priority(4) partition(4) offset(8) timestamp(8)
 * claimedAt(8) fingerprintLength(2) fingerprint}; a reserved entry has priority -1.
 *
 * @param storedAt where the message was stored; null while reserved
 * @param fingerprint never modified once built (a record cannot copy arrays for us)
 */
record Published(StoredAt storedAt, byte[] fingerprint, long claimedAt) {
    private static final int RESERVED = -1;

    static Published reserved(byte[] fingerprint, long claimedAt) {
        return new Published(null, fingerprint, claimedAt);
    }

    /** False for a reserved entry: the message's place is not in it. */
    boolean located() {
        return storedAt != null;
    }

    private static final byte VERSION = 1;
    private static final int FIXED_BYTES = 1 + 4 + 4 + 8 + 8 + 8 + 2;

    boolean liveAt(long nowMillis, Duration window) {
        return nowMillis < claimedAt + window.toMillis();
    }

    /**
     * Which of two entries of one key counts. A claim writes two (reserved, then located), and the
     * located one counts. Otherwise a key has one live entry; two exist when a key is published
     * again after its window (the old one is dead), or when two nodes claimed it at the same instant
     * (see {@link DedupRegistry}): then the earlier claim wins, on every node alike, whatever order
     * the records arrive in.
     */
    static Published preferred(Published a, Published b, long nowMillis, Duration window) {
        if (!a.liveAt(nowMillis, window)) {
            return b;
        }
        if (!b.liveAt(nowMillis, window)) {
            return a;
        }
        if (a.located() != b.located()) {
            // A located entry names a message that exists: one claim's second write, or a publish
            // made after an earlier claim's message was looked for and not found.
            return a.located() ? a : b;
        }
        return b.claimedAt < a.claimedAt ? b : a;
    }

    byte[] encode() {
        return ByteBuffer.allocate(FIXED_BYTES + fingerprint.length)
                .put(VERSION)
                .putInt(located() ? storedAt.priority() : RESERVED).putInt(located() ? storedAt.partition() : 0)
                .putLong(located() ? storedAt.offset() : 0).putLong(located() ? storedAt.timestamp() : 0)
                .putLong(claimedAt)
                .putShort((short) fingerprint.length).put(fingerprint)
                .array();
    }

    /** Empty for a value this version cannot read (another version, or not ours): it is skipped. */
    static Optional<Published> decode(byte[] value) {
        if (value == null || value.length < FIXED_BYTES || value[0] != VERSION) {
            return Optional.empty();
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(value, 1, value.length - 1);
            int priority = in.getInt();
            int partition = in.getInt();
            long offset = in.getLong();
            long timestamp = in.getLong();
            StoredAt at = priority == RESERVED ? null : new StoredAt(priority, partition, offset, timestamp);
            long claimedAt = in.getLong();
            byte[] fingerprint = new byte[Short.toUnsignedInt(in.getShort())];
            in.get(fingerprint);
            return Optional.of(new Published(at, fingerprint, claimedAt));
        } catch (BufferUnderflowException e) {
            return Optional.empty();
        }
    }
}
