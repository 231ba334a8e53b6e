package io.kqf.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.HdrHistogram.Histogram;

/**
 * evget wake latency: a client parks an evget, then another connection puts one item; the time
 * from sending the put to receiving the 307 is recorded. Raw sockets and HTTP/1.1 keep-alive, so
 * the figure is the facade's, not a client library's.
 *
 * <p>Usage: {@code EvgetWakeBench <base-url> [rounds]}; prints p50/p99/p99.9/max in ms.
 */
public final class EvgetWakeBench {
    private EvgetWakeBench() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        String host = base.replaceAll("^http://", "").replaceAll(":.*", "");
        int port = Integer.parseInt(base.replaceAll(".*:", ""));
        String queue = "wake" + System.nanoTime() % 100000;
        Histogram histogram = new Histogram(60_000_000_000L, 3);
        long measured = 0;
        try (Socket waiter = new Socket(host, port); Socket producer = new Socket(host, port)) {
            waiter.setTcpNoDelay(true);
            producer.setTcpNoDelay(true);
            BufferedReader waiterIn = new BufferedReader(new InputStreamReader(waiter.getInputStream(), StandardCharsets.ISO_8859_1));
            BufferedReader producerIn = new BufferedReader(new InputStreamReader(producer.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream waiterOut = waiter.getOutputStream();
            OutputStream producerOut = producer.getOutputStream();
            // Create the queue and give the poller its partition before measuring.
            request(producerOut, producerIn, "/put?queue=" + queue + "&item=warm");
            request(producerOut, producerIn, "/get?queue=" + queue + "&worker=bench");
            for (int i = 0; i < rounds + 100; i++) {
                send(waiterOut, "/evget?queue=" + queue + "&worker=bench");
                // The queue is empty, so no 307 can come before the put, parked yet or not.
                long start = System.nanoTime();
                send(producerOut, "/put?queue=" + queue + "&item=i" + i);
                int status = readResponse(waiterIn);
                long elapsed = System.nanoTime() - start;
                readResponse(producerIn);
                if (status != 307) {
                    throw new IllegalStateException("evget answered " + status);
                }
                request(producerOut, producerIn, "/get?queue=" + queue + "&worker=bench");
                if (i >= 100) {
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

    private static void send(OutputStream out, String pathAndQuery) throws Exception {
        out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: bench\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static int request(OutputStream out, BufferedReader in, String pathAndQuery) throws Exception {
        send(out, pathAndQuery);
        return readResponse(in);
    }

    /** Reads one response (status line, headers, Content-Length body); returns the status. */
    static int readResponse(BufferedReader in) throws Exception {
        String statusLine = in.readLine();
        if (statusLine == null) {
            throw new IllegalStateException("connection closed");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        int length = 0;
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        for (int i = 0; i < length; i++) {
            in.read();
        }
        return status;
    }
}
