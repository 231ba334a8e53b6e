package io.kqf.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How long a new queue takes to serve while the lease journal is large: first {@code leases}
 * items of one queue are leased (get with ack=false, 8 connections), each a journal entry; then
 * {@code n} new queues are created one after another, each by a put, and timed until a get with a
 * wait returns its item (the new partition assigned and restored on this node). Prints the median
 * and the 90th percentile, and those of the creating put alone (topic creation, leader, meta). Usage: {@code NewQueueBench <base-url> <leases> <n>}.
 */
public final class NewQueueBench {
    private NewQueueBench() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int leases = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        try (RawHttp http = RawHttp.to(base)) {
            for (int i = 0; i < leases; i++) {
                http.get("/put?queue=journaled&item=x");
            }
        }
        AtomicInteger next = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            Thread client = new Thread(() -> {
                try (RawHttp http = RawHttp.to(base)) {
                    while (next.getAndIncrement() < leases) {
                        http.get("/get?queue=journaled&worker=bench-worker&ack=false");
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            client.start();
            clients.add(client);
        }
        for (Thread client : clients) {
            client.join();
        }
        long[] millis = new long[n];
        long[] putMillis = new long[n];
        try (RawHttp http = RawHttp.to(base)) {
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                http.get("/put?queue=fresh" + i + "&item=x");
                putMillis[i] = (System.nanoTime() - t0) / 1_000_000;
                RawHttp.Response got = http.get("/get?queue=fresh" + i + "&worker=bench-worker&wait=30");
                if (got.status() != 200) {
                    throw new IllegalStateException("queue fresh" + i + " answered " + got.status());
                }
                millis[i] = (System.nanoTime() - t0) / 1_000_000;
            }
        }
        Arrays.sort(millis);
        Arrays.sort(putMillis);
        System.out.printf("NEWQUEUE %d leases journaled, %d new queues: put to first get p50 %d ms, p90 %d ms"
                + " (of which the creating put p50 %d ms, p90 %d ms)%n",
                leases, n, millis[n / 2], millis[n * 9 / 10], putMillis[n / 2], putMillis[n * 9 / 10]);
    }
}
