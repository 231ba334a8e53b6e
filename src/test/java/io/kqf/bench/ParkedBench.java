package io.kqf.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Parks {@code n} evgets on one node (one connection each), reads the node's heap, then puts
 * {@code n} items and counts the 307s: every parked request must be released.
 * Usage: {@code ParkedBench <base-url> <n> <kqf-pid>}.
 */
public final class ParkedBench {
    private ParkedBench() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int n = Integer.parseInt(args[1]);
        long pid = Long.parseLong(args[2]);
        String queue = "parked" + System.nanoTime() % 100000;
        long before = Heap.usedMegabytesAfterGc(pid);
        List<RawHttp> waiters = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RawHttp waiter = RawHttp.to(base);
            waiter.send("GET", "/evget?queue=" + queue + "&worker=parked" + i, null);
            waiters.add(waiter);
        }
        // Let the node accept and park them all; the release below proves they were parked.
        try (RawHttp probe = RawHttp.to(base)) {
            probe.get("/autost");
        }
        java.util.concurrent.locks.LockSupport.parkNanos(5_000_000_000L);
        long parked = Heap.usedMegabytesAfterGc(pid);
        long released = 0;
        try (RawHttp producer = RawHttp.to(base)) {
            for (int i = 0; i < n; i++) {
                producer.get("/put?queue=" + queue + "&item=i" + i);
            }
            for (RawHttp waiter : waiters) {
                if (waiter.read().status() == 307) {
                    released++;
                }
                waiter.close();
            }
        }
        System.out.printf("PARKED %d evgets: heap after GC %d MB before, %d MB with them parked (%.1f KB each); %d released by %d puts%n",
                n, before, parked, (parked - before) * 1024.0 / n, released, n);
    }
}
