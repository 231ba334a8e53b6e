package io.kqf.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings: bundled defaults, then {@code --config FILE}, then {@code KQF_*} environment variables;
 * parsed once into a record, failing fast with the key named; {@code kafka.*} passed through and
 * never printed (style.md "Stringly-typed config", architecture.md §9).
 */
class SettingsLoaderTest {
    private static final String[] NO_ARGS = {};

    @TempDir
    Path dir;

    @Test
    void bundled_defaults_load_with_the_documented_values() {
        Settings settings = SettingsLoader.load(NO_ARGS, Map.of());
        assertEquals(8080, settings.httpPort());
        assertEquals("0.0.0.0", settings.httpHost());
        assertTrue(settings.embeddedKafka(), "no bootstrap servers: the embedded broker");
        assertEquals(9092, settings.embeddedKafkaPort());
        assertEquals(Path.of("data"), settings.dataDir());
        assertEquals("", settings.topicPrefix());
        assertEquals("kqf", settings.groupId());
        assertFalse(settings.nodeId().isBlank(), "an empty node.id becomes the host name");
        assertEquals(-1, settings.replicationFactor());
        assertEquals(Map.of(), settings.kafka());
        assertEquals(Duration.ofSeconds(60), settings.minute());
        assertEquals(5, settings.defaultTimeoutMinutes());
        assertEquals(32 * 1024 * 1024, settings.maxItemBytes());
        assertEquals(Duration.ofSeconds(5), settings.fetchWait());
        assertEquals(Duration.ZERO, settings.commitInterval());
        assertNull(settings.basicAuthFile(), "no authentication by default");
        assertEquals(Set.of("get", "sub", "version"), settings.authFilter());
        assertEquals("Authentication", settings.authRealm());
        assertEquals(8192, settings.maxQueueSize());
        assertEquals(Duration.ofSeconds(180), settings.longPollingTimeout());
        assertEquals(Duration.ofSeconds(180), settings.subscribeTimeout());
        assertEquals(1_048_576, settings.maxTimerCount());
        assertEquals(1024, settings.doGetCacheSize());
        assertEquals(1024, settings.doPostCacheSize());
        assertEquals(8 * 1024 * 1024, settings.maxDoTaskBodySize());
        assertEquals(Duration.ofSeconds(180), settings.doGetTimeout());
        assertEquals(Duration.ofSeconds(180), settings.doPostTimeout());
    }

    @Test
    void environment_variables_override_the_defaults() {
        Settings settings = SettingsLoader.load(NO_ARGS, Map.of(
                "KQF_HTTP_PORT", "9999",
                "KQF_HUSTMQ_LONG_POLLING_TIMEOUT", "5s",
                "KQF_KAFKA_BOOTSTRAP_SERVERS", "broker1:9092,broker2:9092",
                "KQF_AUTH_FILTER", "version",
                "KQF_ITEM_MAX_BYTES", "8m"));
        assertEquals(9999, settings.httpPort());
        assertEquals(Duration.ofSeconds(5), settings.longPollingTimeout());
        assertEquals("broker1:9092,broker2:9092", settings.bootstrapServers());
        assertFalse(settings.embeddedKafka());
        assertEquals(Map.of(), settings.kafka(), "bootstrap servers are a setting of their own, not a pass-through");
        assertEquals(Set.of("version"), settings.authFilter());
        assertEquals(8 * 1024 * 1024, settings.maxItemBytes());
    }

    @Test
    void the_advertised_url_is_empty_by_default_a_base_url_when_set_and_refused_with_a_path() {
        assertEquals("", SettingsLoader.load(NO_ARGS, Map.of()).advertisedUrl());
        assertEquals("http://10.0.0.7:8080", SettingsLoader.load(NO_ARGS,
                Map.of("KQF_HTTP_ADVERTISED_URL", "http://10.0.0.7:8080/")).advertisedUrl());
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SettingsLoader.load(NO_ARGS, Map.of("KQF_HTTP_ADVERTISED_URL", "http://node/kqf")));
        assertTrue(refused.getMessage().contains("http.advertised.url"), refused.getMessage());
    }

    @Test
    void variables_without_the_kqf_prefix_are_ignored() {
        Settings settings = SettingsLoader.load(NO_ARGS, Map.of("HTTP_PORT", "1", "kqf_http_port", "2",
                "PATH", "/usr/bin", "KAFKA_SASL_MECHANISM", "PLAIN"));
        assertEquals(8080, settings.httpPort());
        assertEquals(Map.of(), settings.kafka());
    }

    @Test
    void an_unknown_kqf_kafka_variable_becomes_a_kafka_client_property() {
        Settings settings = SettingsLoader.load(NO_ARGS, Map.of(
                "KQF_KAFKA_SASL_MECHANISM", "PLAIN",
                "KQF_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"));
        assertEquals(Map.of("sasl.mechanism", "PLAIN", "security.protocol", "SASL_SSL"), settings.kafka());
    }

    @Test
    void kafka_keys_of_a_file_are_passed_through_without_the_prefix_and_empty_ones_dropped() throws IOException {
        Path file = write("kafka.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required;\n"
                + "kafka.ssl.truststore.location=/etc/kqf/truststore.jks\n"
                + "kafka.client.rack=\n");
        Settings settings = SettingsLoader.load(new String[] {"--config", file.toString()}, Map.of());
        assertEquals(Map.of(
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required;",
                "ssl.truststore.location", "/etc/kqf/truststore.jks"), settings.kafka());
    }

    @Test
    void a_config_file_overrides_the_defaults_and_the_environment_overrides_the_file() throws IOException {
        Path file = write("http.port=7000\n"
                + "hustmq.long_polling_timeout=7s\n"
                + "topic.prefix=fromfile.\n"
                + "auth.realm=From File\n");
        Settings settings = SettingsLoader.load(new String[] {"--config", file.toString()},
                Map.of("KQF_HTTP_PORT", "7001", "KQF_TOPIC_PREFIX", "fromenv."));
        assertEquals(7001, settings.httpPort(), "environment over file");
        assertEquals("fromenv.", settings.topicPrefix(), "environment over file");
        assertEquals(Duration.ofSeconds(7), settings.longPollingTimeout(), "file over defaults");
        assertEquals("From File", settings.authRealm(), "file over defaults");
        assertEquals(Duration.ofSeconds(180), settings.subscribeTimeout(), "defaults where nobody says otherwise");
    }

    @Test
    void durations_and_sizes_take_their_units() {
        Settings settings = SettingsLoader.defaultsWith(Map.of(
                "hustmq.minute", "1500ms",
                "hustmq.long_polling_timeout", "2m",
                "hustmq.subscribe_timeout", "1h",
                "hustmq.do_get_timeout", "42",
                "item.max.bytes", "64k",
                "hustmq.max_do_task_body_size", "1000"));
        assertEquals(Duration.ofMillis(1500), settings.minute());
        assertEquals(Duration.ofMinutes(2), settings.longPollingTimeout());
        assertEquals(Duration.ofHours(1), settings.subscribeTimeout());
        assertEquals(Duration.ofSeconds(42), settings.doGetTimeout(), "a bare number is seconds, as in nginx");
        assertEquals(64 * 1024, settings.maxItemBytes());
        assertEquals(1000, settings.maxDoTaskBodySize());
    }

    @Test
    void malformed_values_fail_fast_with_a_message_naming_the_key() {
        List<String> wrong = new ArrayList<>();
        for (String[] bad : new String[][] {
                {"http.port", "abc"}, {"http.port", ""}, {"http.port", "80.5"}, {"embedded.kafka.port", "x"},
                {"hustmq.minute", "5x"}, {"hustmq.minute", ""}, {"hustmq.long_polling_timeout", "soon"},
                {"hustmq.long_polling_timeout", "1.5s"}, {"engine.fetch.wait", "ms"},
                {"hustmq.default_timeout", "1.5"}, {"hustmq.max_timer_count", "1m"},
                {"item.max.bytes", "lots"}, {"item.max.bytes", "4096m"}, {"hustmq.max_do_task_body_size", "8g"},
                {"topic.replication.factor", "three"}}) {
            checkRefused(Map.of(bad[0], bad[1]), bad[0], wrong);
        }
        assertEquals(List.of(), wrong);
    }

    /** Values of the right type that no running facade can use (the hustmq ranges of hustmq-api.md §0.5). */
    @Test
    void out_of_range_values_fail_fast_with_a_message_naming_the_key() {
        List<String> wrong = new ArrayList<>();
        for (String[] bad : new String[][] {
                {"http.port", "-1"}, {"http.port", "65536"}, {"hustmq.default_timeout", "0"},
                {"hustmq.default_timeout", "256"}, {"hustmq.minute", "0s"}, {"hustmq.minute", "-1s"},
                {"hustmq.long_polling_timeout", "-5s"}, {"engine.fetch.wait", "-1ms"}, {"item.max.bytes", "-1"},
                {"item.max.bytes", "0"}, {"engine.lane.buffer.records", "0"},
                {"topic.replication.factor", "40000"}}) {
            checkRefused(Map.of(bad[0], bad[1]), bad[0], wrong);
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void a_malformed_environment_value_fails_naming_the_setting() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> SettingsLoader.load(NO_ARGS, Map.of("KQF_HTTP_PORT", "eighty")));
        assertTrue(refused.getMessage().contains("http.port"), refused.getMessage());
    }

    @Test
    void a_missing_config_file_or_unknown_argument_fails_with_a_message() {
        Path missing = dir.resolve("nope.properties");
        IllegalArgumentException noFile = assertThrows(IllegalArgumentException.class,
                () -> SettingsLoader.load(new String[] {"--config", missing.toString()}, Map.of()));
        assertTrue(noFile.getMessage().contains(missing.toString()), noFile.getMessage());
        IllegalArgumentException noName = assertThrows(IllegalArgumentException.class,
                () -> SettingsLoader.load(new String[] {"--config"}, Map.of()));
        assertTrue(noName.getMessage().contains("--config"), noName.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> SettingsLoader.load(new String[] {"--port", "80"}, Map.of()));
        assertTrue(unknown.getMessage().contains("--port"), unknown.getMessage());
    }

    @Test
    void to_string_names_kafka_keys_but_never_shows_their_values() {
        Settings settings = SettingsLoader.load(NO_ARGS, Map.of(
                "KQF_KAFKA_SASL_JAAS_CONFIG", "PlainLoginModule required username=\"u\" password=\"hunter2-secret\";",
                "KQF_KAFKA_SSL_KEY_PASSWORD", "key-pass-0042",
                "KQF_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"));
        String text = settings.toString();
        for (String secret : List.of("hunter2-secret", "key-pass-0042", "SCRAM-SHA-512", "PlainLoginModule")) {
            assertFalse(text.contains(secret), "toString shows '" + secret + "': " + text);
        }
        assertTrue(text.contains("sasl.jaas.config"), "the keys are shown, so an operator sees what is set: " + text);
    }

    private Path write(String properties) throws IOException {
        Path file = Files.createTempFile(dir, "kqf", ".properties");
        Files.writeString(file, properties, StandardCharsets.UTF_8);
        return file;
    }

    private static void checkRefused(Map<String, String> overrides, String key, List<String> wrong) {
        try {
            Settings settings = SettingsLoader.defaultsWith(overrides);
            wrong.add(overrides + " accepted: " + settings);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null || !e.getMessage().contains(key)) {
                wrong.add(overrides + " refused without naming " + key + ": " + e.getMessage());
            }
        } catch (RuntimeException e) {
            wrong.add(overrides + " failed with " + e + " instead of an IllegalArgumentException naming " + key);
        }
    }
}
