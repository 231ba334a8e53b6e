package io.kqf.bench;

import java.util.Map;

import io.kqf.kafka.KafkaClients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Pre-fills a queue's topic with a plain Kafka producer (as any producer may feed a queue), so get
 * scenarios measure get, not put. Usage: {@code Fill <bootstrap> <topic> <records> <bytes>}.
 */
public final class Fill {
    private Fill() {
    }

    public static void main(String[] args) throws Exception {
        KafkaClients clients = new KafkaClients(args[0], Map.of(), 1024 * 1024);
        int records = Integer.parseInt(args[2]);
        byte[] value = new byte[Integer.parseInt(args[3])];
        java.util.Arrays.fill(value, (byte) 'x');
        try (KafkaProducer<byte[], byte[]> producer = clients.producer("bench-fill")) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(args[1], value));
            }
            producer.flush();
        }
        System.out.println("FILLED " + records);
    }
}
