package io.kqf.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kqf.support.Await;
import io.kqf.support.Http;
import io.kqf.support.Http.Response;
import io.kqf.support.RestClient;
import io.kqf.support.SseConnection;
import io.kqf.support.TestFacade;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three nodes of one cluster on the test broker, each request of a scenario sent to the next node
 * in turn (a round-robin balancer): every answer is the one a lone node gives.
 */
class RoundRobinClusterTest {
    private static final List<TestFacade> nodes = new ArrayList<>();
    private static Http a;
    private static Http b;
    private static Http c;

    @BeforeAll
    static void start() {
        Map<String, String> shared = TestFacade.isolatedSettings();
        for (String name : List.of("a", "b", "c")) {
            Map<String, String> settings = new HashMap<>(shared);
            settings.put("node.id", shared.get("node.id") + "-" + name);
            nodes.add(TestFacade.start(settings));
        }
        a = nodes.get(0).http;
        b = nodes.get(1).http;
        c = nodes.get(2).http;
        for (TestFacade node : nodes) {
            Await.until("every node sees the other two", () -> node.runtime().liveNodes().size() == 3 ? true : null);
        }
    }

    @AfterAll
    static void stop() {
        nodes.forEach(TestFacade::close);
    }

    @Test
    void put_on_a_get_on_b_ack_on_c_for_queues_served_by_every_node() {
        // Enough queues that each node serves some: every combination of entry node and owner is taken.
        for (int q = 0; q < 9; q++) {
            String queue = "rr" + q;
            assertEquals(200, a.get("/put?queue=" + queue + "&item=first" + q).status());
            assertEquals(200, c.get("/put?queue=" + queue + "&item=second" + q + "&priori=2").status());
            assertEquals("{\"queue\":\"" + queue + "\",", b.get("/stat?queue=" + queue).body().substring(0, 12 + queue.length()));
            String stat = a.get("/stat?queue=" + queue).body();
            assertTrue(stat.contains("\"ready\":[1,0,1]") && stat.contains("\"unacked\":0"), stat);

            Response leased = b.get("/get?queue=" + queue + "&worker=worker1&ack=false");
            assertEquals(200, leased.status(), leased.toString());
            assertEquals("second" + q, leased.body(), "priority 2 first, wherever it was put");
            String token = leased.header("Ack-Token");
            assertNotNull(token);
            String ack = "/ack?queue=" + queue + "&peer=" + leased.header("Ack-Peer") + "&token=" + token;
            assertEquals(200, c.get(ack).status());
            assertEquals(412, a.get(ack).status(), "acked once, on any node");

            Response auto = a.get("/get?queue=" + queue + "&worker=worker2");
            assertEquals("first" + q, auto.body());
            assertEquals(404, b.get("/get?queue=" + queue + "&worker=worker2").status(), "nothing left");
            assertTrue(c.get("/worker?queue=" + queue).body().contains("worker2"), "the worker list is the queue's, on any node");
        }
    }

    @Test
    void admin_endpoints_act_on_the_queue_whichever_node_they_reach() throws Exception {
        for (int q = 0; q < 6; q++) {
            String queue = "adm" + q;
            assertEquals(200, a.get("/put?queue=" + queue + "&item=one").status());
            assertEquals(200, b.get("/lock?queue=" + queue + "&on=1").status());
            // A put is served where it lands, which learns of the lock from the attributes' tail
            // (milliseconds): refused once it has (docs/architecture.md §4, "Known gaps").
            Await.until("a put on another node is refused while locked",
                    () -> c.get("/put?queue=" + queue + "&item=refused").status() == 404 ? true : null);
            assertEquals(200, c.get("/lock?queue=" + queue + "&on=0").status());
            assertEquals(200, b.get("/max?queue=" + queue + "&num=1").status());
            Await.until("1 ready >= max 1: a put on another node is refused",
                    () -> a.get("/put?queue=" + queue + "&item=full").status() == 404 ? true : null);
            assertEquals(200, c.get("/timeout?queue=" + queue + "&minute=7").status());
            assertTrue(b.get("/stat?queue=" + queue).body().contains("\"max\":1,\"lock\":0"), b.get("/stat?queue=" + queue).body());
            assertTrue(a.get("/stat?queue=" + queue).body().contains("\"timeout\":7"));
            assertEquals(200, a.get("/max?queue=" + queue + "&num=0").status());
            assertEquals(200, b.get("/put?queue=" + queue + "&item=two").status());
            assertEquals(200, c.get("/purge?queue=" + queue + "&priori=0").status());
            assertEquals(404, a.get("/get?queue=" + queue + "&worker=worker5").status(), "purged, whichever node");

            // The purge deleted the queue (nothing left in any lane); the waiting get uses a live one.
            String live = "wait" + q;
            assertEquals(200, c.get("/put?queue=" + live + "&item=seed").status());
            assertEquals("seed", a.get("/get?queue=" + live + "&worker=worker5").body());
            CompletableFuture<Response> waiting = b.async("/get?queue=" + live + "&worker=worker5&wait=30");
            TestFacade owner = owner(live);
            Await.until("the get is parked where the queue is", () -> owner.runtime().longPolls().parkedGets() == 1 ? true : null);
            assertEquals(200, a.get("/put?queue=" + live + "&item=three").status());
            assertEquals("three", waiting.get(30, TimeUnit.SECONDS).body(), "a waiting get is served by a put on another node");
        }
        for (Http node : List.of(a, b, c)) {
            assertEquals(200, node.get("/autost").status());
            assertEquals(200, node.get("/status.html").status());
            assertTrue(node.get("/version").body().startsWith("kqf "));
            assertEquals("{\"unassigned_tasks\":0,\"assigned_tasks\":0,\"free_tasks\":3072,\"total\":3072}",
                    node.get("/do_get_status").body(), "the cluster's task slots");
        }
    }

    @Test
    void rest_queues_are_browsed_listed_and_deleted_from_any_node_and_leases_renewed_and_released_anywhere()
            throws Exception {
        RestClient restA = new RestClient(a.base());
        RestClient restB = new RestClient(b.base());
        RestClient restC = new RestClient(c.base());
        for (int q = 0; q < 4; q++) {
            String path = "/queues/shelf/q" + q;
            assertEquals(201, restA.send("POST", path, "book" + q, "Content-Type", "text/plain").statusCode());
            String browsed = RestClient.text(restB.send("GET", path, null, "Accept", "application/json"));
            assertTrue(browsed.contains("book" + q), "browsed on another node: " + browsed);
            assertTrue(RestClient.text(restC.send("GET", "/queues/shelf", null, "Accept", "application/json"))
                    .contains("shelf.q" + q), "listed on a third");

            HttpResponse<byte[]> created = restC.send("POST", "/subscriptions", "destination=shelf.q" + q + "&prefetch=1",
                    "Content-Type", "application/x-www-form-urlencoded");
            assertEquals(201, created.statusCode(), RestClient.text(created));
            String subscription = created.headers().firstValue("Location").orElseThrow();
            Matcher ack = Pattern.compile("\"ack\":\"([^\"]+)\"").matcher(
                    RestClient.text(restA.send("GET", subscription, null, "Accept", "application/json")));
            assertTrue(ack.find());
            assertEquals(200, restB.send("POST", ack.group(1) + "/renew", null).statusCode());
            assertEquals(204, restC.send("POST", ack.group(1) + "/release", null).statusCode());
            assertEquals(200, restA.send("POST", subscription + "/renew", null).statusCode());
            assertEquals(204, restB.send("DELETE", subscription, null).statusCode());

            assertEquals(204, restC.send("DELETE", path, null).statusCode());
            assertEquals(404, restA.send("GET", path, null).statusCode(), "deleted, whichever node");
        }
    }

    @Test
    void stat_all_on_any_node_lists_every_queue_of_the_cluster_with_its_exact_counts() {
        Http[] entry = {a, b, c};
        for (int q = 0; q < 6; q++) {
            assertEquals(200, entry[q % 3].get("/put?queue=all" + q + "&item=x").status());
        }
        for (Http node : entry) {
            String all = node.get("/stat_all").body();
            for (int q = 0; q < 6; q++) {
                assertTrue(all.contains("{\"queue\":\"all" + q + "\",\"type\":0,\"ready\":[1,0,0]"), node.base() + ": " + all);
                assertEquals(all.indexOf("\"queue\":\"all" + q + "\""), all.lastIndexOf("\"queue\":\"all" + q + "\""),
                        "each queue once");
            }
        }
    }

    @Test
    void push_queues_pub_on_one_node_sub_and_evsub_on_the_others() throws Exception {
        for (int q = 0; q < 6; q++) {
            String queue = "news" + q;
            CompletableFuture<Response> parked = a.async("/evsub?queue=" + queue + "&idx=1");
            assertEquals(200, b.get("/pub?queue=" + queue + "&item=first").status());
            Response released = parked.get(30, TimeUnit.SECONDS);
            assertEquals(307, released.status(), released.toString());
            assertEquals(a.base() + "/sub?queue=" + queue + "&idx=1", released.header("Location"));
            assertEquals(200, c.get("/pub?queue=" + queue + "&item=second").status());
            assertEquals("first", c.get("/sub?queue=" + queue + "&idx=1").body());
            assertEquals("second", a.get("/sub?queue=" + queue + "&idx=2").body());
            assertTrue(b.get("/stat?queue=" + queue).body().contains("\"ci\":2"), b.get("/stat?queue=" + queue).body());
        }
    }

    @Test
    void evget_on_a_is_woken_by_a_put_on_c() throws Exception {
        for (int q = 0; q < 6; q++) {
            String queue = "ev" + q;
            assertEquals(200, b.get("/put?queue=" + queue + "&item=seed").status());
            assertEquals("seed", c.get("/get?queue=" + queue + "&worker=worker3").body());
            CompletableFuture<Response> parked = a.async("/evget?queue=" + queue + "&worker=worker3");
            TestFacade owner = owner(queue);
            Await.until("the evget is parked on the queue's node",
                    () -> owner.runtime().longPolls().parkedEvgets() == 1 ? true : null);
            assertEquals(200, c.get("/put?queue=" + queue + "&item=woken").status());
            Response released = parked.get(30, TimeUnit.SECONDS);
            assertEquals(307, released.status());
            assertEquals(a.base() + "/get?queue=" + queue + "&worker=worker3", released.header("Location"),
                    "the redirect leads back to the node the client asked");
            assertEquals("woken", b.get("/get?queue=" + queue + "&worker=worker3").body());
        }
    }

    @Test
    void do_get_on_a_is_served_by_a_worker_on_b() throws Exception {
        CompletableFuture<Response> worker = b.async("POST", "/do_post", new byte[0]);
        Response answer;
        // do_post_status counts the cluster: asked on another node, it shows the worker parked on b.
        Await.until("the worker is parked", () -> c.get("/do_post_status").body().contains("\"cache_workers\":1") ? true : null);
        assertEquals("{\"cache_workers\":1,\"free_workers\":3071,\"total\":3072}", a.get("/do_post_status").body());
        CompletableFuture<Response> caller = a.async("POST", "/do_get?queue=rpc", "21".getBytes(StandardCharsets.UTF_8));
        Response task = worker.get(30, TimeUnit.SECONDS);
        assertEquals(200, task.status(), task.toString());
        assertEquals("21", task.body());
        assertEquals(200, c.post("/do_post?token=" + task.header("Token"), "42").status());
        answer = caller.get(30, TimeUnit.SECONDS);
        assertEquals(200, answer.status());
        assertEquals("42", answer.body());
    }

    @Test
    void a_rest_subscription_made_on_a_is_read_on_b_and_acked_on_c() throws Exception {
        RestClient restA = new RestClient(a.base());
        RestClient restB = new RestClient(b.base());
        RestClient restC = new RestClient(c.base());
        for (int q = 0; q < 6; q++) {
            String queue = "orders.q" + q;
            assertEquals(201, restC.send("POST", "/queues/orders/q" + q, "m" + q, "Content-Type", "text/plain").statusCode());
            HttpResponse<byte[]> created = restA.send("POST", "/subscriptions", "destination=" + queue + "&prefetch=5",
                    "Content-Type", "application/x-www-form-urlencoded");
            assertEquals(201, created.statusCode(), RestClient.text(created));
            String subscription = created.headers().firstValue("Location").orElseThrow();
            String feed = RestClient.text(restB.send("GET", subscription, null, "Accept", "application/json"));
            Matcher ack = Pattern.compile("\"ack\":\"([^\"]+)\"").matcher(feed);
            assertTrue(ack.find(), feed);
            assertTrue(feed.contains("m" + q), feed);
            assertEquals(204, restC.send("DELETE", ack.group(1), null).statusCode());
            assertEquals(204, restA.send("DELETE", ack.group(1), null).statusCode(), "a repeated ack answers as the first");
            assertEquals(404, b.get("/get?queue=" + queue + "&worker=worker3").status(), "acked: nothing left");
            assertEquals(204, restB.send("DELETE", subscription, null).statusCode());
        }
    }

    @Test
    void an_sse_stream_opened_on_b_relays_what_is_published_on_c_and_acked_on_a() throws Exception {
        RestClient restA = new RestClient(a.base());
        RestClient restC = new RestClient(c.base());
        for (int q = 0; q < 4; q++) {
            String queue = "streamed.q" + q;
            boolean queueFirst = q % 2 == 0;
            if (queueFirst) {
                assertEquals(201, restC.send("PUT", "/queues/streamed/q" + q, null).statusCode());
            }
            HttpResponse<byte[]> created = restA.send("POST", "/subscriptions", "destination=" + queue + "&prefetch=1",
                    "Content-Type", "application/x-www-form-urlencoded");
            assertEquals(201, created.statusCode(), RestClient.text(created));
            String subscription = created.headers().firstValue("Location").orElseThrow();
            SseConnection sse = stream(subscription);
            try {
                assertEquals(201, restC.send("POST", "/queues/streamed/q" + q, "s" + q, "Content-Type", "text/plain")
                        .statusCode());
                SseConnection.Event event = sse.next();
                if (!queueFirst && event.type().equals("end")) {
                    // Made before its queue existed, where the name was asked for: it moves to the
                    // node that serves the queue, and the stream says to reconnect (to go there).
                    assertTrue(event.data().contains("reconnect"), event.data());
                    sse.close();
                    sse = stream(subscription);
                    event = sse.next();
                }
                assertEquals("message", event.type(), event.toString());
                assertTrue(event.data().contains("s" + q), event.data());
                assertEquals(204, restA.send("DELETE", subscription + "/messages/" + event.id(), null).statusCode());
                assertEquals(201, restC.send("POST", "/queues/streamed/q" + q, "t" + q, "Content-Type", "text/plain")
                        .statusCode());
                assertTrue(sse.next().data().contains("t" + q), "the ack made room: the next one streams");
            } finally {
                sse.close();
            }
            assertEquals(204, restA.send("DELETE", subscription, null).statusCode());
            assertEquals("t" + q, c.get("/get?queue=" + queue + "&worker=worker4").body(),
                    "the deleted subscription's lease went back to the queue at once");
        }
    }

    private static SseConnection stream(String subscription) throws Exception {
        SseConnection sse = new SseConnection(b.base(), subscription + "/stream", "Accept", "text/event-stream");
        assertEquals(200, sse.status);
        assertTrue(sse.headers.get("content-type").startsWith("text/event-stream"), sse.headers.toString());
        return sse;
    }

    /** The node that serves {@code queue}: the one every other node sends it to. */
    private static TestFacade owner(String queue) {
        return Await.until("a node serves " + queue, () -> {
            for (TestFacade node : nodes) {
                String port = ":" + java.net.URI.create(node.http.base()).getPort();
                if (nodes.stream().filter(other -> other != node).allMatch(other -> other.runtime().placeNow(queue)
                        instanceof io.kqf.engine.QueuePlace.At at && at.url().endsWith(port))) {
                    return node;
                }
            }
            return null;
        });
    }


}
