package io.kqf.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * do_get / do_post round trips: {@code workers} worker loops (claim, reply with the argument) and
 * {@code callers} callers; one operation = one do_get answered.
 * Usage: {@code RpcBench <base-url> <callers> <workers> <seconds>}.
 */
public final class RpcBench {
    private RpcBench() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int callers = Integer.parseInt(args[1]);
        int workers = Integer.parseInt(args[2]);
        long seconds = Long.parseLong(args[3]);
        List<Thread> loops = new ArrayList<>();
        long stopAt = System.nanoTime() + (ClosedLoop.WARM_UP_SECONDS + seconds + 5) * 1_000_000_000L;
        for (int w = 0; w < workers; w++) {
            Thread worker = new Thread(() -> {
                try (RawHttp http = RawHttp.to(base)) {
                    while (System.nanoTime() < stopAt) {
                        RawHttp.Response task = http.request("POST", "/do_post", new byte[0]);
                        if (task.status() == 200) {
                            http.request("POST", "/do_post?token=" + task.header("Token"), task.body());
                        }
                    }
                } catch (Exception e) {
                    // the benchmark is over
                }
            });
            worker.setDaemon(true);
            worker.start();
            loops.add(worker);
        }
        byte[] argument = "10".getBytes(StandardCharsets.US_ASCII);
        ClosedLoop.run("do_get-do_post", base, callers, seconds, (http, n) ->
                http.request("POST", "/do_get?queue=bench", argument).status() == 200);
        System.exit(0);
    }
}
