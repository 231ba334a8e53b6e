package io.kqf.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.kqf.support.Await;
import io.kqf.support.TestKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The tail and the writer against a real broker. */
class TopicTailTest {
    private static final int MAX_RECORD = 1024 * 1024;

    private static KafkaClients clients() {
        return new KafkaClients(TestKafka.bootstrapServers(), Map.of(), MAX_RECORD);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String value) {
        return new ProducerRecord<>(topic, 0, null, value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void a_tail_sees_what_is_written_after_it_started_in_order_and_nothing_written_before() throws Exception {
        KafkaClients clients = clients();
        String topic = "tail" + System.nanoTime();
        try (TopicAdmin admin = new TopicAdmin(clients.admin("tail-test"), (short) 1, MAX_RECORD);
             KafkaProducer<byte[], byte[]> producer = clients.producer("tail-test")) {
            admin.ensureData(topic, 1, Map.of());
            RecordWriter writer = new RecordWriter(producer, Runnable::run);
            writer.write(record(topic, "before")).get(30, TimeUnit.SECONDS);
            List<String> seen = new CopyOnWriteArrayList<>();
            try (TopicTail tail = TopicTail.start(clients, "tail-test", List.of(new TopicPartition(topic, 0)),
                    records -> records.forEach(r -> seen.add(new String(r.value(), StandardCharsets.UTF_8))))) {
                RecordMetadata written = writer.write(record(topic, "a")).get(30, TimeUnit.SECONDS);
                assertEquals(1, written.offset(), "the writer's future carries where the record went");
                writer.write(record(topic, "b"));
                writer.write(record(topic, "c")).get(30, TimeUnit.SECONDS);
                Await.until("the tail saw a, b, c", () -> seen.size() >= 3 ? true : null);
                assertEquals(List.of("a", "b", "c"), seen);
            }
        }
    }

    @Test
    void a_handler_that_throws_loses_its_records_only_and_the_tail_goes_on() throws Exception {
        KafkaClients clients = clients();
        String topic = "tail" + System.nanoTime();
        try (TopicAdmin admin = new TopicAdmin(clients.admin("tail-test"), (short) 1, MAX_RECORD);
             KafkaProducer<byte[], byte[]> producer = clients.producer("tail-test")) {
            admin.ensureData(topic, 1, Map.of());
            RecordWriter writer = new RecordWriter(producer, Runnable::run);
            List<String> seen = new CopyOnWriteArrayList<>();
            try (TopicTail tail = TopicTail.start(clients, "tail-test", List.of(new TopicPartition(topic, 0)), records -> {
                for (var r : records) {
                    String value = new String(r.value(), StandardCharsets.UTF_8);
                    if (value.equals("poison")) {
                        throw new IllegalStateException("handler failure");
                    }
                    seen.add(value);
                }
            })) {
                writer.write(record(topic, "poison")).get(30, TimeUnit.SECONDS);
                // A record polled in the same batch as the poison is lost with it (the handler takes
                // a poll's records as one list): keep writing until one arrives in a later batch.
                Await.until("a record after the failure arrives", () -> {
                    writer.write(record(topic, "after"));
                    return seen.contains("after") ? true : null;
                });
            }
        }
    }

    @Test
    void a_write_the_producer_refuses_fails_the_future_with_kafka_unavailable_instead_of_throwing() {
        KafkaClients clients = clients();
        KafkaProducer<byte[], byte[]> producer = clients.producer("tail-test");
        producer.close();
        var written = new RecordWriter(producer, Runnable::run).write(record("any", "x"));
        CompletionException failure = assertThrows(CompletionException.class, written::join);
        assertInstanceOf(KafkaUnavailable.class, failure.getCause());
    }
}
