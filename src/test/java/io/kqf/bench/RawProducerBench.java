package io.kqf.bench;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.kqf.kafka.KafkaClients;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The raw-producer reference: the facade's own producer settings (acks=all, idempotent), sending
 * as fast as the broker acknowledges, {@code inflight} records outstanding at most, after
 * {@link ClosedLoop#WARM_UP_SECONDS} of the same, not recorded.
 *
 * <p>Usage: {@code RawProducerBench <bootstrap> <bytes> <seconds> <inflight>}.
 */
public final class RawProducerBench {
    private RawProducerBench() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int bytes = Integer.parseInt(args[1]);
        long seconds = Long.parseLong(args[2]);
        int inflight = Integer.parseInt(args[3]);
        KafkaClients clients = new KafkaClients(bootstrap, Map.of(), 1024 * 1024);
        String topic = "bench-raw-" + bytes + "-" + System.nanoTime();
        try (var admin = clients.admin("bench")) {
            admin.createTopics(java.util.List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        byte[] value = new byte[bytes];
        java.util.Arrays.fill(value, (byte) 'x');
        Histogram latency = new ConcurrentHistogram(60_000_000_000L, 3);
        AtomicLong errors = new AtomicLong();
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(inflight);
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = clients.producer("bench-raw")) {
            long warmUpEnd = System.nanoTime() + ClosedLoop.WARM_UP_SECONDS * 1_000_000_000L;
            while (System.nanoTime() < warmUpEnd) {
                window.acquire();
                producer.send(new ProducerRecord<>(topic, value), (metadata, error) -> window.release());
            }
            producer.flush();
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                window.acquire();
                long sentAt = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, value), (metadata, error) -> {
                    latency.recordValue(System.nanoTime() - sentAt);
                    if (error != null) {
                        errors.incrementAndGet();
                    }
                    window.release();
                });
                sent++;
            }
            producer.flush();
            Report.print("raw-producer-" + bytes + "B", sent, System.nanoTime() - start, latency, errors.get());
        }
    }
}
