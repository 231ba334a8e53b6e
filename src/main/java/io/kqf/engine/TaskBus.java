package io.kqf.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.kqf.kafka.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How RPC tasks cross nodes: messages in {@code _kqf.tasks} (task offers and their claims) and
 * {@code _kqf.replies} (results), tailed by every node from the moment it starts. Key = task
 * token; kind, node and queue in headers; the value is the task's arguments or its result.
 */
final class TaskBus implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TaskBus.class);
    static final String TASKS_TOPIC = "_kqf.tasks";
    static final String REPLIES_TOPIC = "_kqf.replies";

    /** The protocol: the node where a task was created (its origin) decides who gets it. */
    enum Kind {
        /** origin → all: a task nobody here could take. */
        OFFER,
        /** claimer → origin: I have a parked worker for it. */
        CLAIM,
        /** origin → claimer: it is yours. */
        GRANT,
        /** origin → claimer: too late. */
        DENY,
        /** origin → all: the task is taken, answered or gone; forget it. */
        END,
        /** worker's node → origin: the result. */
        REPLY
    }

    /** @param to the node a message is meant for, null for all */
    record Message(Kind kind, String token, String from, String to, String queue, byte[] body) {
    }

    private final KafkaClients clients;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Consumer<Message> onMessage;
    private volatile boolean running = true;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread tail;

    TaskBus(KafkaClients clients, KafkaProducer<byte[], byte[]> producer, Consumer<Message> onMessage) {
        this.clients = clients;
        this.producer = producer;
        this.onMessage = onMessage;
    }

    void start() {
        consumer = clients.readerConsumer("kqf-task-bus");
        List<TopicPartition> tps = List.of(new TopicPartition(TASKS_TOPIC, 0), new TopicPartition(REPLIES_TOPIC, 0));
        consumer.assign(tps);
        consumer.seekToEnd(tps);
        tps.forEach(consumer::position);
        tail = new Thread(this::tail, "kqf-task-bus");
        tail.setDaemon(true);
        tail.start();
    }

    private void tail() {
        while (running) {
            try {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    Message message = decode(record);
                    if (message != null) {
                        onMessage.accept(message);
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("task bus message failed: {}", e.toString());
            }
        }
    }

    CompletableFuture<Void> send(Message message) {
        String topic = message.kind() == Kind.REPLY ? REPLIES_TOPIC : TASKS_TOPIC;
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, 0,
                message.token().getBytes(StandardCharsets.UTF_8), message.body());
        record.headers().add("kqf.kind", message.kind().name().getBytes(StandardCharsets.UTF_8));
        record.headers().add("kqf.from", message.from().getBytes(StandardCharsets.UTF_8));
        if (message.to() != null) {
            record.headers().add("kqf.to", message.to().getBytes(StandardCharsets.UTF_8));
        }
        if (message.queue() != null) {
            record.headers().add("kqf.queue", message.queue().getBytes(StandardCharsets.UTF_8));
        }
        CompletableFuture<Void> sent = new CompletableFuture<>();
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                sent.completeExceptionally(EngineException.unavailable("task bus write failed: " + error.getMessage()));
            } else {
                sent.complete(null);
            }
        });
        return sent;
    }

    private static Message decode(ConsumerRecord<byte[], byte[]> record) {
        String kind = header(record, "kqf.kind");
        String from = header(record, "kqf.from");
        if (kind == null || from == null || record.key() == null) {
            return null;
        }
        try {
            return new Message(Kind.valueOf(kind), new String(record.key(), StandardCharsets.UTF_8), from,
                    header(record, "kqf.to"), header(record, "kqf.queue"), record.value());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
            try {
                tail.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            consumer.close(Duration.ofSeconds(1));
        }
    }
}
