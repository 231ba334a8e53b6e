package io.kqf.engine;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.kqf.kafka.KafkaUnavailable;
import io.kqf.kafka.RecordReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Push items by offset: recent ones (published here or read before) from memory, the others read
 * from Kafka. Subscribers read the same few indices, and reclaiming the head reads the oldest.
 */
final class PushItems {
    static final String TTL_HEADER = "kqf.ttl";
    private static final long CACHE_BYTES = 64L * 1024 * 1024;
    /** Bookkeeping per cached item, on top of its body. */
    private static final int ENTRY_OVERHEAD_BYTES = 64;

    /** An item as sub and reclaim see it. */
    record Item(byte[] body, long timestamp, int ttlSeconds) {
        long expiresAt() {
            return timestamp + ttlSeconds * 1000L;
        }

        boolean expired(long nowMillis) {
            return expiresAt() <= nowMillis;
        }
    }

    private final RecordReader reader;
    private final Cache<String, Item> cache = Caffeine.newBuilder()
            .maximumWeight(CACHE_BYTES)
            .weigher((String key, Item item) -> item.body().length + ENTRY_OVERHEAD_BYTES)
            .expireAfterWrite(PushQueues.MAX_TTL_SECONDS, TimeUnit.SECONDS)
            .build();

    PushItems(RecordReader reader) {
        this.reader = reader;
    }

    /** Keeps an item Kafka just acknowledged, so its subscribers never read it back from Kafka. */
    void remember(TopicPartition tp, long offset, Item item) {
        cache.put(key(tp, offset), item);
    }

    /** The item at {@code offset}, empty when Kafka no longer has it (retention); may read from Kafka. */
    Optional<Item> item(TopicPartition tp, long offset) {
        String key = key(tp, offset);
        Item cached = cache.getIfPresent(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<ConsumerRecord<byte[], byte[]>> record;
        try {
            record = reader.read(tp, offset);
        } catch (KafkaUnavailable e) {
            throw EngineException.unavailable(e.getMessage());
        }
        Optional<Item> item = record.map(r -> new Item(r.value() == null ? new byte[0] : r.value(), r.timestamp(), ttlOf(r)));
        item.ifPresent(i -> cache.put(key, i));
        return item;
    }

    static byte[] ttlHeader(int ttlSeconds) {
        return String.valueOf(ttlSeconds).getBytes(StandardCharsets.US_ASCII);
    }

    private static int ttlOf(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader(TTL_HEADER);
        if (header == null) {
            return PushQueues.DEFAULT_TTL_SECONDS;
        }
        try {
            return Integer.parseInt(new String(header.value(), StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return PushQueues.DEFAULT_TTL_SECONDS;
        }
    }

    private static String key(TopicPartition tp, long offset) {
        return tp.topic() + "/" + tp.partition() + "/" + offset;
    }
}
