package io.kqf.engine.rpc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.kqf.engine.rpc.Message.Kind;
import io.kqf.kafka.KafkaClients;
import io.kqf.kafka.RecordWriter;
import io.kqf.kafka.TopicAdmin;
import io.kqf.kafka.TopicTail;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Task messages in Kafka: {@code _kqf.tasks} (offers, claims and their answers) and
 * {@code _kqf.replies} (results, which may be large), one partition each, tailed by every node
 * from the moment it starts. Key = task token; kind, nodes and queue in headers; the value is the
 * task's arguments or its result. Records of an unknown kind (a newer node's) are skipped.
 */
final class KafkaTaskBus implements TaskBus {
    static final String TASKS_TOPIC = "_kqf.tasks";
    static final String REPLIES_TOPIC = "_kqf.replies";
    /** RPC messages matter for do_get_timeout at most (minutes): keep an hour. */
    private static final Map<String, String> TRANSIENT_TOPIC_CONFIG = Map.of("retention.ms", String.valueOf(3600 * 1000));
    private static final String KIND = "kqf.kind";
    private static final String FROM = "kqf.from";
    private static final String TO = "kqf.to";
    private static final String QUEUE = "kqf.queue";

    private final KafkaClients clients;
    private final RecordWriter writer;
    private final String tasksTopic;
    private final String repliesTopic;
    private TopicTail tail;

    KafkaTaskBus(KafkaClients clients, RecordWriter writer) {
        this(clients, writer, TASKS_TOPIC, REPLIES_TOPIC);
    }

    /** On other topics than every node's (tests that must not meet other nodes). */
    KafkaTaskBus(KafkaClients clients, RecordWriter writer, String tasksTopic, String repliesTopic) {
        this.clients = clients;
        this.writer = writer;
        this.tasksTopic = tasksTopic;
        this.repliesTopic = repliesTopic;
    }

    static void ensureTopics(TopicAdmin admin) {
        ensureTopics(admin, TASKS_TOPIC, REPLIES_TOPIC);
    }

    static void ensureTopics(TopicAdmin admin, String tasksTopic, String repliesTopic) {
        admin.ensureData(tasksTopic, 1, TRANSIENT_TOPIC_CONFIG);
        admin.ensureData(repliesTopic, 1, TRANSIENT_TOPIC_CONFIG);
    }

    @Override
    public void open(Consumer<List<Message>> handler) {
        tail = TopicTail.start(clients, "kqf-task-bus",
                List.of(new TopicPartition(tasksTopic, 0), new TopicPartition(repliesTopic, 0)), records -> {
                    List<Message> messages = new ArrayList<>(records.size());
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        Message message = decode(record);
                        if (message != null) {
                            messages.add(message);
                        }
                    }
                    if (!messages.isEmpty()) {
                        handler.accept(messages);
                    }
                });
    }

    @Override
    public CompletableFuture<Void> send(Message message) {
        String topic = message.kind() == Kind.REPLY ? repliesTopic : tasksTopic;
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, 0,
                message.token().getBytes(StandardCharsets.UTF_8), message.body());
        record.headers().add(KIND, bytes(message.kind().name()));
        record.headers().add(FROM, bytes(message.from()));
        if (message.to() != null) {
            record.headers().add(TO, bytes(message.to()));
        }
        if (message.queue() != null) {
            record.headers().add(QUEUE, bytes(message.queue()));
        }
        return writer.write(record).thenApply(metadata -> null);
    }

    private static Message decode(ConsumerRecord<byte[], byte[]> record) {
        String kind = header(record, KIND);
        String from = header(record, FROM);
        if (kind == null || from == null || record.key() == null) {
            return null;
        }
        try {
            return new Message(Kind.valueOf(kind), new String(record.key(), StandardCharsets.UTF_8), from,
                    header(record, TO), header(record, QUEUE), record.value());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (tail != null) {
            tail.close();
        }
    }
}
