package io.kqf.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ScheduledExecutorService;

import io.kqf.engine.rpc.TaskExchange;
import io.kqf.kafka.KafkaClients;
import io.kqf.kafka.RecordReader;
import io.kqf.kafka.RecordWriter;
import io.kqf.kafka.TopicAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds, starts and stops one node's engine. Objects are built bottom-up, each from the ones it
 * uses, so nothing is attached afterwards. Start-up order matters: attributes are read to their
 * end before the poller subscribes, so every lane exists before its partition is assigned.
 */
public final class EngineRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EngineRuntime.class);
    private static final int RECORD_READERS = 4;
    /** Idempotent-publish claims of every node (engine.dedup), kept for the dedup window. */
    static final String DEDUP_TOPIC = "_kqf.dedup";
    /** The secret every node signs publish tokens with (engine.dedup.TokenSecret). */
    static final String SECRETS_TOPIC = "_kqf.secrets";
    /** REST subscriptions, so they outlive their node's crash (engine.subscribe.SubscriptionLog). */
    static final String SUBSCRIPTIONS_TOPIC = "_kqf.subscriptions";
    /** Every node's announcement: URL, lanes served, ready counts (NodeDirectory). */
    static final String NODES_TOPIC = "_kqf.nodes";
    /** Longest a request for a queue this node does not know waits to hear of it from the others. */
    private static final Duration ATTRIBUTES_CATCH_UP = Duration.ofSeconds(2);
    /** Threads that complete engine futures (and so run what callers chained to them). */
    private static final int COMPLETION_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final RecordWriter writer;
    private final TopicAdmin admin;
    private final MetaStore metaStore;
    private final Poller poller;
    private final QueueEngine engine;
    private final PushQueues push;
    private final LongPolls longPolls;
    private final TaskExchange tasks;
    private final QueueBrowser browser;
    private final QueueEvents events;
    private final io.kqf.engine.dedup.DedupRegistry dedup;
    private final SelectorViews views;
    private final io.kqf.engine.dedup.PublishTokens tokens;
    private final io.kqf.engine.subscribe.SubscriptionLog subscriptionLog;
    private final KeyedPublishLocator locator;
    private final NodeDirectory nodes;
    private final Placement placement;
    private final String nodeId;
    private final Duration fetchWait;
    private final RecordReader reader;
    private final ScheduledExecutorService waitTimer;
    private final ExecutorService completions;

    private EngineRuntime(RecordWriter writer, TopicAdmin admin, MetaStore metaStore, Poller poller,
                          QueueEngine engine, PushQueues push, LongPolls longPolls, TaskExchange tasks,
                          QueueBrowser browser, QueueEvents events, io.kqf.engine.dedup.DedupRegistry dedup,
                          io.kqf.engine.dedup.PublishTokens tokens, SelectorViews views,
                          io.kqf.engine.subscribe.SubscriptionLog subscriptionLog, KeyedPublishLocator locator,
                          NodeDirectory nodes, Placement placement, RecordReader reader,
                          ScheduledExecutorService waitTimer, ExecutorService completions, String nodeId,
                          Duration fetchWait) {
        this.placement = placement;
        this.nodeId = nodeId;
        this.fetchWait = fetchWait;
        this.nodes = nodes;
        this.subscriptionLog = subscriptionLog;
        this.locator = locator;
        this.browser = browser;
        this.events = events;
        this.dedup = dedup;
        this.views = views;
        this.tokens = tokens;
        this.completions = completions;
        this.writer = writer;
        this.admin = admin;
        this.metaStore = metaStore;
        this.poller = poller;
        this.engine = engine;
        this.push = push;
        this.longPolls = longPolls;
        this.tasks = tasks;
        this.reader = reader;
        this.waitTimer = waitTimer;
    }

    /** @param clock the time leases, TTLs and creation times are read from (tests drive it) */
    public static EngineRuntime start(KafkaClients clients, EngineOptions options, Clock clock) {
        TopicAdmin admin = new TopicAdmin(clients.admin("kqf-admin-" + options.nodeId()), options.replicationFactor(),
                options.maxItemBytes() + 64 * 1024);
        admin.ensureCompacted(EngineOptions.META_TOPIC);
        admin.ensureCompacted(EngineOptions.LEASES_TOPIC);
        ExecutorService completions = Executors.newFixedThreadPool(COMPLETION_THREADS, daemon("kqf-complete"));
        RecordWriter writer = new RecordWriter(() -> clients.producer("kqf-" + options.nodeId()), completions);
        QueueNames names = new QueueNames(options.topicPrefix());
        ItemLimit itemLimit = new ItemLimit(options.maxItemBytes());
        long waitNanos = options.fetchWait().toNanos();

        QueueEvents events = new QueueEvents();
        LeaseJournal journal = new LeaseJournal(clients, writer, EngineOptions.LEASES_TOPIC);
        journal.start(Duration.ofSeconds(60));
        Leases leases = new Leases(journal, clock);
        Ownership ownership = new Ownership();
        MetaStore metaStore = new MetaStore(clients, writer, EngineOptions.META_TOPIC, names, options.nodeId());
        Poller poller = new Poller(clients.groupConsumer(options.groupId(), options.nodeId(), 2000), journal,
                options.laneBufferRecords(), options.commitLinger(), completions);
        QueueRegistry registry = new QueueRegistry(names, admin, metaStore, poller, leases, events, clock,
                options.defaultTimeoutMinutes(), options.minute().toMillis());
        metaStore.start(Duration.ofSeconds(60), registry::onRemoteChange);
        registry.loadExisting(metaStore.snapshot());
        poller.start(registry);
        NodeDirectory nodes = NodeDirectory.start(clients, admin, writer, NODES_TOPIC, options.nodeId(), options.groupId(),
                registry, clock, Duration.ofSeconds(60), poller::assignmentChanges);

        EngineOptions.WaitLimits waits = options.waits();
        ScheduledExecutorService waitTimer = Executors.newSingleThreadScheduledExecutor(daemon("kqf-wait-timer"));
        RecordReader reader = new RecordReader(clients, RECORD_READERS);
        RemoteWrites remoteWrites = new RemoteWrites(reader, nodes::othersLive, metaStore);
        // Applies what other nodes wrote to the attributes so far; a lone node has nothing to wait for.
        Runnable attributesCatchUp = () -> {
            if (nodes.othersLive()) {
                metaStore.catchUp(reader, ATTRIBUTES_CATCH_UP);
            }
        };
        PushQueues push = new PushQueues(itemLimit, registry, writer, metaStore, reader, clock,
                new WaitList<>("evsub", waits.maxTimerCount(), waits.maxQueueSize(), new PushQueues.EvsubOutcome.TimedOut(), waitTimer),
                waits.subscribeTimeout(), completions, nodes::membership);
        Purger purger = new Purger(poller, leases, ownership, metaStore, waitNanos);
        StatReader stats = new StatReader(registry, ownership, push, waitNanos, remoteWrites);
        QueueEngine engine = new QueueEngine(registry, poller, leases, ownership, metaStore, writer, events, purger, stats,
                clock, options.fetchWait(), itemLimit, options.priorities(), remoteWrites, attributesCatchUp);
        LongPolls longPolls = new LongPolls(engine, registry, events,
                new WaitList<>("evget", waits.maxTimerCount(), waits.maxQueueSize(), false, waitTimer),
                new WaitList<>("get", waits.maxTimerCount(), waits.maxQueueSize(), Optional.empty(), waitTimer),
                waits.longPollingTimeout());
        TaskExchange tasks = TaskExchange.start(clients, writer, admin, options.nodeId(), clock,
                new TaskExchange.Limits(waits.doGetCacheSize(), waits.doPostCacheSize(), waits.doGetTimeout(),
                        waits.doPostTimeout()));
        QueueBrowser browser = new QueueBrowser(registry, ownership, reader, waitNanos, clock);
        KeyedPublishLocator locator = new KeyedPublishLocator(registry, reader,
                Executors.newFixedThreadPool(2, daemon("kqf-dedup-locate")));
        io.kqf.engine.dedup.DedupRegistry dedup = new io.kqf.engine.dedup.DedupRegistry(clients, admin, writer,
                DEDUP_TOPIC, clock, io.kqf.engine.dedup.DedupRegistry.DEFAULT_WINDOW,
                io.kqf.engine.dedup.DedupRegistry.DEFAULT_MAXIMUM_SIZE,
                io.kqf.engine.dedup.DedupRegistry.DEFAULT_MAXIMUM_KEYS, locator);
        dedup.start(Duration.ofSeconds(60));
        io.kqf.engine.dedup.PublishTokens tokens = new io.kqf.engine.dedup.PublishTokens(
                io.kqf.engine.dedup.TokenSecret.shared(clients, admin, writer, SECRETS_TOPIC),
                io.kqf.engine.dedup.DedupRegistry.DEFAULT_WINDOW, clock);
        SelectorViews views = new SelectorViews(engine, registry, clients, admin, reader, options.groupId());
        io.kqf.engine.subscribe.SubscriptionLog subscriptionLog = io.kqf.engine.subscribe.SubscriptionLog.open(
                clients, admin, writer, SUBSCRIPTIONS_TOPIC, reader);
        log.info("queue engine started: node {}, group {}, {} queues", options.nodeId(), options.groupId(),
                registry.existing().size());
        return new EngineRuntime(writer, admin, metaStore, poller, engine, push, longPolls, tasks, browser, events,
                dedup, tokens, views, subscriptionLog, locator, nodes, new Placement(registry, nodes, attributesCatchUp),
                reader, waitTimer,
                completions, options.nodeId(), options.fetchWait());
    }

    private static ThreadFactory daemon(String name) {
        return DaemonThreads.named(name);
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

    /** Which (queue, idempotency key) pairs were published within the window, and where. */
    public io.kqf.engine.dedup.DedupRegistry dedup() {
        return dedup;
    }

    /** Mints and verifies the signed tokens of the double-request publish (any node verifies any node's). */
    public io.kqf.engine.dedup.PublishTokens tokens() {
        return tokens;
    }

    /** The selector views of queues (each distinct selector's own position and leases). */
    public SelectorViews views() {
        return views;
    }

    /** Finds a message by the idempotency key it carries (what the dedup registry asks after a crash). */
    public io.kqf.engine.dedup.PublishLocator publishLocator() {
        return locator;
    }

    /** Where REST subscriptions are kept across restarts. */
    public io.kqf.engine.subscribe.SubscriptionLog subscriptionLog() {
        return subscriptionLog;
    }

    public QueueBrowser browser() {
        return browser;
    }

    /**
     * Tells {@code listener} the name of every queue that may have become deliverable. Called on
     * engine threads, often under a queue's monitor: it must be cheap and must not call the engine.
     */
    public void onQueueChanged(java.util.function.Consumer<String> listener) {
        events.listen(new QueueEvents.Listener() {
            @Override
            public void changed(String queue) {
                listener.accept(queue);
            }

            @Override
            public void gotten(String queue) {
            }
        });
    }

    /** The pool engine futures complete on; front ends may run short follow-up work there. */
    public java.util.concurrent.Executor completions() {
        return completions;
    }

    public TaskExchange tasks() {
        return tasks;
    }

    /** Starts announcing this node in {@code _kqf.nodes}, reachable at {@code baseUrl} (once HTTP serves). */
    public void advertise(String baseUrl) {
        nodes.advertise(baseUrl, tasks.tokenPrefix());
    }

    /**
     * Where {@code queueName} is served now; while its lanes are between owners, waits for one up
     * to the engine's fetch wait (then {@link QueuePlace#MOVING}).
     */
    public QueuePlace placeOf(String queueName) {
        return placement.await(queueName, System.nanoTime() + fetchWait.toNanos());
    }

    /** Where {@code queueName} is served now, without waiting. */
    public QueuePlace placeNow(String queueName) {
        return placement.of(queueName);
    }

    /** The other node that issued RPC task token {@code token} (its caller waits there); null: this node, or none known. */
    public String issuerOfTask(String token) {
        return token == null ? null : nodes.issuerOf(token).map(NodeAnnouncement::node).orElse(null);
    }

    /**
     * Where push queue {@code queueName} is served: one home node per queue among the live ones,
     * so its pubs and the evsubs they wake meet, and its window has one writer.
     */
    public QueuePlace pushHomeOf(String queueName) {
        return placement.pushHomeOf(queueName);
    }

    /** {@link #placeNow} from what this node knows already (a queue it has not heard of is here). For sweeps. */
    public QueuePlace placeKnown(String queueName) {
        return placement.of(queueName, false);
    }

    /** stat_all's part of this node: the queues it serves (all of them on a lone node). */
    public java.util.List<QueueStat> statServedHere() {
        return engine.statAll(queue -> placement.of(queue, false) instanceof QueuePlace.Here);
    }

    /**
     * How many times this node stopped serving one of {@code queueName}'s lanes after it had
     * served it: each is a pause of the queue while the lane moves. 0 for a queue unknown here.
     */
    public int laneReleases(String queueName) {
        return placement.releasesHere(queueName);
    }

    /**
     * Why this node cannot serve now, or null when it can: Kafka must answer (a cluster
     * description within 2 s). The engine itself caught up on its state before HTTP started.
     */
    public String notReadyReason() {
        try {
            int brokers = admin.admin().describeCluster(new org.apache.kafka.clients.admin.DescribeClusterOptions()
                    .timeoutMs(2000)).nodes().get(2, java.util.concurrent.TimeUnit.SECONDS).size();
            return brokers == 0 ? "Kafka lists no broker" : null;
        } catch (java.util.concurrent.ExecutionException e) {
            return "Kafka is not reachable: " + e.getCause().getMessage();
        } catch (java.util.concurrent.TimeoutException e) {
            return "Kafka did not answer within 2 s";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** This node's id (what a forwarded request names as its sender). */
    public String nodeId() {
        return nodeId;
    }

    /** The directory itself (package: the engine's forwarding seam, and tests). */
    NodeDirectory nodes() {
        return nodes;
    }

    /** The nodes of this cluster (consumer group) that announced themselves lately: node id → URL, this one included. */
    public Map<String, String> liveNodes() {
        Map<String, String> live = new java.util.LinkedHashMap<>();
        nodes.live().forEach(n -> live.put(n.node(), n.url()));
        return live;
    }

    /**
     * First step of a graceful stop, while HTTP still runs: every parked request (evget, get with
     * wait, evsub, do_get, do_post) gets the answer its timeout would give.
     */
    public void timeOutParked() {
        longPolls.timeOutAll();
        push.timeOutParked();
        tasks.timeOutAll();
    }

    /** Graceful stop: the last acks are committed; leases stay in the journal for the next start. */
    @Override
    public void close() {
        nodes.close();
        views.close();
        subscriptionLog.close();
        longPolls.close();
        tasks.close();
        dedup.close();
        locator.close();
        waitTimer.shutdownNow();
        reader.close();
        poller.close();
        metaStore.close();
        writer.close();
        completions.shutdown();
        admin.close();
    }
}
