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
 * <p>Wire form, big-endian: {@code version(1) priority(4) partition(4) offset(8) timestamp(8)
 * claimedAt(8) fingerprintLength(2) fingerprint}.
 *
 * @param fingerprint never modified once built (a record cannot copy arrays for us)
 */
record Published(StoredAt storedAt, byte[] fingerprint, long claimedAt) {
    private static final byte VERSION = 1;
    private static final int FIXED_BYTES = 1 + 4 + 4 + 8 + 8 + 8 + 2;

    boolean liveAt(long nowMillis, Duration window) {
        return nowMillis < claimedAt + window.toMillis();
    }

    /**
     * Which of two entries of one key counts. Normally a key has one live entry; two exist when a key
     * is published again after its window (the old one is dead), or when two nodes claimed it at the
     * same instant (see {@link DedupRegistry}): then the earlier claim wins, on every node alike,
     * whatever order the records arrive in.
     */
    static Published preferred(Published a, Published b, long nowMillis, Duration window) {
        if (!a.liveAt(nowMillis, window)) {
            return b;
        }
        if (!b.liveAt(nowMillis, window)) {
            return a;
        }
        return b.claimedAt < a.claimedAt ? b : a;
    }

    byte[] encode() {
        return ByteBuffer.allocate(FIXED_BYTES + fingerprint.length)
                .put(VERSION)
                .putInt(storedAt.priority()).putInt(storedAt.partition())
                .putLong(storedAt.offset()).putLong(storedAt.timestamp())
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
            StoredAt at = new StoredAt(in.getInt(), in.getInt(), in.getLong(), in.getLong());
            long claimedAt = in.getLong();
            byte[] fingerprint = new byte[Short.toUnsignedInt(in.getShort())];
            in.get(fingerprint);
            return Optional.of(new Published(at, fingerprint, claimedAt));
        } catch (BufferUnderflowException e) {
            return Optional.empty();
        }
    }
}
