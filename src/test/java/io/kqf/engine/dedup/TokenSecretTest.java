package io.kqf.engine.dedup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.kqf.kafka.KafkaClients;
import io.kqf.kafka.RecordWriter;
import io.kqf.kafka.TopicAdmin;
import io.kqf.support.TestKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/** The shared token secret, against a real broker. */
class TokenSecretTest {
    private static final int MAX_RECORD = 1024 * 1024;

    private static KafkaClients clients() {
        return new KafkaClients(TestKafka.bootstrapServers(), Map.of(), MAX_RECORD);
    }

    @Test
    void nodes_starting_at_once_on_an_empty_topic_agree_on_one_secret() throws Exception {
        KafkaClients clients = clients();
        String topic = "secrets" + System.nanoTime();
        try (TopicAdmin admin = new TopicAdmin(clients.admin("secret-test"), (short) 1, MAX_RECORD);
             KafkaProducer<byte[], byte[]> producer = clients.producer("secret-test")) {
            RecordWriter writer = new RecordWriter(producer, Runnable::run);
            ExecutorService nodes = Executors.newFixedThreadPool(2);
            CountDownLatch go = new CountDownLatch(1);
            Callable<TokenSecret> start = () -> {
                go.await();
                return TokenSecret.shared(clients, admin, writer, topic);
            };
            Future<TokenSecret> a = nodes.submit(start);
            Future<TokenSecret> b = nodes.submit(start);
            go.countDown();
            nodes.shutdown();

            byte[] secret = a.get(60, TimeUnit.SECONDS).key();
            assertArrayEquals(secret, b.get(60, TimeUnit.SECONDS).key());
            assertEquals(32, secret.length);
            assertArrayEquals(secret, TokenSecret.shared(clients, admin, writer, topic).key(), "a node started later");

            PublishTokens nodeA = new PublishTokens(a.get(), Clock.systemUTC());
            PublishTokens nodeB = new PublishTokens(b.get(), Clock.systemUTC());
            nodeB.verify(nodeA.mint("q"), "q");
        }
    }

    @Test
    void when_two_candidates_were_written_every_node_takes_the_first() throws Exception {
        KafkaClients clients = clients();
        String topic = "secrets" + System.nanoTime();
        try (TopicAdmin admin = new TopicAdmin(clients.admin("secret-test"), (short) 1, MAX_RECORD);
             KafkaProducer<byte[], byte[]> producer = clients.producer("secret-test")) {
            RecordWriter writer = new RecordWriter(producer, Runnable::run);
            admin.ensureCompacted(topic);
            byte[] first = "the first candidate, 32 bytes...".getBytes(StandardCharsets.UTF_8);
            byte[] second = "the second candidate, 32 bytes..".getBytes(StandardCharsets.UTF_8);
            writer.send(topic, (TokenSecret.KEY_PREFIX + "a").getBytes(StandardCharsets.UTF_8), first, Map.of())
                    .get(30, TimeUnit.SECONDS);
            writer.send(topic, (TokenSecret.KEY_PREFIX + "b").getBytes(StandardCharsets.UTF_8), second, Map.of())
                    .get(30, TimeUnit.SECONDS);

            assertArrayEquals(first, TokenSecret.shared(clients, admin, writer, topic).key());
        }
    }

    @Test
    void a_configured_secret_wins_over_the_topic() {
        KafkaClients clients = clients();
        String topic = "secrets" + System.nanoTime();
        try (TopicAdmin admin = new TopicAdmin(clients.admin("secret-test"), (short) 1, MAX_RECORD);
             KafkaProducer<byte[], byte[]> producer = clients.producer("secret-test")) {
            RecordWriter writer = new RecordWriter(producer, Runnable::run);
            byte[] shared = TokenSecret.of(Optional.empty(), clients, admin, writer, topic).key();

            byte[] configured = TokenSecret.of(Optional.of("operator's own secret"), clients, admin, writer, topic).key();

            assertArrayEquals("operator's own secret".getBytes(StandardCharsets.UTF_8), configured);
            assertArrayEquals(shared, TokenSecret.shared(clients, admin, writer, topic).key(), "the topic is left alone");
        }
    }
}
