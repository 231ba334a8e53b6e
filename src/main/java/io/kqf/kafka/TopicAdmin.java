package io.kqf.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Topic creation and description, with the facade's defaults for the topics it owns. */
public final class TopicAdmin implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Admin admin;
    private final Optional<Short> replicationFactor;
    private final int maxMessageBytes;
    private final CoalescedTopicCreation creation;
    private volatile Boolean brokerLimitCovers;

    /** A data topic made sure of: its partition count, and whether this call created it (so it is empty). */
    public record Ensured(int partitions, boolean createdNow) {
    }

    /** @param replicationFactor -1 for the broker's default */
    public TopicAdmin(Admin admin, short replicationFactor, int maxMessageBytes) {
        this.admin = admin;
        this.creation = new CoalescedTopicCreation(admin, TIMEOUT);
        this.replicationFactor = replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor);
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Creates a compacted state topic if missing (one partition keeps its total order). */
    public void ensureCompacted(String topic) {
        create(topic, 1, Map.of("cleanup.policy", "compact", "min.cleanable.dirty.ratio", "0.1",
                "segment.ms", "600000", "max.message.bytes", String.valueOf(maxMessageBytes)));
    }

    /** Creates a data topic if missing; returns its partition count. */
    public int ensureData(String topic, int partitions, Map<String, String> extraConfig) {
        return ensure(topic, partitions, extraConfig).partitions();
    }

    /**
     * Creates a data topic if missing. Creation is asked for first, without describing the topic:
     * a new queue costs one request to the controller (coalesced with the others being created),
     * not two. A topic just created is not described (the broker may not list it yet): its count
     * is the one asked for. Where the client may not create topics, an existing one is still used.
     */
    public Ensured ensure(String topic, int partitions, Map<String, String> extraConfig) {
        Map<String, String> config = new java.util.HashMap<>(extraConfig);
        if (!brokersAcceptRecordsOfMaxSize()) {
            config.put("max.message.bytes", String.valueOf(maxMessageBytes));
        }
        boolean created;
        try {
            created = create(topic, partitions, config);
        } catch (KafkaUnavailable e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.AuthorizationException)) {
                throw e;
            }
            return new Ensured(partitions(topic).orElseThrow(() -> e), false);
        }
        if (created) {
            awaitLeaders(topic, partitions);
            return new Ensured(partitions, true);
        }
        return new Ensured(describeExisting(topic), false);
    }

    /**
     * Whether the brokers' own record size limit already covers the facade's, so a data topic needs
     * no config of its own. A topic created with a config makes the broker look through all its
     * logs to apply it (a fifth of the embedded broker's time while thousands of queues were
     * created, growing with every topic); without one it does not. Asked once; where the broker's
     * config cannot be read, topics carry the limit themselves.
     */
    private boolean brokersAcceptRecordsOfMaxSize() {
        Boolean known = brokerLimitCovers;
        if (known == null) {
            known = readBrokerLimit() >= maxMessageBytes;
            brokerLimitCovers = known;
        }
        return known;
    }

    private long readBrokerLimit() {
        try {
            var nodes = admin.describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (nodes.isEmpty()) {
                return -1;
            }
            var broker = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.BROKER, nodes.iterator().next().idString());
            var entry = admin.describeConfigs(List.of(broker)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(broker).get("message.max.bytes");
            return entry == null || entry.value() == null ? -1 : Long.parseLong(entry.value());
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private int describeExisting(String topic) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Optional<Integer> existing;
        while ((existing = partitions(topic)).isEmpty() && System.nanoTime() < deadline) {
            // Created concurrently by someone else and not yet visible: ask again.
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
        }
        return existing.orElseThrow(() -> new KafkaUnavailable("topic " + topic + " exists but cannot be described"));
    }

    /**
     * Waits until every partition of a topic just created serves requests on its leader. Producing
     * earlier made the idempotent producer's first batch fail with NOT_LEADER_OR_FOLLOWER and its
     * retries with OUT_OF_ORDER_SEQUENCE until the delivery timeout (seen on the embedded broker
     * under load, even after the topic's metadata listed a leader for every partition). Listing
     * offsets is answered by the partition's leader itself, so once it succeeds, so does a produce.
     */
    private void awaitLeaders(String topic, int partitions) {
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> request = new java.util.HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new org.apache.kafka.common.TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        // Listing offsets of a topic the client's metadata does not know yet logs an ERROR per try
        // (a thousand lines while 2,500 queues were created): wait until it is listed with leaders.
        while (!listedWithLeaders(topic) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
        }
        while (true) {
            try {
                admin.listOffsets(request).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.RetriableException)) {
                    throw new KafkaUnavailable("cannot reach the partitions of " + topic + ": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                // fall through to the deadline check
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaUnavailable("interrupted", e);
            }
            if (System.nanoTime() > deadline) {
                throw new KafkaUnavailable("the partitions of topic " + topic + " have no serving leader within " + TIMEOUT);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
        }
    }

    private boolean listedWithLeaders(String topic) {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            return description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.RetriableException) {
                return false; // not listed yet: the caller asks again until its deadline
            }
            throw new KafkaUnavailable("cannot describe topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailable("interrupted", e);
        }
    }

    /** Partition count of an existing topic, empty if the topic does not exist. */
    public Optional<Integer> partitions(String topic) {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            return Optional.of(description.partitions().size());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw new KafkaUnavailable("cannot describe topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaUnavailable("Kafka did not describe topic " + topic + " within " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailable("interrupted", e);
        }
    }

    /** Partition counts of the topics that exist among {@code topics}. */
    public Map<String, Integer> partitionsOf(java.util.Collection<String> topics) {
        Map<String, Integer> counts = new java.util.HashMap<>();
        if (topics.isEmpty()) {
            return counts;
        }
        admin.describeTopics(topics).topicNameValues().forEach((topic, future) -> {
            try {
                counts.put(topic, future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).partitions().size());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new KafkaUnavailable("cannot describe topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new KafkaUnavailable("Kafka did not describe topic " + topic + " within " + TIMEOUT, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaUnavailable("interrupted", e);
            }
        });
        return counts;
    }

    /** Sum of the end offsets of a topic's partitions (0 for a missing topic). */
    public long endOffsetSum(String topic, int partitions) {
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> request = new java.util.HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new org.apache.kafka.common.TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
        }
        try {
            return admin.listOffsets(request).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).values().stream()
                    .mapToLong(info -> info.offset()).sum();
        } catch (ExecutionException e) {
            throw new KafkaUnavailable("cannot read end offsets of " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaUnavailable("Kafka did not list offsets of " + topic + " within " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailable("interrupted", e);
        }
    }

    /** The next offsets group {@code groupId} committed, for those of {@code partitions} it committed. */
    public Map<org.apache.kafka.common.TopicPartition, Long> committedOffsets(String groupId,
                                                                           java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
        var spec = new org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec().topicPartitions(partitions);
        try {
            Map<org.apache.kafka.common.TopicPartition, Long> committed = new java.util.HashMap<>();
            admin.listConsumerGroupOffsets(Map.of(groupId, spec)).partitionsToOffsetAndMetadata(groupId)
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((tp, offset) -> {
                        if (offset != null) {
                            committed.put(tp, offset.offset());
                        }
                    });
            return committed;
        } catch (ExecutionException e) {
            throw new KafkaUnavailable("cannot read group " + groupId + "'s offsets: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaUnavailable("Kafka did not list group " + groupId + "'s offsets within " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailable("interrupted", e);
        }
    }

    /** True when this call created the topic, false when it existed already. */
    private boolean create(String topic, int partitions, Map<String, String> config) {
        NewTopic newTopic = new NewTopic(topic, Optional.of(partitions), replicationFactor).configs(config);
        try {
            return creation.create(newTopic).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    == CoalescedTopicCreation.Outcome.CREATED;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.InvalidTopicException
                    || e.getCause() instanceof org.apache.kafka.common.errors.PolicyViolationException) {
                throw new TopicRefused("Kafka refuses topic " + topic + ": " + e.getCause().getMessage());
            }
            throw new KafkaUnavailable("cannot create topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaUnavailable("Kafka did not create topic " + topic + " within " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailable("interrupted", e);
        }
    }

    public Admin admin() {
        return admin;
    }

    @Override
    public void close() {
        creation.close();
        admin.close(Duration.ofSeconds(5));
    }
}
