package io.kqf.bench;

import org.HdrHistogram.Histogram;

/**
 * evget wake latency: a client parks an evget, then another connection puts one item; the time
 * from sending the put to receiving the 307 is recorded. Raw keep-alive sockets, so the figure is
 * the facade's, not a client library's. The queue is empty before each put, so no 307 can come
 * before the put whether or not the evget was parked by then.
 *
 * <p>Usage: {@code EvgetWakeBench <base-url> [rounds]}; prints p50/p99/p99.9/max in ms.
 */
public final class EvgetWakeBench {
    private static final int WARM_UP = 100;

    private EvgetWakeBench() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        String queue = "wake" + System.nanoTime() % 100000;
        Histogram histogram = new Histogram(60_000_000_000L, 3);
        long measured = 0;
        try (RawHttp waiter = RawHttp.to(base); RawHttp producer = RawHttp.to(base)) {
            // Create the queue and give the poller its partition before measuring.
            producer.get("/put?queue=" + queue + "&item=warm");
            producer.get("/get?queue=" + queue + "&worker=bench");
            for (int i = 0; i < rounds + WARM_UP; i++) {
                waiter.send("GET", "/evget?queue=" + queue + "&worker=bench", null);
                long start = System.nanoTime();
                producer.send("GET", "/put?queue=" + queue + "&item=i" + i, null);
                RawHttp.Response released = waiter.read();
                long elapsed = System.nanoTime() - start;
                RawHttp.Response put = producer.read();
                if (released.status() != 307 || put.status() != 200) {
                    throw new IllegalStateException("round " + i + ": evget " + released.status() + " "
                            + released.headers() + ", put " + put.status() + " " + put.headers());
                }
                producer.get("/get?queue=" + queue + "&worker=bench");
                if (i >= WARM_UP) {
                    histogram.recordValue(elapsed);
                    measured += elapsed;
                }
            }
        }
        System.out.printf("evget wake (put sent -> 307 received), %d rounds: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
                rounds, ms(histogram.getValueAtPercentile(50)), ms(histogram.getValueAtPercentile(99)),
                ms(histogram.getValueAtPercentile(99.9)), ms(histogram.getMaxValue()));
        Report.print("evget-wake", rounds, measured, histogram, 0);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
