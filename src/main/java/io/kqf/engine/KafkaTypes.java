package io.kqf.engine;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/** Kafka's record and partition types turned into the engine's, at the poller (the one place they meet). */
final class KafkaTypes {
    private KafkaTypes() {
    }

    static List<Message> messages(List<ConsumerRecord<byte[], byte[]>> records) {
        List<Message> messages = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            List<Message.Header> headers = List.of();
            Header[] raw = record.headers().toArray();
            if (raw.length > 0) {
                headers = new ArrayList<>(raw.length);
                for (Header header : raw) {
                    headers.add(new Message.Header(header.key(), header.value()));
                }
            }
            messages.add(new Message(record.offset(), record.timestamp(), record.key(), record.value(), headers));
        }
        return messages;
    }

    static TopicPartition partition(PartitionRef partition) {
        return new TopicPartition(partition.topic(), partition.partition());
    }

    static PartitionRef ref(TopicPartition tp) {
        return new PartitionRef(tp.topic(), tp.partition());
    }
}
