package io.kqf.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The cluster benchmarks of bench/cluster.sh, against nodes given by URL. Usage:
 * <ul>
 *   <li>{@code put <seconds> <connections> <queues> <url>...}: hustmq puts of 16 bytes to random queues,
 *       connections spread over the URLs (a round-robin balancer by connection);</li>
 *   <li>{@code get-ack <seconds> <connections> <queues> <url>...}: get with ack=false, then its ack;</li>
 *   <li>{@code split <seconds> <connections> <queues> <url>...}: get-ack with every request sent to the
 *       queue's own node ("direct"), then with every request sent to another node ("forwarded");</li>
 *   <li>{@code churn <seconds> <connections> <queues> <new-queues> <url>...}: get-ack on existing queues,
 *       alone, then while one client creates new queues (a put to each new name) through every node:
 *       what creating queues (each a rebalance) costs the queues already served;</li>
 *   <li>{@code failover <victim-pid> <victim-url> <queues> <url>...}: SIGKILL of the victim, then the
 *       time until every queue it served answers a get on a survivor.</li>
 * </ul>
 * One RESULT line per measurement (see {@link Report}); failover prints FAILOVER lines.
 */
public final class ClusterBench {
    private ClusterBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "put" -> put(Long.parseLong(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), urls(args, 4));
            case "get-ack" -> getAck("get-ack", Long.parseLong(args[1]), Integer.parseInt(args[2]),
                    Integer.parseInt(args[3]), urls(args, 4));
            case "split" -> split(Long.parseLong(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), urls(args, 4));
            case "churn" -> churn(Long.parseLong(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), urls(args, 5));
            case "failover" -> failover(Long.parseLong(args[1]), args[2], Integer.parseInt(args[3]), urls(args, 4));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static List<String> urls(String[] args, int from) {
        return List.copyOf(Arrays.asList(args).subList(from, args.length));
    }

    private static String queue(int queues) {
        return "cq" + ThreadLocalRandom.current().nextInt(queues);
    }

    private static void put(long seconds, int connections, int queues, List<String> urls) throws Exception {
        ClosedLoop.run("put", urls, connections, seconds,
                (http, n) -> http.get("/put?queue=" + queue(queues) + "&item=0123456789abcdef").status() == 200);
    }

    private static void getAck(String scenario, long seconds, int connections, int queues, List<String> urls)
            throws Exception {
        ClosedLoop.run(scenario, urls, connections, seconds, (http, n) -> leaseAndAck(http, queue(queues)));
    }

    private static boolean leaseAndAck(RawHttp http, String queue) throws Exception {
        RawHttp.Response got = http.get("/get?queue=" + queue + "&worker=bench-worker&ack=false");
        if (got.status() != 200) {
            return false;
        }
        return http.get("/ack?queue=" + queue + "&peer=0&token=" + got.header("Ack-Token")).status() == 200;
    }

    private static void churn(long seconds, int connections, int queues, int newQueues, List<String> urls)
            throws Exception {
        getAck("get-ack-steady", seconds, connections, queues, urls);
        java.util.concurrent.atomic.AtomicLong created = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
        long started = System.nanoTime();
        Thread creator = new Thread(() -> {
            String run = Long.toString(System.nanoTime() % 1_000_000, 36);
            try {
                for (int q = 0; q < newQueues; q++) {
                    try (RawHttp http = RawHttp.to(urls.get(q % urls.size()))) {
                        if (http.get("/put?queue=churn" + run + "_" + q + "&item=x").status() == 200) {
                            created.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    }
                }
            } catch (Exception e) {
                failed.incrementAndGet();
            }
        }, "queue-creator");
        creator.start();
        getAck("get-ack-while-creating", seconds, connections, queues, urls);
        creator.join();
        System.out.printf("CHURN created=%d failed=%d seconds=%.1f%n", created.get(), failed.get(),
                (System.nanoTime() - started) / 1e9);
    }

    /** Node id → URL, from the Kqf-Node header each node answers with. */
    private static Map<String, String> nodeIds(List<String> urls) throws Exception {
        Map<String, String> ids = new HashMap<>();
        for (String url : urls) {
            try (RawHttp http = RawHttp.to(url)) {
                ids.put(http.get("/version").header("Kqf-Node"), url);
            }
        }
        return ids;
    }

    /** Queue → the URL of the node that serves it (a stat names it in Kqf-Node, forwarded or not). */
    private static Map<String, String> owners(int queues, List<String> urls) throws Exception {
        Map<String, String> ids = nodeIds(urls);
        Map<String, String> owners = new HashMap<>();
        try (RawHttp http = RawHttp.to(urls.get(0))) {
            for (int q = 0; q < queues; q++) {
                owners.put("cq" + q, ids.get(http.get("/stat?queue=cq" + q).header("Kqf-Node")));
            }
        }
        return owners;
    }

    /**
     * Direct against forwarded, on the same queues: each client keeps to the queues one node serves,
     * and sends either to that node or to the next one.
     */
    private static void split(long seconds, int connections, int queues, List<String> urls) throws Exception {
        Map<String, String> owners = owners(queues, urls);
        for (boolean forwarded : new boolean[] {false, true}) {
            List<String> bases = new ArrayList<>();
            List<List<String>> queuesOf = new ArrayList<>();
            for (String url : urls) {
                List<String> mine = owners.entrySet().stream().filter(e -> url.equals(e.getValue())).map(Map.Entry::getKey).toList();
                if (!mine.isEmpty()) {
                    bases.add(forwarded ? urls.get((urls.indexOf(url) + 1) % urls.size()) : url);
                    queuesOf.add(mine);
                }
            }
            List<String> perClient = new ArrayList<>();
            List<List<String>> queuesPerClient = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                perClient.add(bases.get(c % bases.size()));
                queuesPerClient.add(queuesOf.get(c % bases.size()));
            }
            ThreadLocal<List<String>> myQueues = new ThreadLocal<>();
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            ClosedLoop.run(forwarded ? "get-ack-forwarded" : "get-ack-direct", perClient, connections, seconds, (http, n) -> {
                if (myQueues.get() == null) {
                    myQueues.set(queuesPerClient.get(next.getAndIncrement() % queuesPerClient.size()));
                }
                List<String> mine = myQueues.get();
                return leaseAndAck(http, mine.get(ThreadLocalRandom.current().nextInt(mine.size())));
            });
        }
    }

    private static void failover(long victimPid, String victimUrl, int queues, List<String> urls) throws Exception {
        Map<String, String> owners = owners(queues, urls);
        List<String> victims = owners.entrySet().stream().filter(e -> victimUrl.equals(e.getValue())).map(Map.Entry::getKey)
                .sorted().toList();
        List<String> survivors = urls.stream().filter(u -> !u.equals(victimUrl)).toList();
        try (RawHttp http = RawHttp.to(survivors.get(0))) {
            for (String queue : victims) {
                for (int i = 0; i < 3; i++) {
                    http.get("/put?queue=" + queue + "&item=" + "failover-" + i);
                }
            }
        }
        ProcessHandle victim = ProcessHandle.of(victimPid).orElseThrow();
        long killed = System.nanoTime();
        victim.destroyForcibly();
        Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        long firstServed = -1;
        List<String> waiting = new ArrayList<>(victims);
        try (RawHttp http = RawHttp.to(survivors.get(0))) {
            while (!waiting.isEmpty()) {
                String queue = waiting.get(0);
                RawHttp.Response got = http.get("/get?queue=" + queue + "&worker=failover");
                statuses.merge(got.status(), 1, Integer::sum);
                if (got.status() == 200) {
                    waiting.remove(0);
                    if (firstServed < 0) {
                        firstServed = System.nanoTime() - killed;
                    }
                } else {
                    waiting.add(waiting.remove(0));
                }
            }
        }
        long allServed = System.nanoTime() - killed;
        System.out.printf("FAILOVER queues=%d first_ms=%d all_ms=%d statuses=%s%n", victims.size(),
                firstServed / 1_000_000, allServed / 1_000_000, statuses.toString().replace(' ', ','));
    }
}
