package io.kqf.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates {@code n} queues (one put each, 8 connections), then reads the node's heap after a GC.
 * Usage: {@code QueuesHeapBench <base-url> <n> <kqf-pid>}.
 */
public final class QueuesHeapBench {
    private QueuesHeapBench() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int n = Integer.parseInt(args[1]);
        long pid = Long.parseLong(args[2]);
        long before = Heap.usedMegabytesAfterGc(pid);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long start = System.nanoTime();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            Thread client = new Thread(() -> {
                try (RawHttp http = RawHttp.to(base)) {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        if (http.get("/put?queue=many" + i + "&item=x").status() != 200) {
                            failed.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
            });
            client.start();
            clients.add(client);
        }
        for (Thread client : clients) {
            client.join();
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        long after = Heap.usedMegabytesAfterGc(pid);
        System.out.printf("QUEUES %d created in %d s (%d failed): heap after GC %d MB before, %d MB after%n",
                n, seconds, failed.get(), before, after);
    }
}
