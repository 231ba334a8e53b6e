package io.kqf.metrics;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.kqf.engine.QueueStat;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * What one node tells Prometheus: HTTP requests, its share of the queues, parked requests,
 * subscriptions, RPC tasks, its Kafka clients and the JVM. Every series is this node's own; a
 * cluster's figure is the sum over its nodes (each node is scraped).
 */
public final class NodeMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final KafkaMeterReporter.Bridge kafka = new KafkaMeterReporter.Bridge(registry);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final MultiGauge queueReady;
    private final MultiGauge queueUnacked;
    private final int queueCap;
    private Supplier<List<QueueStat>> queues = List::of;

    /** @param queueCap most queues with series of their own (the busiest win) */
    public NodeMetrics(String nodeId, int queueCap) {
        this.queueCap = queueCap;
        registry.config().commonTags("node", nodeId);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        queueReady = MultiGauge.builder("kqf.queue.ready").description("ready records per queue and lane").register(registry);
        queueUnacked = MultiGauge.builder("kqf.queue.unacked").description("outstanding leases per queue").register(registry);
    }

    /** The reporter every Kafka client of this node is given, and what it reports to. */
    public java.util.Map<String, Object> kafkaClientProperties() {
        return java.util.Map.of("metric.reporters", KafkaMeterReporter.class.getName(), KafkaMeterReporter.BRIDGE, kafka);
    }

    /** The queues this node serves, read at each scrape. */
    public void queues(Supplier<List<QueueStat>> served) {
        this.queues = served;
        Gauge.builder("kqf.queues", this, self -> self.queues.get().size()).description("queues this node serves")
                .register(registry);
    }

    /** A whole-node count read at each scrape (parked requests, subscriptions, RPC tasks). */
    public <T> void gauge(String name, String description, Tags tags, T source, ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value).description(description).tags(tags).register(registry);
    }

    /** One answered request. The endpoint is the route's pattern (bounded), never the raw path. */
    public void request(String endpoint, String method, int status, Duration took) {
        Timer.builder("kqf.http.requests").description("HTTP requests answered")
                .tags("endpoint", endpoint, "method", method, "status", Integer.toString(status))
                .publishPercentileHistogram().register(registry).record(took);
    }

    /** The Prometheus text exposition, with the per-queue series brought up to date first. */
    public String scrape() {
        List<QueueStat> busiest = queues.get().stream()
                .sorted(Comparator.comparingLong(NodeMetrics::load).reversed()).limit(queueCap).toList();
        queueReady.register(busiest.stream().flatMap(stat -> stat.lanes().stream().map(lane -> MultiGauge.Row.of(
                Tags.of("queue", stat.queue(), "lane", Integer.toString(lane.priority())), lane.ready()))).toList(), true);
        queueUnacked.register(busiest.stream().map(stat -> MultiGauge.Row.of(Tags.of("queue", stat.queue()),
                stat.unacked())).toList(), true);
        return registry.scrape();
    }

    public String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    private static long load(QueueStat stat) {
        return stat.lanes().stream().mapToLong(QueueStat.LaneStat::ready).sum() + stat.unacked();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
