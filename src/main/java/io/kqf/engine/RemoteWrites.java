package io.kqf.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import io.kqf.kafka.KafkaUnavailable;
import io.kqf.kafka.RecordReader;
import org.apache.kafka.common.TopicPartition;

/**
 * Read-your-writes across nodes. A put served by another node reaches this node's lanes only
 * when the poller fetches it, a few milliseconds after the client saw its 200; a lone node knows
 * its own puts at once ({@link Lane#noteProduced}). So before a queue served here answers "empty"
 * (or counts its ready records) while other nodes are live, it reads its lanes' end offsets from
 * Kafka: a record acknowledged before the request is then known, and the delivery waits for its
 * fetch as it would for a local put. One request to the brokers, and only while others are live.
 */
final class RemoteWrites {
    private static final java.time.Duration ATTRIBUTES_WAIT = java.time.Duration.ofSeconds(2);

    private final RecordReader reader;
    private final BooleanSupplier othersLive;
    private final MetaStore attributes;

    RemoteWrites(RecordReader reader, BooleanSupplier othersLive, MetaStore attributes) {
        this.reader = reader;
        this.othersLive = othersLive;
        this.attributes = attributes;
    }

    /**
     * Notes the records of {@code queue}'s lanes served here that this node did not know of. True
     * when the ends were read: the caller looks again, since a record may also have been fetched
     * by the poller since it looked (a 2-node test caught a get answering "empty" that way: the
     * poller fetched the record between the empty look and this read, so nothing looked new here).
     */
    boolean catchUp(QueueState queue) {
        if (!othersLive.getAsBoolean()) {
            return false;
        }
        List<Lane> lanes = new ArrayList<>();
        int known = 0;
        for (Lane lane : queue.allLanes()) {
            known++;
            if (lane.loaded()) {
                lanes.add(lane);
            }
        }
        if (lanes.isEmpty()) {
            return false;
        }
        // The attributes' end too, in the same request: another node's put may have opened a lane.
        List<TopicPartition> asked = new ArrayList<>(lanes.stream().map(lane -> KafkaTypes.partition(lane.tp)).toList());
        asked.add(attributes.partition());
        Map<TopicPartition, Long> ends;
        try {
            ends = reader.endOffsets(asked);
        } catch (KafkaUnavailable e) {
            return true; // look again at what is known, and answer from it as a lone node would
        }
        attributes.awaitApplied(ends.getOrDefault(attributes.partition(), 0L), ATTRIBUTES_WAIT);
        boolean grew = queue.allLanes().size() > known;
        synchronized (queue) {
            for (Lane lane : lanes) {
                Long end = ends.get(KafkaTypes.partition(lane.tp));
                if (lane.loaded() && end != null && end > lane.end()) {
                    lane.noteProduced(end - 1);
                    grew = true;
                }
            }
            if (grew) {
                queue.changed();
            }
        }
        return true;
    }
}
