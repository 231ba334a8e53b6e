package io.kqf.engine;

import java.time.Clock;
import java.time.Duration;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.kqf.engine.rpc.TaskExchange;
import io.kqf.kafka.KafkaClients;
import io.kqf.kafka.RecordReader;
import io.kqf.kafka.TopicAdmin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops one node's engine: internal topics, attributes, lease journal, the poller and
 * its group membership. Start-up order matters: attributes are read to their end before the
 * poller subscribes, so every lane exists before its partition is assigned.
 */
public final class EngineRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EngineRuntime.class);
    private static final int RECORD_READERS = 4;

    private final KafkaProducer<byte[], byte[]> producer;
    private final TopicAdmin admin;
    private final MetaStore metaStore;
    private final Poller poller;
    private final QueueEngine engine;
    private final PushQueues push;
    private final LongPolls longPolls;
    private final TaskExchange tasks;
    private final RecordReader reader;
    private final ScheduledExecutorService timer;

    private EngineRuntime(KafkaProducer<byte[], byte[]> producer, TopicAdmin admin, MetaStore metaStore, Poller poller,
                          QueueEngine engine, PushQueues push, LongPolls longPolls, TaskExchange tasks,
                          RecordReader reader, ScheduledExecutorService timer) {
        this.producer = producer;
        this.admin = admin;
        this.metaStore = metaStore;
        this.poller = poller;
        this.engine = engine;
        this.push = push;
        this.longPolls = longPolls;
        this.tasks = tasks;
        this.reader = reader;
        this.timer = timer;
    }

    public static EngineRuntime start(KafkaClients clients, EngineOptions options) {
        Clock clock = Clock.systemUTC();
        TopicAdmin admin = new TopicAdmin(clients.admin("kqf-admin-" + options.nodeId()), options.replicationFactor(),
                options.maxItemBytes() + 64 * 1024);
        admin.ensureCompacted(EngineOptions.META_TOPIC);
        admin.ensureCompacted(EngineOptions.LEASES_TOPIC);
        KafkaProducer<byte[], byte[]> producer = clients.producer("kqf-" + options.nodeId());
        QueueNames names = new QueueNames(options.topicPrefix());
        LeaseJournal journal = new LeaseJournal(clients, producer, EngineOptions.LEASES_TOPIC);
        QueueRegistry[] registryRef = new QueueRegistry[1];
        LeaseTimer timer = new LeaseTimer(lease -> registryRef[0].onLeaseExpired(lease));
        MetaStore metaStore = new MetaStore(clients, producer, EngineOptions.META_TOPIC, names, options.nodeId(),
                (queue, meta) -> registryRef[0].onRemoteChange(queue, meta));
        QueueRegistry registry = new QueueRegistry(names, admin, metaStore, timer, clock,
                options.defaultTimeoutMinutes(), options.minute().toMillis());
        registryRef[0] = registry;
        metaStore.start(Duration.ofSeconds(60));
        Poller poller = new Poller(clients.groupConsumer(options.groupId(), options.nodeId(), 2000), registry, journal,
                options.laneBufferRecords());
        registry.attach(poller);
        registry.loadExisting(metaStore.snapshot());
        poller.start();
        QueueEngine engine = new QueueEngine(registry, poller, timer, journal, metaStore, producer, clock, options.fetchWait(),
                options.maxItemBytes());

        EngineOptions.WaitLimits waits = options.waits();
        ScheduledExecutorService waitTimer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "kqf-wait-timer");
            thread.setDaemon(true);
            return thread;
        });
        RecordReader reader = new RecordReader(clients, RECORD_READERS);
        PushQueues push = new PushQueues(engine, registry, producer, metaStore, reader, clock,
                new WaitList<>("evsub", waits.maxTimerCount(), waits.maxQueueSize(), new PushQueues.EvsubOutcome.TimedOut(), waitTimer),
                waits.subscribeTimeout());
        LongPolls longPolls = new LongPolls(engine, registry,
                new WaitList<>("evget", waits.maxTimerCount(), waits.maxQueueSize(), false, waitTimer),
                new WaitList<>("get", waits.maxTimerCount(), waits.maxQueueSize(), Optional.empty(), waitTimer),
                waits.longPollingTimeout());
        registry.attach(longPolls::changed);
        engine.observeGets(longPolls::onGet);
        engine.attach(push);
        TaskExchange tasks = TaskExchange.start(clients, producer, admin, options.nodeId(), clock,
                new TaskExchange.Limits(waits.doGetCacheSize(), waits.doPostCacheSize(), waits.doGetTimeout(),
                        waits.doPostTimeout()));
        log.info("queue engine started: node {}, group {}, {} queues", options.nodeId(), options.groupId(),
                registry.existing().size());
        return new EngineRuntime(producer, admin, metaStore, poller, engine, push, longPolls, tasks, reader, waitTimer);
    }

    public QueueEngine engine() {
        return engine;
    }

    public PushQueues push() {
        return push;
    }

    public LongPolls longPolls() {
        return longPolls;
    }

    public TaskExchange tasks() {
        return tasks;
    }

    /** Graceful stop: the last acks are committed; leases stay in the journal for the next start. */
    @Override
    public void close() {
        longPolls.close();
        tasks.close();
        timer.shutdownNow();
        reader.close();
        poller.close();
        metaStore.close();
        producer.close(Duration.ofSeconds(5));
        admin.close();
    }
}
