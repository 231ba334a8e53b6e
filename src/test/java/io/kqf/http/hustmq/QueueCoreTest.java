package io.kqf.http.hustmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.kqf.support.Await;
import io.kqf.support.Http;
import io.kqf.support.Http.Response;
import io.kqf.support.TestClock;
import io.kqf.support.TestFacade;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** put / get / ack over real HTTP against a real broker (hustmq-api.md §1.4, §1.5, §2.4-2.6). */
class QueueCoreTest {
    private static final TestClock clock = new TestClock();
    private static TestFacade facade;
    private static Http http;

    @BeforeAll
    static void start() {
        facade = TestFacade.start(TestFacade.isolatedSettings(), clock);
        http = facade.http;
    }

    @AfterEach
    void engine_invariants_hold() {
        facade.runtime().engine().checkInvariants();
    }

    @AfterAll
    static void stop() {
        facade.close();
    }

    @Test
    void put_by_query_item_is_stored_raw_and_got_back_byte_exact() {
        assertEquals(200, http.get("/put?queue=raw&item=a%41+b%7e").status());
        Response got = http.get("/get?queue=raw&worker=worker1");
        assertEquals(200, got.status());
        assertEquals("a%41+b%7e", got.body());
        assertEquals("text/plain", got.header("Content-Type"));
        assertNull(got.header("Ack-Token"), "auto-acked deliveries carry no token");
    }

    @Test
    void put_by_put_and_post_body_keeps_bytes_and_body_wins_over_item() {
        byte[] binary = {0, 1, 2, (byte) 0xff, 'x', '\n'};
        assertEquals(200, http.send("PUT", "/put?queue=bodies", binary, null).status());
        assertEquals(200, http.send("POST", "/put?queue=bodies&item=ignored", "from body".getBytes(StandardCharsets.UTF_8), null).status());
        assertEquals(List.of(List.of((byte) 0, (byte) 1, (byte) 2, (byte) -1, (byte) 'x', (byte) '\n')),
                List.of(toList(http.get("/get?queue=bodies&worker=worker1").bytes())));
        assertEquals("from body", http.get("/get?queue=bodies&worker=worker1").body());
    }

    @Test
    void an_item_of_one_mebibyte_round_trips() {
        byte[] big = new byte[1024 * 1024];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        assertEquals(200, http.send("POST", "/put?queue=big", big, null).status());
        Response got = http.get("/get?queue=big&worker=worker1");
        assertEquals(200, got.status());
        assertTrue(java.util.Arrays.equals(big, got.bytes()));
    }

    @Test
    void a_hundred_items_come_out_in_the_order_they_went_in() {
        for (int i = 0; i < 100; i++) {
            assertEquals(200, http.get("/put?queue=fifo&item=item-" + i).status());
        }
        for (int i = 0; i < 100; i++) {
            assertEquals("item-" + i, http.get("/get?queue=fifo&worker=worker1").body());
        }
        assertEquals(404, http.get("/get?queue=fifo&worker=worker1").status());
    }

    @Test
    void priority_two_is_served_before_one_before_zero_fifo_within_each() {
        http.get("/put?queue=prio&item=low-a");
        http.get("/put?queue=prio&item=mid-a&priori=1");
        http.get("/put?queue=prio&item=high-a&priori=2");
        http.get("/put?queue=prio&item=low-b&priori=0");
        http.get("/put?queue=prio&item=high-b&priori=2");
        http.get("/put?queue=prio&item=mid-b&priori=1");
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            order.add(http.get("/get?queue=prio&worker=worker1").body());
        }
        assertEquals(List.of("high-a", "high-b", "mid-a", "mid-b", "low-a", "low-b"), order);
    }

    @Test
    void get_of_an_empty_or_unknown_queue_is_404_with_empty_body() {
        Response unknown = http.get("/get?queue=never_created&worker=worker1");
        assertEquals(404, unknown.status());
        assertEquals("", unknown.body());
        assertNotNull(unknown.header("Kqf-Error"));
        http.get("/put?queue=drained&item=x");
        assertEquals(200, http.get("/get?queue=drained&worker=worker1").status());
        assertEquals(404, http.get("/get?queue=drained&worker=worker1").status());
    }

    @Test
    void ack_false_gives_token_and_peer_and_an_acked_item_never_comes_back() {
        http.get("/put?queue=acked&item=one");
        Response got = http.get("/get?queue=acked&worker=worker1&ack=false");
        assertEquals(200, got.status());
        assertEquals("one", got.body());
        String token = got.header("Ack-Token");
        assertNotNull(token);
        assertTrue(token.matches("[0-9A-Za-z_:.]{1,64}"), token);
        assertEquals("0", got.header("Ack-Peer"));
        assertEquals(1, unacked("acked"));
        assertEquals(200, http.get("/ack?queue=acked&peer=0&token=" + token).status());
        assertEquals(0, unacked("acked"));
        assertEquals(412, http.get("/ack?queue=acked&peer=0&token=" + token).status(), "second ack");
        // Once acked, nothing comes back after the lease's deadline either (1 "minute" is 1 s here).
        http.get("/timeout?queue=acked&minute=1");
        clock.advance(Duration.ofSeconds(2));
        assertEquals(404, http.get("/get?queue=acked&worker=worker1").status());
    }

    @Test
    void ack_zero_and_other_values_lease_while_true_and_one_auto_ack() {
        for (String value : List.of("0", "false", "no")) {
            http.get("/put?queue=ackvalues&item=" + value);
            Response got = http.get("/get?queue=ackvalues&worker=worker1&ack=" + value);
            assertEquals(value, got.body());
            assertNotNull(got.header("Ack-Token"), "ack=" + value + " leases");
        }
        for (String value : List.of("1", "true")) {
            http.get("/put?queue=ackvalues&item=" + value);
            Response got = http.get("/get?queue=ackvalues&worker=worker1&ack=" + value);
            assertEquals(value, got.body());
            assertNull(got.header("Ack-Token"), "ack=" + value + " auto-acks");
        }
        assertEquals(3, unacked("ackvalues"));
    }

    @Test
    void an_unacked_item_is_not_redelivered_while_its_lease_is_live() {
        http.get("/put?queue=livelease&item=only");
        assertEquals(200, http.get("/timeout?queue=livelease&minute=255").status());
        assertEquals("only", http.get("/get?queue=livelease&worker=worker1&ack=false").body());
        assertEquals(404, http.get("/get?queue=livelease&worker=worker1").status(), "leased, not ready");
        assertEquals(1, unacked("livelease"));
    }

    @Test
    void expired_leases_come_back_oldest_first_before_lane_items_with_the_same_token() {
        http.get("/put?queue=redeliver&item=first");
        http.get("/put?queue=redeliver&item=second");
        Response a = http.get("/get?queue=redeliver&worker=worker1&ack=false");
        Response b = http.get("/get?queue=redeliver&worker=worker2&ack=false");
        assertEquals("first", a.body());
        assertEquals("second", b.body());
        http.get("/put?queue=redeliver&item=third");
        // A timeout change applies to outstanding leases: 1 "minute" (1 s in tests) after hand-out.
        assertEquals(200, http.get("/timeout?queue=redeliver&minute=1").status());
        clock.advance(Duration.ofSeconds(2));

        Response again = http.get("/get?queue=redeliver&worker=worker3&ack=false");
        assertEquals("first", again.body(), "the oldest expired lease comes first");
        assertEquals(a.header("Ack-Token"), again.header("Ack-Token"), "a redelivery carries the same token");
        assertEquals("second", http.get("/get?queue=redeliver&worker=worker3").body(), "then the next expired one");
        assertEquals("third", http.get("/get?queue=redeliver&worker=worker3").body(), "then the lane");
        assertEquals(200, http.get("/ack?queue=redeliver&peer=0&token=" + a.header("Ack-Token")).status(),
                "the first holder's token still acks");
        assertEquals(412, http.get("/ack?queue=redeliver&peer=0&token=" + b.header("Ack-Token")).status(),
                "second was auto-acked by its redelivery");
        assertEquals(0, unacked("redeliver"));
    }

    @Test
    void an_expired_lease_is_redelivered_to_a_waiting_poller_without_any_new_put() {
        http.get("/put?queue=lazy&item=x");
        http.get("/timeout?queue=lazy&minute=1");
        String token = http.get("/get?queue=lazy&worker=worker1&ack=false").header("Ack-Token");
        assertEquals(404, http.get("/get?queue=lazy&worker=worker1&ack=false").status(), "leased until its deadline");
        clock.advance(Duration.ofSeconds(2));
        Response again = http.get("/get?queue=lazy&worker=worker1&ack=false");
        assertEquals("x", again.body());
        assertEquals(token, again.header("Ack-Token"));
    }

    @Test
    void acks_are_refused_with_the_original_codes() {
        http.get("/put?queue=ackcodes&item=x");
        String token = http.get("/get?queue=ackcodes&worker=worker1&ack=false").header("Ack-Token");
        assertEquals(400, http.get("/ack?queue=ackcodes&token=" + token).status(), "no peer");
        assertEquals(400, http.get("/ack?queue=ackcodes&peer=1&token=" + token).status(), "peer 1 does not exist");
        assertEquals(404, http.get("/ack?queue=ackcodes&peer=0").status(), "no token");
        assertEquals(404, http.get("/ack?peer=0&token=" + token).status(), "no queue");
        assertEquals(400, http.get("/ack?queue=ackcodes&peer=0&token=bad%20token").status(), "token charset");
        assertEquals(400, http.get("/ack?queue=bad%20queue&peer=0&token=" + token).status(), "queue charset");
        assertEquals(412, http.get("/ack?queue=ackcodes&peer=0&token=0:0:999999").status(), "never issued");
        assertEquals(412, http.get("/ack?queue=ackcodes&peer=0&token=abc").status(), "not a kqf token");
        assertEquals(412, http.get("/ack?queue=no_such_queue&peer=0&token=" + token).status(), "unknown queue");
        assertEquals(1, unacked("ackcodes"), "no refused ack changed anything");
        assertEquals(200, http.get("/ack?queue=ackcodes&peer=00&token=" + token).status(), "peer 00 is backend 0");
    }

    /**
     * Regression: the attributes tail could apply this node's own queue creation before the
     * creating put registered the queue, leaving two states for one queue and a get that waited
     * for a lane nobody fed (503 after engine.fetch.wait).
     */
    @Test
    void a_get_right_after_the_put_that_created_the_queue_finds_the_item_every_time() {
        for (int i = 0; i < 40; i++) {
            assertEquals(200, http.get("/put?queue=fresh" + i + "&item=v" + i).status());
            Response got = http.get("/get?queue=fresh" + i + "&worker=worker1");
            assertEquals(200, got.status(), "queue fresh" + i + ": " + got);
            assertEquals("v" + i, got.body());
        }
    }

    @Test
    void concurrent_workers_each_get_distinct_items() throws Exception {
        int items = 200;
        for (int i = 0; i < items; i++) {
            http.get("/put?queue=compete&item=c" + i);
        }
        Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Thread> workers = new ArrayList<>();
        List<String> duplicates = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int w = 0; w < 4; w++) {
            Thread t = new Thread(() -> {
                while (true) {
                    Response r = http.get("/get?queue=compete&worker=worker1");
                    if (r.status() == 404) {
                        return;
                    }
                    if (!seen.add(r.body())) {
                        duplicates.add(r.body());
                    }
                }
            });
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join();
        }
        assertEquals(List.of(), duplicates);
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < items; i++) {
            expected.add("c" + i);
        }
        assertEquals(expected, seen);
    }

    private static long unacked(String queue) {
        String stat = http.get("/stat?queue=" + queue).body();
        return Long.parseLong(stat.replaceAll(".*\"unacked\":(\\d+).*", "$1"));
    }

    private static List<Byte> toList(byte[] bytes) {
        List<Byte> list = new ArrayList<>();
        for (byte b : bytes) {
            list.add(b);
        }
        return list;
    }
}
