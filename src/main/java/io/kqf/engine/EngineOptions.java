package io.kqf.engine;

import java.time.Duration;

/**
 * What the engine needs to know about its deployment (filled in by the app from the settings).
 *
 * @param minute length of a hustmq "minute" (60 s; tests shorten it)
 */
public record EngineOptions(String topicPrefix, String nodeId, String groupId, short replicationFactor,
                            int maxItemBytes, Duration minute, int defaultTimeoutMinutes, int laneBufferRecords,
                            Duration fetchWait, WaitLimits waits) {

    /** The original's limits and timeouts of parked requests (hustmq-api.md §0.5, §5). */
    public record WaitLimits(Duration longPollingTimeout, Duration subscribeTimeout, int maxTimerCount,
                             int maxQueueSize, int doGetCacheSize, int doPostCacheSize, Duration doGetTimeout,
                             Duration doPostTimeout) {
    }

    public static final String META_TOPIC = "_kqf.meta";
    public static final String LEASES_TOPIC = "_kqf.leases";
}
