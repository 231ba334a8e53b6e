package io.kqf.engine;

import java.time.Duration;

/**
 * What the engine needs to know about its deployment (filled in by the app from the settings).
 *
 * @param minute       unit of queue lease timeouts (60 s; tests shorten it)
 * @param priorities   priority lanes per queue (hustmq: 3, priorities 0..2)
 * @param commitLinger extra time acks are gathered before one offset commit
 */
public record EngineOptions(String topicPrefix, String nodeId, String groupId, short replicationFactor,
                            int maxItemBytes, Duration minute, int defaultTimeoutMinutes, int laneBufferRecords,
                            Duration fetchWait, Duration commitLinger, int priorities, WaitLimits waits) {

    /** Limits and timeouts of parked requests (hustmq-api.md §0.5, §5 names them). */
    public record WaitLimits(Duration longPollingTimeout, Duration subscribeTimeout, int maxTimerCount,
                             int maxQueueSize, int doGetCacheSize, int doPostCacheSize, Duration doGetTimeout,
                             Duration doPostTimeout) {
    }

    public static final String META_TOPIC = "_kqf.meta";
    public static final String LEASES_TOPIC = "_kqf.leases";
}
