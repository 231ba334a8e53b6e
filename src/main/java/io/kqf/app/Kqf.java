package io.kqf.app;

import java.time.Clock;
import java.util.List;

import io.kqf.config.Settings;
import io.kqf.engine.EngineOptions;
import io.kqf.engine.EngineRuntime;
import io.kqf.http.BasicAuth;
import io.kqf.http.HttpServer;
import io.kqf.http.cluster.OwnerRouting;
import io.kqf.http.cluster.PeerClient;
import io.kqf.http.hustmq.HustmqRoutes;
import io.kqf.http.rest.RestRoutes;
import io.kqf.engine.subscribe.Subscriptions;
import io.kqf.kafka.EmbeddedKafka;
import io.kqf.kafka.KafkaClients;
import io.kqf.metrics.NodeMetrics;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One facade node: the embedded broker when none is configured, the engine, and the HTTP APIs. */
public final class Kqf implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Kqf.class);
    public static final String VERSION = "0.1.0";
    /** Room for HTTP framing around the largest item. */
    private static final int BODY_SLACK = 64 * 1024;
    /** hustmq's priorities 0..2: every queue may have three lanes. */
    private static final int HUSTMQ_PRIORITIES = 3;

    private final EmbeddedKafka embedded;
    private final EngineRuntime runtime;
    private final HttpServer http;
    private final Subscriptions subscriptions;
    private final PeerClient peers;
    /** A peer that does not accept a connection within this counts as unreachable (then the request is retried). */
    private static final java.time.Duration PEER_CONNECT_TIMEOUT = java.time.Duration.ofSeconds(2);
    /** How long a cluster-wide count waits for each other node's part (a silent node is left out). */
    private static final java.time.Duration PEER_GATHER_TIMEOUT = java.time.Duration.ofSeconds(2);
    /** Beyond the longest parked request, how long a forwarded request may take to come back. */
    private static final java.time.Duration PEER_ANSWER_SLACK = java.time.Duration.ofSeconds(30);

    private final NodeMetrics metrics;

    private Kqf(EmbeddedKafka embedded, EngineRuntime runtime, HttpServer http, Subscriptions subscriptions,
                PeerClient peers, NodeMetrics metrics) {
        this.metrics = metrics;
        this.peers = peers;
        this.subscriptions = subscriptions;
        this.embedded = embedded;
        this.runtime = runtime;
        this.http = http;
    }

    public static Kqf start(Settings settings) {
        return start(settings, Clock.systemUTC());
    }

    /** @param clock the engine's time (lease deadlines, TTLs, creation times); tests pass one they drive */
    public static Kqf start(Settings settings, Clock clock) {
        long started = System.nanoTime();
        EmbeddedKafka embedded = null;
        NodeMetrics metrics = null;
        if (settings.embeddedKafka()) {
            embedded = EmbeddedKafka.start(settings.dataDir().resolve("kafka"), settings.embeddedKafkaPort(),
                    settings.maxItemBytes() + BODY_SLACK);
            settings = settings.withBootstrapServers(embedded.bootstrapServers());
        }
        try {
            metrics = new NodeMetrics(settings.nodeId(), settings.metricsQueueCap());
            KafkaClients clients = new KafkaClients(settings.bootstrapServers(), settings.kafka(), settings.maxItemBytes(),
                    metrics.kafkaClientProperties());
            short replication = settings.embeddedKafka() || embedded != null ? 1 : settings.replicationFactor();
            EngineRuntime runtime = EngineRuntime.start(clients, engineOptions(settings, replication), clock);
            BasicAuth auth = settings.basicAuthFile() == null ? null
                    : BasicAuth.fromFile(settings.basicAuthFile(), settings.authFilter(), settings.authRealm());
            Subscriptions subscriptions = new Subscriptions(runtime, clock, settings.nodeId());
            PeerClient peers = new PeerClient(settings.nodeId(), PEER_CONNECT_TIMEOUT);
            OwnerRouting owners = new OwnerRouting(runtime, peers, longestParkedRequest(settings).plus(PEER_ANSWER_SLACK),
                    settings.fetchWait());
            HustmqRoutes hustmq = new HustmqRoutes(runtime, VERSION, settings.maxDoTaskBodySize(), owners, peers,
                    PEER_GATHER_TIMEOUT);
            HttpServer http = HttpServer.start(settings.httpHost(), settings.httpPort(),
                    settings.maxItemBytes() + BODY_SLACK, auth, settings.nodeId(), List.of(hustmq, new RestRoutes(runtime, subscriptions, owners),
                            new io.kqf.http.ops.OpsRoutes(runtime, VERSION, metrics), new io.kqf.http.ops.DocsRoutes(VERSION),
                            new io.kqf.http.ops.DashboardRoutes(runtime, subscriptions,
                                    new io.kqf.http.cluster.PeerGather(runtime, peers, PEER_GATHER_TIMEOUT))),
                    metrics::request);
            observe(metrics, runtime, subscriptions);
            runtime.advertise(settings.advertisedUrl().isEmpty() ? internalUrl(settings.httpHost(), http.port())
                    : settings.advertisedUrl());
            log.info("kqf {} serving HTTP on port {} (Kafka {}, auth {}), started in {} ms", VERSION, http.port(),
                    settings.bootstrapServers(), auth == null ? "off" : "on", (System.nanoTime() - started) / 1_000_000);
            return new Kqf(embedded, runtime, http, subscriptions, peers, metrics);
        } catch (RuntimeException e) {
            if (metrics != null) {
                metrics.close();
            }
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    /** The engine's counts that /metrics reports, read at each scrape. */
    private static void observe(NodeMetrics metrics, EngineRuntime runtime, Subscriptions subscriptions) {
        metrics.queues(runtime::statServedHere);
        metrics.gauge("kqf.parked.requests", "parked evget and get?wait requests", Tags.of("kind", "evget"),
                runtime.longPolls(), polls -> polls.parkedEvgets());
        metrics.gauge("kqf.parked.requests", "parked evget and get?wait requests", Tags.of("kind", "get"),
                runtime.longPolls(), polls -> polls.parkedGets());
        metrics.gauge("kqf.subscriptions", "REST subscriptions held by this node", Tags.empty(), subscriptions,
                Subscriptions::count);
        metrics.gauge("kqf.rpc.tasks", "do_get tasks waiting or claimed", Tags.of("side", "do_get"), runtime.tasks(),
                tasks -> tasks.status().unassigned() + tasks.status().assigned());
        metrics.gauge("kqf.rpc.tasks", "do_post workers parked", Tags.of("side", "do_post"), runtime.tasks(),
                tasks -> tasks.status().parkedWorkers());
    }

    /**
     * The URL other nodes reach this one at: the bound host, or this machine's name when bound to
     * every interface (http.advertised.url overrides it, for nodes behind NAT).
     */
    static String internalUrl(String bindHost, int port) {
        String host = bindHost;
        if (host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::")) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                host = "localhost";
            }
        }
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** The longest any parked request may wait (what a forwarded one may take, before its slack). */
    static java.time.Duration longestParkedRequest(Settings settings) {
        return java.util.stream.Stream.of(settings.longPollingTimeout(), settings.subscribeTimeout(),
                settings.doGetTimeout(), settings.doPostTimeout(), java.time.Duration.ofMinutes(5))
                .max(java.util.Comparator.naturalOrder()).orElseThrow();
    }

    /** What the engine is told of the settings. */
    public static EngineOptions engineOptions(Settings settings, short replication) {
        return new EngineOptions(settings.topicPrefix(), settings.nodeId(), settings.groupId(), replication,
                settings.maxItemBytes(), settings.minute(), settings.defaultTimeoutMinutes(), settings.laneBufferRecords(),
                settings.fetchWait(), settings.commitInterval(), HUSTMQ_PRIORITIES, new EngineOptions.WaitLimits(
                        settings.longPollingTimeout(), settings.subscribeTimeout(), settings.maxTimerCount(),
                        settings.maxQueueSize(), settings.doGetCacheSize(), settings.doPostCacheSize(),
                        settings.doGetTimeout(), settings.doPostTimeout()));
    }

    /** The engine of this node (tests and operations look inside). */
    public EngineRuntime runtime() {
        return runtime;
    }

    /** Every route this node serves ("METHOD /path"), for the API document's check. */
    public List<String> routes() {
        return http.routes();
    }

    public int httpPort() {
        return http.port();
    }

    @Override
    public void close() {
        // Parked clients get their timeout answer, not a closed connection, then HTTP stops.
        runtime.timeOutParked();
        subscriptions.answerParked();
        http.close();
        peers.close();
        subscriptions.close();
        runtime.close();
        metrics.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
