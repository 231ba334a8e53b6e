package io.kqf.bench;

import org.HdrHistogram.Histogram;

/** One benchmark result line, in the format bench/run.sh reads (latencies in microseconds). */
final class Report {
    private Report() {
    }

    static void print(String scenario, long operations, long elapsedNanos, Histogram latencyNanos, long errors) {
        System.out.printf("RESULT %s %d %d %d %d %d %d%n", scenario, operations, elapsedNanos / 1000,
                latencyNanos.getValueAtPercentile(50) / 1000, latencyNanos.getValueAtPercentile(99) / 1000,
                latencyNanos.getValueAtPercentile(99.9) / 1000, errors);
    }
}
