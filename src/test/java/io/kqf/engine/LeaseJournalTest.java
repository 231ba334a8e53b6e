package io.kqf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.kqf.kafka.KafkaClients;
import io.kqf.kafka.KafkaUnavailable;
import io.kqf.kafka.RecordWriter;
import io.kqf.kafka.TopicAdmin;
import io.kqf.support.TestKafka;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The tailed lease journal against the real broker: what an assignment reads is what was written before it. */
class LeaseJournalTest {
    private static final int MAX_RECORD = 1024 * 1024;
    private final KafkaClients clients = new KafkaClients(TestKafka.bootstrapServers(), Map.of(), MAX_RECORD);
    private final TopicAdmin admin = new TopicAdmin(clients.admin("journal-test"), (short) 1, MAX_RECORD);
    private final KafkaProducer<byte[], byte[]> producer = clients.producer("journal-test");
    private final RecordWriter writer = new RecordWriter(producer, Runnable::run);
    private final String topic = "journal" + System.nanoTime();
    private final PartitionRef lane = new PartitionRef("q", 0);
    private final PartitionRef other = new PartitionRef("q", 1);

    @AfterEach
    void close() {
        producer.close();
        admin.close();
    }

    private void write(PartitionRef tp, long offset, String value) throws Exception {
        byte[] key = (tp.topic() + "/" + tp.partition() + "/" + offset).getBytes(StandardCharsets.UTF_8);
        writer.send(topic, key, value == null ? null : value.getBytes(StandardCharsets.UTF_8), Map.of())
                .get(30, TimeUnit.SECONDS);
    }

    private long end(LeaseJournal journal) {
        try (KafkaConsumer<byte[], byte[]> consumer = clients.readerConsumer("journal-test-end")) {
            return consumer.endOffsets(List.of(journal.partition())).get(journal.partition());
        }
    }

    @Test
    void an_assignment_reads_every_entry_written_before_it_replayed_or_tailed() throws Exception {
        admin.ensureCompacted(topic);
        write(lane, 3, "L;1000;1");
        write(lane, 9, "R;12");
        try (LeaseJournal journal = new LeaseJournal(clients, writer, topic)) {
            journal.start(Duration.ofSeconds(30));
            write(lane, 5, "L;2000;2;9000;sub-a");
            write(lane, 3, null); // tombstone: the committed offset passed it
            write(other, 1, "L;3000;1");

            Map<PartitionRef, LeaseJournal.Recovered> read = journal.recovered(List.of(lane), end(journal),
                    Duration.ofSeconds(30));
            LeaseJournal.Recovered recovered = read.get(lane);
            assertEquals(Map.of(5L, new LeaseJournal.Entry(2000, 2, 9000, "sub-a", false)), recovered.leases(),
                    "the tailed lease is there, the tombstoned one is not");
            assertTrue(recovered.acked().contains(9) && recovered.acked().contains(11) && !recovered.acked().contains(12));
            assertEquals(List.of(lane), List.copyOf(read.keySet()), "only the partitions asked for");
        }
    }

    @Test
    void an_end_the_tail_cannot_reach_fails_in_bounded_time() {
        admin.ensureCompacted(topic);
        try (LeaseJournal journal = new LeaseJournal(clients, writer, topic)) {
            journal.start(Duration.ofSeconds(30));
            assertThrows(KafkaUnavailable.class, () -> journal.recovered(List.of(lane), 1_000, Duration.ofMillis(200)));
        }
    }
}
