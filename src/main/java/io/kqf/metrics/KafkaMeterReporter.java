package io.kqf.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;

/**
 * Kafka's own metrics reporter hook, turned into Micrometer gauges. Kafka creates one reporter per
 * client and tells it of every metric added and removed, and closes it with the client: a
 * producer the facade retires takes its meters with it, with no bookkeeping of clients here.
 * Metrics tagged by topic or partition are left out: with thousands of queues they would be
 * hundreds of thousands of series (and the heap that goes with them).
 */
public final class KafkaMeterReporter implements MetricsReporter {
    /** The client property that carries the {@link Bridge} to every reporter. */
    public static final String BRIDGE = "kqf.metrics.bridge";

    private Bridge bridge;

    @Override
    public void configure(Map<String, ?> configs) {
        bridge = (Bridge) configs.get(BRIDGE);
    }

    @Override
    public void init(List<KafkaMetric> metrics) {
        metrics.forEach(this::metricChange);
    }

    @Override
    public void metricChange(KafkaMetric metric) {
        if (bridge != null) {
            bridge.add(metric);
        }
    }

    @Override
    public void metricRemoval(KafkaMetric metric) {
        if (bridge != null) {
            bridge.remove(metric);
        }
    }

    @Override
    public void close() {
    }

    /**
     * The registry side, shared by every client's reporter. A meter reads whichever client's
     * metric registered its id last, so a rotated producer's successor (same client id) keeps the
     * series and the retired one's removal does not take it away.
     */
    public static final class Bridge {
        private final MeterRegistry registry;
        /** By metric name and tags: the meter and the client metric it reads now. */
        private final Map<String, Registered> current = new ConcurrentHashMap<>();

        private record Registered(Meter.Id id, KafkaMetric metric) {
        }

        public Bridge(MeterRegistry registry) {
            this.registry = registry;
        }

        void add(KafkaMetric metric) {
            Map<String, String> tags = metric.metricName().tags();
            if (tags.containsKey("topic") || tags.containsKey("partition")) {
                return;
            }
            Tags meterTags = Tags.empty();
            for (Map.Entry<String, String> tag : tags.entrySet()) {
                meterTags = meterTags.and(tag.getKey().replace('-', '_'), tag.getValue());
            }
            String key = keyOf(metric);
            String name = meterName(metric);
            String description = metric.metricName().description();
            // Kafka's cumulative "-total" metrics are counters: Prometheus names them *_total.
            Meter meter = name.endsWith(".total")
                    ? FunctionCounter.builder(name.substring(0, name.length() - ".total".length()), this,
                            bridge -> bridge.valueOf(key)).tags(meterTags).description(description).register(registry)
                    : Gauge.builder(name, this, bridge -> bridge.valueOf(key)).tags(meterTags).description(description)
                            .register(registry);
            current.put(key, new Registered(meter.getId(), metric));
        }

        void remove(KafkaMetric metric) {
            String key = keyOf(metric);
            Registered registered = current.get(key);
            if (registered != null && registered.metric() == metric && current.remove(key, registered)) {
                registry.remove(registered.id());
            }
        }

        private double valueOf(String key) {
            Registered registered = current.get(key);
            Object value = registered == null ? null : registered.metric().metricValue();
            return value instanceof Number number ? number.doubleValue() : Double.NaN;
        }

        /** producer-metrics / record-send-total becomes kafka.producer.record.send.total. */
        private static String meterName(KafkaMetric metric) {
            return "kafka." + metric.metricName().group().replace("-metrics", "").replace('-', '.') + "."
                    + metric.metricName().name().replace('-', '.');
        }

        private static String keyOf(KafkaMetric metric) {
            return metric.metricName().group() + "/" + metric.metricName().name() + metric.metricName().tags();
        }
    }
}
