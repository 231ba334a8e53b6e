package io.kqf.engine.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.kqf.engine.rpc.TaskExchange.Assignment;
import io.kqf.kafka.KafkaClients;
import io.kqf.kafka.RecordWriter;
import io.kqf.kafka.TopicAdmin;
import io.kqf.support.Await;
import io.kqf.support.TestKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two nodes' exchanges on a real broker, on topics of their own, without HTTP. */
class KafkaTaskBusTest {
    private static final int MAX_RECORD = 1024 * 1024;
    private static final long WAIT_SECONDS = 30;

    private final KafkaClients clients = new KafkaClients(TestKafka.bootstrapServers(), Map.of(), MAX_RECORD);
    private final String tasks = "tasks" + System.nanoTime();
    private final String replies = "replies" + System.nanoTime();
    private KafkaProducer<byte[], byte[]> producer;
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

    @BeforeEach
    void topics() {
        try (TopicAdmin admin = new TopicAdmin(clients.admin("bus-test"), (short) 1, MAX_RECORD)) {
            KafkaTaskBus.ensureTopics(admin, tasks, replies);
        }
        producer = clients.producer("bus-test");
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
        producer.close();
    }

    private KafkaTaskBus bus() {
        return new KafkaTaskBus(clients, new RecordWriter(producer, Runnable::run), tasks, replies);
    }

    private TaskExchange node(String name) {
        TaskExchange exchange = TaskExchange.open(name, bus(), new SystemTime("test-rpc-timer-" + name),
                Clock.systemUTC(), TestNodes.LIMITS);
        open.add(exchange);
        return exchange;
    }

    @Test
    void a_worker_parked_on_one_node_serves_a_caller_on_another_through_kafka() throws Exception {
        TaskExchange a = node("a");
        TaskExchange b = node("b");
        CompletableFuture<Optional<Assignment>> worker = b.claim(() -> true);
        CompletableFuture<Optional<byte[]>> caller = a.call("fib", "10".getBytes(StandardCharsets.UTF_8), () -> true);
        Assignment task = worker.get(WAIT_SECONDS, TimeUnit.SECONDS).orElseThrow();
        assertEquals("fib", task.queue());
        assertArrayEquals("10".getBytes(StandardCharsets.UTF_8), task.body());
        b.reply(task.token(), "55".getBytes(StandardCharsets.UTF_8)).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals("55", new String(caller.get(WAIT_SECONDS, TimeUnit.SECONDS).orElseThrow(), StandardCharsets.UTF_8));
        Await.until("the task is out of a's books", () -> a.status().assigned() == 0 ? true : null);
        a.checkInvariants();
        b.checkInvariants();
    }

    @Test
    void every_message_comes_back_in_order_per_topic_and_records_of_an_unknown_kind_are_skipped() throws Exception {
        KafkaTaskBus bus = bus();
        open.add(bus);
        List<Message> seen = new CopyOnWriteArrayList<>();
        bus.open(seen::addAll);
        ProducerRecord<byte[], byte[]> fromNewerNode = new ProducerRecord<>(tasks, 0, "1".getBytes(), null);
        fromNewerNode.headers().add("kqf.kind", "SOMETHING_NEW".getBytes()).add("kqf.from", "n".getBytes());
        producer.send(fromNewerNode).get(WAIT_SECONDS, TimeUnit.SECONDS);
        bus.send(new Message(Message.Kind.OFFER, "2", "n", null, "q", "args".getBytes())).get(WAIT_SECONDS, TimeUnit.SECONDS);
        bus.send(new Message(Message.Kind.END, "2", "n", null, "q", null)).get(WAIT_SECONDS, TimeUnit.SECONDS);
        bus.send(new Message(Message.Kind.REPLY, "3", "m", "n", null, "result".getBytes())).get(WAIT_SECONDS, TimeUnit.SECONDS);
        Await.until("three messages", () -> seen.size() >= 3 ? true : null);
        assertEquals(3, seen.size());
        List<Message> offers = seen.stream().filter(m -> m.kind() != Message.Kind.REPLY).toList();
        assertEquals(List.of(Message.Kind.OFFER, Message.Kind.END), offers.stream().map(Message::kind).toList(),
                "in order (per topic: results travel apart)");
        assertEquals("q", offers.get(0).queue());
        assertArrayEquals("args".getBytes(), offers.get(0).body());
        Message reply = seen.stream().filter(m -> m.kind() == Message.Kind.REPLY).findFirst().orElseThrow();
        assertEquals("n", reply.to());
        assertArrayEquals("result".getBytes(), reply.body());
    }
}
