package io.kqf.engine;

import java.util.List;

/**
 * One record of a lane as the engine keeps it: where it is, when it was written and what it holds.
 * The engine's own type, so nothing above the Kafka layer handles Kafka's record class.
 *
 * @param timestamp record time, epoch ms
 * @param key       null when the record has none
 * @param headers   in record order; a name may repeat
 */
public record Message(long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {
    /** The record header both front ends keep a message's media type in (none: application/octet-stream). */
    public static final String CONTENT_TYPE_HEADER = "content-type";

    /** A record header: a name and its raw value (null allowed, as Kafka allows). */
    public record Header(String name, byte[] value) {
    }

    /** The value, never null (a tombstone reads as an empty item). */
    public byte[] body() {
        return value == null ? new byte[0] : value;
    }
}
