package io.kqf.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.kqf.support.Await;
import io.kqf.support.ChildFacade;
import io.kqf.support.Http;
import io.kqf.support.Http.Response;
import io.kqf.support.TestFacade;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three nodes as their own processes on the test broker, under load from clients that spread
 * their requests over every live node (as a balancer with health checks does). One is killed with
 * SIGKILL: the survivors take its queues and leases over, every acknowledged put is delivered,
 * nothing acknowledged comes back, a live lease keeps its deadline, and no answer is a 5xx other
 * than 503.
 */
class NodeFailureTest {
    private static final int QUEUES = 9;
    private final List<ChildFacade> nodes = new ArrayList<>();
    private final Set<String> put = ConcurrentHashMap.newKeySet();
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> delivered = new ConcurrentHashMap<>();
    private final Set<String> deliveredAfterAck = ConcurrentHashMap.newKeySet();
    private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile List<Http> live;

    @AfterEach
    void stop() throws Exception {
        running.set(false);
        for (ChildFacade node : nodes) {
            node.kill();
        }
    }

    @Test
    void a_killed_node_s_queues_and_leases_move_to_the_survivors_and_nothing_is_lost() throws Exception {
        Map<String, String> shared = TestFacade.isolatedSettings();
        List<CompletableFuture<ChildFacade>> starting = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            Map<String, String> settings = new HashMap<>(shared);
            settings.put("node.id", shared.get("node.id") + "-" + name);
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return ChildFacade.start(settings);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        for (CompletableFuture<ChildFacade> node : starting) {
            nodes.add(node.get(90, TimeUnit.SECONDS));
        }
        live = nodes.stream().map(n -> n.http).toList();
        Http first = live.get(0);

        // A lease that must outlive the failover: 255 minutes, on the queue whose node is killed.
        assertEquals(200, first.get("/put?queue=held&item=held-item").status());
        assertEquals(200, first.get("/timeout?queue=held&minute=255").status());
        Response lease = Await.until("the held item is leased", () -> {
            Response got = first.get("/get?queue=held&worker=holder&ack=false");
            return got.status() == 200 ? got : null;
        });
        String victimId = lease.header("Kqf-Node");
        assertNotNull(victimId, "every answer names the node that served it");
        ChildFacade victim = nodes.stream().filter(n -> victimId.equals(n.http.get("/version").header("Kqf-Node")))
                .findFirst().orElseThrow();

        ExecutorService load = Executors.newFixedThreadPool(4);
        AtomicInteger sequence = new AtomicInteger();
        // Each client puts one item and then takes one from the same queue: the backlog stays
        // small, so the drain at the end is short.
        for (int t = 0; t < 4; t++) {
            load.execute(() -> {
                while (running.get()) {
                    String item = "i-" + sequence.incrementAndGet();
                    String queue = "q" + Math.floorMod(item.hashCode(), QUEUES);
                    Response answer = any("/put?queue=" + queue + "&item=" + item);
                    if (answer != null && answer.status() == 200) {
                        put.add(item);
                    }
                    consumeOne(queue);
                }
            });
        }
        Await.until("load is flowing", () -> acked.size() >= 200 ? true : null);

        victim.kill();
        live = nodes.stream().filter(n -> n != victim).map(n -> n.http).toList();
        int ackedAtKill = acked.size();
        Await.until("the survivors serve every queue again and acks flow", java.time.Duration.ofSeconds(60),
                () -> acked.size() >= ackedAtKill + 300 ? true : null);
        running.set(false);
        load.shutdown();
        assertTrue(load.awaitTermination(60, TimeUnit.SECONDS));

        for (int q = 0; q < QUEUES; q++) {
            drain("q" + q);
        }
        Set<String> lost = new java.util.TreeSet<>(put);
        lost.removeAll(delivered.keySet());
        assertEquals(Set.of(), lost, "every acknowledged put is delivered");
        assertEquals(Set.of(), deliveredAfterAck, "nothing acknowledged is delivered again");
        assertEquals(Set.of(), Set.copyOf(statuses.keySet().stream().filter(s -> s >= 500 && s != 503).toList()),
                "no 5xx but 503: " + statuses);

        Http survivor = live.get(0);
        assertEquals(404, survivor.get("/get?queue=held&worker=other").status(), "the live lease keeps its item");
        assertTrue(survivor.get("/stat?queue=held").body().contains("\"unacked\":1"), survivor.get("/stat?queue=held").body());
        String ack = "/ack?queue=held&peer=" + lease.header("Ack-Peer") + "&token=" + lease.header("Ack-Token");
        assertEquals(200, survivor.get(ack).status(), "its holder acks it on a survivor");
    }

    /** One request to the next live node; null when that node cannot be reached (the balancer drops it). */
    private Response any(String pathAndQuery) {
        List<Http> now = live;
        Http node = now.get(Math.floorMod(Thread.currentThread().getId() + System.nanoTime(), now.size()));
        try {
            Response answer = node.get(pathAndQuery);
            statuses.computeIfAbsent(answer.status(), s -> new AtomicInteger()).incrementAndGet();
            return answer;
        } catch (AssertionError unreachable) {
            return null;
        }
    }

    private void consumeOne(String queue) {
        Response got = any("/get?queue=" + queue + "&worker=consumer&ack=false");
        if (got == null || got.status() != 200) {
            return;
        }
        noteDelivered(got.body());
        Response ack = any("/ack?queue=" + queue + "&peer=" + got.header("Ack-Peer") + "&token=" + got.header("Ack-Token"));
        if (ack != null && ack.status() == 200) {
            acked.add(got.body());
        }
    }

    private void noteDelivered(String item) {
        if (acked.contains(item)) {
            deliveredAfterAck.add(item);
        }
        delivered.merge(item, 1, Integer::sum);
    }

    /** Takes everything left, auto-acked, until the queue says it has nothing ready or leased. */
    private void drain(String queue) {
        Http node = live.get(0);
        Await.until(queue + " is drained", java.time.Duration.ofSeconds(60), () -> {
            Response got = node.get("/get?queue=" + queue + "&worker=drainer");
            if (got.status() == 200) {
                noteDelivered(got.body());
                return null;
            }
            String stat = node.get("/stat?queue=" + queue).body();
            return stat.contains("\"ready\":[0,0,0]") && stat.contains("\"unacked\":0") ? true : null;
        });
    }
}
