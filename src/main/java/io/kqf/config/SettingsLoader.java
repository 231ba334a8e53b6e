package io.kqf.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Builds {@link Settings} from the bundled defaults ({@code kqf.properties}), an optional
 * {@code --config FILE} and {@code KQF_*} environment variables, in that order of precedence.
 */
public final class SettingsLoader {
    private static final String DEFAULTS_RESOURCE = "/kqf.properties";
    private static final String ENV_PREFIX = "KQF_";
    private static final String KAFKA_PREFIX = "kafka.";

    private SettingsLoader() {
    }

    /** Loads settings for a command line ({@code --config FILE}) and the process environment. */
    public static Settings load(String[] args, Map<String, String> env) {
        Properties props = defaults();
        for (int i = 0; i < args.length; i++) {
            if ("--config".equals(args[i])) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--config needs a file name");
                }
                props.putAll(read(Path.of(args[++i])));
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i] + " (usage: java -jar kqf.jar [--config FILE])");
            }
        }
        applyEnvironment(props, env);
        return parse(props);
    }

    /** Settings from the bundled defaults with some keys overridden (tests, benchmarks). */
    public static Settings defaultsWith(Map<String, String> overrides) {
        Properties props = defaults();
        props.putAll(overrides);
        return parse(props);
    }

    static Properties defaults() {
        Properties props = new Properties();
        try (InputStream in = SettingsLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the class path");
            }
            props.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled defaults", e);
        }
        return props;
    }

    private static Properties read(Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return props;
    }

    /** KQF_HTTP_PORT overrides http.port; unknown KQF_KAFKA_X_Y becomes kafka.x.y. */
    private static void applyEnvironment(Properties props, Map<String, String> env) {
        Map<String, String> byEnvName = new TreeMap<>();
        for (String key : props.stringPropertyNames()) {
            byEnvName.put(envName(key), key);
        }
        env.forEach((name, value) -> {
            if (!name.startsWith(ENV_PREFIX)) {
                return;
            }
            String key = byEnvName.get(name);
            if (key == null && name.startsWith(ENV_PREFIX + "KAFKA_")) {
                key = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
            }
            if (key != null) {
                props.setProperty(key, value);
            }
        });
    }

    static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    private static Settings parse(Properties p) {
        Map<String, String> kafka = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            String value = p.getProperty(key).trim();
            if (key.startsWith(KAFKA_PREFIX) && !key.equals("kafka.bootstrap.servers") && !value.isEmpty()) {
                kafka.put(key.substring(KAFKA_PREFIX.length()), value);
            }
        }
        String nodeId = text(p, "node.id");
        if (nodeId.isEmpty()) {
            nodeId = hostName();
        }
        String authFile = text(p, "auth.file");
        Set<String> authFilter = Arrays.stream(text(p, "auth.filter").split(","))
                .map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        return new Settings(
                integer(p, "http.port", 0, 65535),
                text(p, "http.host"),
                advertisedUrl(p),
                text(p, "kafka.bootstrap.servers"),
                Path.of(text(p, "data.dir")),
                integer(p, "embedded.kafka.port", 0, 65535),
                text(p, "topic.prefix"),
                nodeId,
                text(p, "group.id"),
                (short) replicationFactor(p),
                Map.copyOf(kafka),
                positive(p, "hustmq.minute"),
                integer(p, "hustmq.default_timeout", 1, 255),
                integer(p, "engine.lane.buffer.records", 1, Integer.MAX_VALUE),
                positive(p, "engine.fetch.wait"),
                duration(p, "engine.commit.linger"),
                positiveSize(p, "item.max.bytes"),
                authFile.isEmpty() ? null : Path.of(authFile),
                Set.copyOf(authFilter),
                text(p, "auth.realm"),
                integer(p, "hustmq.max_queue_size", 0, Integer.MAX_VALUE),
                duration(p, "hustmq.long_polling_timeout"),
                duration(p, "hustmq.subscribe_timeout"),
                integer(p, "hustmq.max_timer_count", 0, Integer.MAX_VALUE),
                integer(p, "hustmq.do_get_cache_size", 0, Integer.MAX_VALUE),
                integer(p, "hustmq.do_post_cache_size", 0, Integer.MAX_VALUE),
                size(p, "hustmq.max_do_task_body_size"),
                duration(p, "hustmq.do_get_timeout"),
                duration(p, "hustmq.do_post_timeout"),
                integer(p, "metrics.queue.cap", 0, 100_000));
    }

    /** Empty, or an http(s) URL with a host and no path: what other nodes use to reach this one. */
    private static String advertisedUrl(Properties p) {
        String url = text(p, "http.advertised.url");
        if (url.isEmpty()) {
            return url;
        }
        try {
            java.net.URI uri = new java.net.URI(url);
            boolean plain = ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/")) && uri.getQuery() == null;
            if (!plain) {
                throw new IllegalArgumentException("setting http.advertised.url must be http(s)://host[:port] without a path, not "
                        + url);
            }
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("setting http.advertised.url is not a URL: " + url);
        }
    }

    private static String text(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("setting " + key + " is missing");
        }
        return value.trim();
    }

    private static int integer(Properties p, String key, int min, int max) {
        int value = integer(p, key);
        if (value < min || value > max) {
            throw new IllegalArgumentException("setting " + key + " must be " + min + ".." + max + ", not " + value);
        }
        return value;
    }

    /** -1 means the broker's default; otherwise a real replication factor. */
    private static int replicationFactor(Properties p) {
        int value = integer(p, "topic.replication.factor", -1, Short.MAX_VALUE);
        if (value == 0) {
            throw new IllegalArgumentException("setting topic.replication.factor must be -1 or at least 1, not 0");
        }
        return value;
    }

    private static Duration positive(Properties p, String key) {
        Duration value = duration(p, key);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("setting " + key + " must be longer than 0, not " + text(p, key));
        }
        return value;
    }

    private static int positiveSize(Properties p, String key) {
        int value = size(p, key);
        if (value < 1) {
            throw new IllegalArgumentException("setting " + key + " must be at least 1 byte, not " + text(p, key));
        }
        return value;
    }

    private static int integer(Properties p, String key) {
        String value = text(p, key);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + key + " must be an integer, not '" + value + "'");
        }
    }

    /** "200ms", "180s", "5m", "1h"; a bare number is seconds, as in nginx. */
    static Duration duration(Properties p, String key) {
        String value = text(p, key).toLowerCase(Locale.ROOT);
        try {
            if (value.endsWith("ms")) {
                long millis = Long.parseLong(value.substring(0, value.length() - 2));
                if (millis < 0) {
                    throw new IllegalArgumentException("setting " + key + " must not be negative, not '" + value + "'");
                }
                return Duration.ofMillis(millis);
            }
            long amount = Long.parseLong(value.replaceAll("[smh]$", ""));
            if (amount < 0) {
                throw new IllegalArgumentException("setting " + key + " must not be negative, not '" + value + "'");
            }
            return switch (value.charAt(value.length() - 1)) {
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> Duration.ofSeconds(amount);
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + key + " must be a duration like 200ms or 180s, not '" + value + "'");
        }
    }

    /** "8m", "64k", or bytes. */
    static int size(Properties p, String key) {
        String value = text(p, key).toLowerCase(Locale.ROOT);
        try {
            if (value.endsWith("m")) {
                return Math.multiplyExact(Integer.parseInt(value.substring(0, value.length() - 1)), 1024 * 1024);
            }
            if (value.endsWith("k")) {
                return Math.multiplyExact(Integer.parseInt(value.substring(0, value.length() - 1)), 1024);
            }
            return Integer.parseInt(value);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("setting " + key + " must be a size like 8m or 65536, not '" + value + "'");
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "kqf";
        }
    }
}
