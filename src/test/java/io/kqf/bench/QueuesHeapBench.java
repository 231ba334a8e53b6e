package io.kqf.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates {@code n} queues (one put each, over {@code connections} connections, default 8), then
 * reads the node's heap after a GC. Usage: {@code QueuesHeapBench <base-url> <n> <kqf-pid> [connections]}.
 */
public final class QueuesHeapBench {
    private QueuesHeapBench() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int n = Integer.parseInt(args[1]);
        long pid = Long.parseLong(args[2]);
        int connections = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        long before = Heap.usedMegabytesAfterGc(pid);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long start = System.nanoTime();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread client = new Thread(() -> {
                try (RawHttp http = RawHttp.to(base)) {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        RawHttp.Response answer = http.get("/put?queue=many" + i + "&item=x");
                        if (answer.status() != 200 && failed.getAndIncrement() < 5) {
                            System.out.println("put to many" + i + ": " + answer.status() + " " + answer.header("Kqf-Error"));
                        }
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                    System.out.println("client failed: " + e);
                }
            });
            client.start();
            clients.add(client);
        }
        for (Thread client : clients) {
            client.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long after = Heap.usedMegabytesAfterGc(pid);
        // Retired producers close and the node's last announcements settle within seconds.
        Thread.sleep(20_000);
        long settled = Heap.usedMegabytesAfterGc(pid);
        System.out.printf("QUEUES %d created in %.1f s (%.0f/s) over %d connections (%d failed): heap after GC %d MB before,"
                + " %d MB right after, %d MB 20 s later%n", n, seconds, n / seconds, connections, failed.get(),
                before, after, settled);
    }
}
