package io.kqf.bench;

/**
 * get with ack=false, then ack of its token: one operation = the pair. The queue is filled first.
 * Usage: {@code LeaseAckBench <base-url> <queue> <connections> <seconds>}.
 */
public final class LeaseAckBench {
    private LeaseAckBench() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String queue = args[1];
        ClosedLoop.run("get-lease+ack", base, Integer.parseInt(args[2]), Long.parseLong(args[3]), (http, n) -> {
            RawHttp.Response got = http.get("/get?queue=" + queue + "&worker=bench-worker&ack=false");
            if (got.status() != 200) {
                return false;
            }
            return http.get("/ack?queue=" + queue + "&peer=0&token=" + got.header("Ack-Token")).status() == 200;
        });
    }
}
