package io.kqf.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Every setting of the facade, parsed once at start-up (fail fast on a bad value).
 * Names and defaults are documented in {@code config/kqf.properties}.
 *
 * @param kafka every {@code kafka.*} key with the prefix removed, passed to all Kafka clients
 */
public record Settings(
        int httpPort,
        String httpHost,
        String advertisedUrl,
        String bootstrapServers,
        Path dataDir,
        int embeddedKafkaPort,
        String topicPrefix,
        String nodeId,
        String groupId,
        short replicationFactor,
        Map<String, String> kafka,
        Duration minute,
        int defaultTimeoutMinutes,
        int laneBufferRecords,
        Duration fetchWait,
        Duration commitInterval,
        int maxItemBytes,
        Path basicAuthFile,
        Set<String> authFilter,
        String authRealm,
        int maxQueueSize,
        Duration longPollingTimeout,
        Duration subscribeTimeout,
        int maxTimerCount,
        int doGetCacheSize,
        int doPostCacheSize,
        int maxDoTaskBodySize,
        Duration doGetTimeout,
        Duration doPostTimeout,
        int metricsQueueCap) {

    /** True when no external cluster is configured and the facade must start its own broker. */
    public boolean embeddedKafka() {
        return bootstrapServers == null || bootstrapServers.isBlank();
    }

    public Settings withBootstrapServers(String servers) {
        return new Settings(httpPort, httpHost, advertisedUrl, servers, dataDir, embeddedKafkaPort, topicPrefix, nodeId, groupId,
                replicationFactor, kafka, minute, defaultTimeoutMinutes, laneBufferRecords, fetchWait, commitInterval,
                maxItemBytes, basicAuthFile, authFilter, authRealm, maxQueueSize, longPollingTimeout,
                subscribeTimeout, maxTimerCount, doGetCacheSize, doPostCacheSize, maxDoTaskBodySize, doGetTimeout,
                doPostTimeout, metricsQueueCap);
    }

    /** Kafka client properties may hold passwords (SASL, TLS): never print their values. */
    @Override
    public String toString() {
        return "Settings[httpPort=" + httpPort + ", bootstrapServers=" + (embeddedKafka() ? "(embedded)" : bootstrapServers)
                + ", dataDir=" + dataDir + ", topicPrefix='" + topicPrefix + "', nodeId=" + nodeId + ", groupId="
                + groupId + ", kafka keys=" + kafka.keySet() + ", minute=" + minute + "]";
    }
}
