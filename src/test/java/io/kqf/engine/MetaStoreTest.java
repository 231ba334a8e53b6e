package io.kqf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.kqf.kafka.KafkaClients;
import io.kqf.kafka.RecordWriter;
import io.kqf.kafka.TopicAdmin;
import io.kqf.support.Await;
import io.kqf.support.TestKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/** The attributes store, against a real broker, without HTTP. */
class MetaStoreTest {

    private static KafkaClients clients() {
        return new KafkaClients(TestKafka.bootstrapServers(), Map.of(), 1024 * 1024);
    }

    /**
     * Regression: the tail used to hand this node's own writes to the remote-change listener when
     * it fetched them before write() returned, so a queue being created was created twice.
     */
    @Test
    void own_writes_never_reach_the_remote_change_listener_but_other_nodes_writes_do() {
        KafkaClients clients = clients();
        String prefix = "meta" + System.nanoTime() + ".";
        try (TopicAdmin admin = new TopicAdmin(clients.admin("meta-test"), (short) 1, 1024 * 1024);
             KafkaProducer<byte[], byte[]> producer = clients.producer("meta-test")) {
            admin.ensureCompacted(EngineOptions.META_TOPIC);
            List<String> seenByA = new CopyOnWriteArrayList<>();
            List<String> seenByB = new CopyOnWriteArrayList<>();
            QueueNames names = new QueueNames(prefix);
            RecordWriter writer = new RecordWriter(producer, Runnable::run);
            MetaStore a = new MetaStore(clients, writer, EngineOptions.META_TOPIC, names, "node-a");
            MetaStore b = new MetaStore(clients, writer, EngineOptions.META_TOPIC, names, "node-b");
            a.start(Duration.ofSeconds(30), (q, m) -> seenByA.add(q));
            b.start(Duration.ofSeconds(30), (q, m) -> seenByB.add(q));
            try {
                for (int i = 0; i < 200; i++) {
                    a.write("q" + i, QueueMeta.plain(5, 1, 0));
                    assertEquals(QueueMeta.plain(5, 1, 0), a.snapshot().get("q" + i), "read-your-writes");
                }
                Await.until("node b saw all 200", () -> seenByB.size() == 200 ? true : null);
                assertEquals(List.of(), seenByA, "node a was told of its own writes");
                b.write("q0", null);
                Await.until("node a sees b's delete", () -> seenByA.contains("q0") ? true : null);
                assertEquals(null, a.snapshot().get("q0"));
            } finally {
                a.close();
                b.close();
            }
        }
    }
}
