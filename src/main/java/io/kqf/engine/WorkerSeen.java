package io.kqf.engine;

/** A worker that issued a get within the last 512 s, and when it last did (Unix seconds). */
public record WorkerSeen(String worker, long lastSeen) {
}
