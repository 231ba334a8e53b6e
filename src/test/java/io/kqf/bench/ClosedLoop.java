package io.kqf.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Runs {@code connections} clients in a closed loop for a fixed time and reports one result line.
 * The first {@link #WARM_UP_SECONDS} are not recorded (JIT, connections), like bench/run.sh's wrk
 * scenarios.
 */
final class ClosedLoop {
    static final long WARM_UP_SECONDS = 3;

    /** One operation of one client; returns false when it failed (counted as an error). */
    interface Operation {
        boolean run(RawHttp http, long sequence) throws Exception;
    }

    private ClosedLoop() {
    }

    static void run(String scenario, String base, int connections, long seconds, Operation operation) throws Exception {
        run(scenario, List.of(base), connections, seconds, operation);
    }

    /** As above, client {@code c} talking to {@code bases[c % bases.size()]} (a round-robin balancer by connection). */
    static void run(String scenario, List<String> bases, int connections, long seconds, Operation operation)
            throws Exception {
        Histogram latency = new ConcurrentHistogram(60_000_000_000L, 3);
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime() + WARM_UP_SECONDS * 1_000_000_000L;
        long end = start + seconds * 1_000_000_000L;
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            String base = bases.get(c % bases.size());
            Thread client = new Thread(() -> {
                try (RawHttp http = RawHttp.to(base)) {
                    long sequence = 0;
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        boolean ok = operation.run(http, sequence++);
                        if (t0 < start) {
                            continue; // warm-up
                        }
                        latency.recordValue(System.nanoTime() - t0);
                        done.incrementAndGet();
                        if (!ok) {
                            errors.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                }
            });
            client.start();
            clients.add(client);
        }
        for (Thread client : clients) {
            client.join();
        }
        Report.print(scenario, done.get(), System.nanoTime() - start, latency, errors.get());
    }
}
