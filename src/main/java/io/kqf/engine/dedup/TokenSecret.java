package io.kqf.engine.dedup;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.kqf.engine.EngineException;
import io.kqf.kafka.CompactedTopic;
import io.kqf.kafka.KafkaClients;
import io.kqf.kafka.KafkaUnavailable;
import io.kqf.kafka.RecordWriter;
import io.kqf.kafka.TopicAdmin;

/**
 * The HMAC key every node signs publish tokens with, so a token minted on one node verifies on any
 * other and after a restart. Either configured, or agreed through a one-partition compacted topic:
 * the secret is the value of the record with the lowest offset among the candidates.
 *
 * <p>Agreement: a node that finds no candidate writes one (acks=all) and reads the topic again
 * from the beginning. Two nodes racing at start both write, but both then read the same partition
 * in the same order and take the same first record. Each candidate has its own key
 * ({@code token-secret/<random>}), because compaction keeps the last record of a key: had they
 * shared one key, compaction would later drop the first candidate and a node restarting after it
 * would pick the loser's. No candidate is ever deleted (they are 32 bytes each).
 */
public final class TokenSecret {
    /** Key of every candidate, before its random id (package-private for tests). */
    static final String KEY_PREFIX = "token-secret/";
    private static final int SECRET_BYTES = 32;
    private static final int MIN_CONFIGURED_BYTES = 16;
    private static final long WRITE_TIMEOUT_SECONDS = 30;

    private final byte[] key;

    private TokenSecret(byte[] key) {
        this.key = key;
    }

    /**
     * The configured secret if there is one, else the one shared through {@code topic}.
     *
     * @param configured the setting's value, e.g. {@code rest.token_secret}; empty when not set
     */
    public static TokenSecret of(Optional<String> configured, KafkaClients clients, TopicAdmin admin,
                                 RecordWriter writer, String topic) {
        return configured.isPresent() ? configured(configured.get()) : shared(clients, admin, writer, topic);
    }

    /** A secret from a setting: its UTF-8 bytes are the key; every node must be given the same. */
    public static TokenSecret configured(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_CONFIGURED_BYTES) {
            throw new IllegalArgumentException("the token secret needs at least " + MIN_CONFIGURED_BYTES + " bytes");
        }
        return new TokenSecret(bytes);
    }

    /**
     * The secret in {@code topic}, created (as a compacted topic) and seeded with a random candidate
     * if there is none yet. Blocks on Kafka: call it at start.
     *
     * @throws EngineException UNAVAILABLE when Kafka cannot be read or written in time
     */
    public static TokenSecret shared(KafkaClients clients, TopicAdmin admin, RecordWriter writer, String topic) {
        try {
            admin.ensureCompacted(topic);
            Optional<byte[]> first = firstCandidate(clients, topic);
            if (first.isEmpty()) {
                propose(writer, topic);
                first = firstCandidate(clients, topic);
            }
            return new TokenSecret(first.orElseThrow(
                    () -> new KafkaUnavailable("the token secret written to " + topic + " cannot be read back")));
        } catch (KafkaUnavailable e) {
            throw new EngineException(EngineException.Reason.UNAVAILABLE, e.getMessage());
        }
    }

    /** The key bytes (a copy: callers cannot change the secret). */
    public byte[] key() {
        return key.clone();
    }

    /** The candidate with the lowest offset: readToEnd keeps keys in the order last written, and each is written once. */
    private static Optional<byte[]> firstCandidate(KafkaClients clients, String topic) {
        return CompactedTopic.readToEnd(clients, topic).entrySet().stream()
                .filter(e -> e.getKey().startsWith(KEY_PREFIX) && e.getValue().length >= MIN_CONFIGURED_BYTES)
                .map(Map.Entry::getValue)
                .findFirst();
    }

    private static void propose(RecordWriter writer, String topic) {
        SecureRandom random = new SecureRandom();
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(secret);
        byte[] id = new byte[8];
        random.nextBytes(id);
        byte[] key = (KEY_PREFIX + HexFormat.of().formatHex(id)).getBytes(StandardCharsets.UTF_8);
        try {
            writer.send(topic, key, secret, Map.of()).get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailable("interrupted while writing the token secret", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new KafkaUnavailable("cannot write a token secret to " + topic + ": " + e, e);
        }
    }
}
