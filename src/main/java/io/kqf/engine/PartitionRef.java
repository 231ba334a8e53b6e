package io.kqf.engine;

/** One partition of a lane's topic, the engine's name for it (the Kafka layer has its own type). */
record PartitionRef(String topic, int partition) {
    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
