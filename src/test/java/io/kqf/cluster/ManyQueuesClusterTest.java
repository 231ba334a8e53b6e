package io.kqf.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.kqf.engine.QueuePlace;
import io.kqf.support.Await;
import io.kqf.support.Http;
import io.kqf.support.Http.Response;
import io.kqf.support.TestFacade;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes of one cluster; 2,000 queues are created through both while a client keeps using
 * another queue through both. Every request succeeds, and the queue being used never moves: its
 * node does not let go of its lane once (a new queue is placed without revoking anything).
 */
class ManyQueuesClusterTest {
    private static final int NEW_QUEUES = 2000;
    private static final int CREATORS = 8;
    private static final List<TestFacade> nodes = new ArrayList<>();

    @BeforeAll
    static void start() {
        Map<String, String> shared = TestFacade.isolatedSettings();
        for (String name : List.of("a", "b")) {
            Map<String, String> settings = new HashMap<>(shared);
            settings.put("node.id", shared.get("node.id") + "-" + name);
            nodes.add(TestFacade.start(settings));
        }
        for (TestFacade node : nodes) {
            Await.until("each node sees the other", () -> node.runtime().liveNodes().size() == 2 ? true : null);
        }
    }

    @AfterAll
    static void stop() {
        nodes.forEach(TestFacade::close);
    }

    @Test
    void two_thousand_queues_created_while_another_queue_is_served() throws Exception {
        Http a = nodes.get(0).http;
        Http b = nodes.get(1).http;
        assertEquals(200, a.get("/put?queue=steady&item=warm").status());
        Response warm = b.get("/get?queue=steady&worker=steady-worker");
        assertEquals("warm", warm.body(), warm.toString());
        TestFacade owner = Await.until("steady is served by one node", () -> nodes.stream()
                .filter(n -> n.runtime().placeNow("steady") instanceof QueuePlace.Here).findFirst().orElse(null));
        int releasesBefore = owner.runtime().laneReleases("steady");

        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicBoolean creating = new AtomicBoolean(true);
        AtomicInteger served = new AtomicInteger();
        Thread steadyClient = new Thread(() -> {
            // Put on one node, get (auto-ack) on the other, in turn: each get finds the item just put.
            for (int i = 0; creating.get(); i++) {
                Http putTo = i % 2 == 0 ? a : b;
                Http getFrom = i % 2 == 0 ? b : a;
                Response put = putTo.get("/put?queue=steady&item=s" + i);
                Response got = getFrom.get("/get?queue=steady&worker=steady-worker");
                if (put.status() != 200 || got.status() != 200 || !got.body().equals("s" + i)) {
                    problems.add("steady round " + i + ": put " + put.status() + ", get " + got.status() + " " + got.body());
                }
                served.incrementAndGet();
            }
        }, "steady-client");
        steadyClient.start();

        AtomicInteger next = new AtomicInteger();
        List<Thread> creators = new ArrayList<>();
        for (int c = 0; c < CREATORS; c++) {
            Thread creator = new Thread(() -> {
                int q;
                while ((q = next.getAndIncrement()) < NEW_QUEUES) {
                    Response put = (q % 2 == 0 ? a : b).get("/put?queue=many" + q + "&item=x" + q);
                    if (put.status() != 200) {
                        problems.add("put to many" + q + ": " + put.status() + " " + put.header("Kqf-Error"));
                    }
                }
            }, "creator-" + c);
            creator.start();
            creators.add(creator);
        }
        for (Thread creator : creators) {
            creator.join();
        }
        creating.set(false);
        steadyClient.join();

        assertEquals(List.of(), new ArrayList<>(problems), "no request failed");
        assertTrue(served.get() > 0, "the steady queue was used while queues were created");
        assertEquals(releasesBefore, owner.runtime().laneReleases("steady"), "the steady queue never moved");
        assertTrue(owner.runtime().placeNow("steady") instanceof QueuePlace.Here, "still served by the same node");

        // Every new queue holds its one item, whichever node serves it and whichever is asked.
        for (int q = 0; q < NEW_QUEUES; q += 97) {
            String stat = (q % 2 == 0 ? b : a).get("/stat?queue=many" + q).body();
            assertTrue(stat.contains("\"ready\":[1,0,0]"), "many" + q + ": " + stat);
        }
        assertEquals("x1999", a.get("/get?queue=many1999&worker=steady-worker").body());
    }
}
