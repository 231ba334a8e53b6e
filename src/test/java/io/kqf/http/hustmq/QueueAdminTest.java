package io.kqf.http.hustmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kqf.support.Http;
import io.kqf.support.Http.Response;
import io.kqf.support.TestFacade;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** timeout, lock, max, purge, worker, stat, stat_all, autost, version (hustmq-api.md §2.1-2.11, §2.20). */
class QueueAdminTest {
    private static final Pattern STAT = Pattern.compile(
            "\\{\"queue\":\"([^\"]+)\",\"type\":(\\d+),\"ready\":\\[(\\d+),(\\d+),(\\d+)],\"max\":(\\d+),\"lock\":(\\d),"
                    + "\"si\":(\\d+),\"ci\":(\\d+),\"tm\":(\\d+),\"unacked\":(\\d+),\"timeout\":(\\d+)}");
    private static TestFacade facade;
    private static Http http;

    @BeforeAll
    static void start() {
        facade = TestFacade.start();
        http = facade.http;
    }

    @AfterAll
    static void stop() {
        facade.close();
    }

    @Test
    void stat_reports_every_field_live_after_each_operation() {
        long before = System.currentTimeMillis() / 1000;
        http.get("/put?queue=stats&item=a");
        assertStat("stats", "0", "1,0,0", "0", "0", "0", "1", "0", "5");
        long tm = Long.parseLong(field("stats", 10));
        assertTrue(tm >= before && tm <= System.currentTimeMillis() / 1000 + 1, "tm is the creation time");

        http.get("/put?queue=stats&item=b&priori=2");
        http.get("/put?queue=stats&item=c&priori=1");
        http.get("/put?queue=stats&item=d");
        assertStat("stats", "0", "2,1,1", "0", "0", "0", "2", "0", "5");

        assertEquals("b", http.get("/get?queue=stats&worker=worker1").body());
        assertStat("stats", "0", "2,1,0", "0", "0", "0", "2", "0", "5");
        assertEquals("c", http.get("/get?queue=stats&worker=worker1&ack=false").body());
        assertStat("stats", "0", "2,0,0", "0", "0", "0", "2", "1", "5");
        assertEquals("a", http.get("/get?queue=stats&worker=worker1").body());
        assertStat("stats", "0", "1,0,0", "0", "0", "1", "2", "1", "5");

        assertEquals(200, http.get("/timeout?queue=stats&minute=7").status());
        assertEquals(200, http.get("/max?queue=stats&num=10").status());
        assertEquals(200, http.get("/lock?queue=stats&on=1").status());
        assertStat("stats", "0", "1,0,0", "10", "1", "1", "2", "1", "7");
        assertEquals(String.valueOf(tm), field("stats", 10), "tm does not change");
    }

    @Test
    void stat_of_a_queue_that_does_not_exist_is_404_empty() {
        Response r = http.get("/stat?queue=nothing_here");
        assertEquals(404, r.status());
        assertEquals("", r.body());
    }

    @Test
    void stat_all_lists_every_queue_with_live_values_and_autost_is_a_200_no_op() {
        http.get("/put?queue=all_a&item=x");
        http.get("/put?queue=all_b&item=x&priori=1");
        Response all = http.get("/stat_all");
        assertEquals(200, all.status());
        assertTrue(all.body().startsWith("[") && all.body().endsWith("]"), all.body());
        assertTrue(all.body().contains(http.get("/stat?queue=all_a").body()), all.body());
        assertTrue(all.body().contains(http.get("/stat?queue=all_b").body()), all.body());
        Response autost = http.get("/autost");
        assertEquals(200, autost.status());
        assertEquals("", autost.body());
    }

    @Test
    void lock_refuses_put_but_not_get_and_unlock_allows_put_again_at_once() {
        http.get("/put?queue=locked&item=1");
        assertEquals(200, http.get("/lock?queue=locked&on=1").status());
        assertEquals(200, http.get("/lock?queue=locked&on=1").status(), "idempotent");
        Response refused = http.get("/put?queue=locked&item=2");
        assertEquals(404, refused.status());
        assertFalse(refused.header("Kqf-Error").isEmpty());
        assertEquals("1", http.get("/get?queue=locked&worker=worker1").body(), "get ignores the lock");
        assertEquals(200, http.get("/lock?queue=locked&on=0").status());
        assertEquals(200, http.get("/put?queue=locked&item=3").status(), "no stale cache after unlock");
        assertEquals("3", http.get("/get?queue=locked&worker=worker1").body());
    }

    @Test
    void max_refuses_put_when_ready_items_reach_it_and_a_get_makes_room_at_once() {
        http.get("/put?queue=capped&item=1");
        http.get("/put?queue=capped&item=2&priori=1");
        assertEquals(200, http.get("/max?queue=capped&num=2").status());
        assertEquals(404, http.get("/put?queue=capped&item=3").status(), "2 ready >= max 2");
        assertEquals(404, http.get("/put?queue=capped&item=3&priori=2").status(), "all lanes count");
        assertEquals("2", http.get("/get?queue=capped&worker=worker1&ack=false").body(), "get still works");
        assertEquals(200, http.get("/put?queue=capped&item=3").status(), "unacked items do not count");
        assertEquals(404, http.get("/put?queue=capped&item=4").status());
        assertEquals(200, http.get("/max?queue=capped&num=0").status());
        assertEquals(200, http.get("/put?queue=capped&item=4").status(), "0 = unlimited");
    }

    @Test
    void admin_endpoints_refuse_unknown_queues_with_404_and_bad_values_with_400() {
        for (String path : new String[] {"/timeout?queue=ghost&minute=3", "/lock?queue=ghost&on=1",
                "/max?queue=ghost&num=3", "/purge?queue=ghost&priori=0", "/worker?queue=ghost"}) {
            assertEquals(404, http.get(path).status(), path);
        }
        http.get("/put?queue=values&item=x");
        for (String path : new String[] {"/timeout?queue=values&minute=0", "/timeout?queue=values&minute=256",
                "/timeout?queue=values&minute=abc", "/timeout?queue=values", "/lock?queue=values&on=2",
                "/lock?queue=values&on=", "/max?queue=values&num=-1", "/max?queue=values&num=5000001",
                "/max?queue=values&num=1x", "/purge?queue=values&priori=3", "/purge?queue=values"}) {
            Response r = http.get(path);
            assertEquals(400, r.status(), path);
            assertEquals("", r.body(), path);
        }
        assertStat("values", "0", "1,0,0", "0", "0", "0", "1", "0", "5");
        assertEquals(200, http.get("/timeout?queue=values&minute=255").status());
        assertEquals(200, http.get("/max?queue=values&num=5000000").status());
    }

    @Test
    void purge_drops_one_lane_keeps_the_queue_while_another_lane_has_items_and_deletes_it_after() {
        http.get("/put?queue=purged&item=a");
        http.get("/put?queue=purged&item=b");
        http.get("/put?queue=purged&item=c&priori=2");
        http.get("/lock?queue=purged&on=1");
        assertEquals(200, http.get("/purge?queue=purged&priori=0").status());
        assertStat("purged", "0", "0,0,1", "0", "1", "0", "0", "0", "5");
        assertEquals(200, http.get("/purge?queue=purged&priori=2").status());
        assertEquals(404, http.get("/stat?queue=purged").status(), "purging the last non-empty lane deletes the queue");
        assertFalse(http.get("/stat_all").body().contains("\"purged\""));
        assertEquals(404, http.get("/get?queue=purged&worker=worker1").status());
        assertEquals(200, http.get("/put?queue=purged&item=fresh").status(), "the name can be used again, unlocked");
        assertStat("purged", "0", "1,0,0", "0", "0", "0", "1", "0", "5");
        assertEquals("fresh", http.get("/get?queue=purged&worker=worker1").body(), "purged items never come back");
    }

    @Test
    void purge_keeps_outstanding_leases_unless_it_deletes_the_queue() {
        http.get("/put?queue=purgelease&item=leased");
        http.get("/put?queue=purgelease&item=dropped");
        Response leased = http.get("/get?queue=purgelease&worker=worker1&ack=false");
        assertEquals("leased", leased.body());
        http.get("/put?queue=purgelease&item=kept&priori=1");
        assertEquals(200, http.get("/purge?queue=purgelease&priori=0").status());
        assertStat("purgelease", "0", "0,1,0", "0", "0", "0", "0", "1", "5");
        assertEquals(200, http.get("/ack?queue=purgelease&peer=0&token=" + leased.header("Ack-Token")).status(),
                "the lease survived the purge of its lane");
        assertEquals("kept", http.get("/get?queue=purgelease&worker=worker1&ack=false").body());
        assertEquals(200, http.get("/purge?queue=purgelease&priori=1").status());
        assertEquals(404, http.get("/stat?queue=purgelease").status(),
                "no other lane holds a ready item (a lease is not ready): deleted");
    }

    @Test
    void acks_of_a_deleted_queue_answer_412() {
        http.get("/put?queue=deleted&item=x");
        String token = http.get("/get?queue=deleted&worker=worker1&ack=false").header("Ack-Token");
        assertEquals(200, http.get("/purge?queue=deleted&priori=0").status());
        assertEquals(404, http.get("/stat?queue=deleted").status());
        assertEquals(412, http.get("/ack?queue=deleted&peer=0&token=" + token).status());
    }

    @Test
    void worker_lists_each_worker_that_got_from_the_queue_with_its_latest_time() {
        http.get("/put?queue=workers&item=x");
        long before = System.currentTimeMillis() / 1000;
        http.get("/get?queue=workers&worker=alpha1");
        http.get("/get?queue=workers&worker=bravo2");
        http.get("/get?queue=workers&worker=alpha1");
        Response list = http.get("/worker?queue=workers");
        assertEquals(200, list.status());
        String body = list.body();
        assertTrue(body.matches("\\[\\{\"w\":\"(alpha1|bravo2)\",\"t\":\\d+},\\{\"w\":\"(alpha1|bravo2)\",\"t\":\\d+}]"), body);
        assertTrue(body.contains("\"w\":\"alpha1\"") && body.contains("\"w\":\"bravo2\""), body);
        Matcher t = Pattern.compile("\"t\":(\\d+)").matcher(body);
        while (t.find()) {
            assertTrue(Long.parseLong(t.group(1)) >= before, body);
        }
        assertEquals(404, http.get("/worker").status());
        assertEquals(200, http.get("/worker?queue=workers").status());
        http.get("/put?queue=noworkers&item=x");
        assertEquals("[]", http.get("/worker?queue=noworkers").body());
    }

    @Test
    void version_and_status_page_answer_200() {
        Response version = http.get("/version");
        assertEquals(200, version.status());
        assertTrue(version.body().startsWith("kqf "), version.body());
        assertEquals(200, http.get("/status.html").status());
        assertEquals(404, http.get("/no_such_endpoint").status());
    }

    private static String field(String queue, int group) {
        String body = http.get("/stat?queue=" + queue).body();
        Matcher m = STAT.matcher(body);
        assertTrue(m.matches(), "stat JSON has the original keys in the original order: " + body);
        return m.group(group);
    }

    /** Asserts type, ready[0,1,2], max, lock, si, ci, unacked, timeout of a stat answer. */
    private static void assertStat(String queue, String type, String ready, String max, String lock, String si,
                                   String ci, String unacked, String timeout) {
        Response r = http.get("/stat?queue=" + queue);
        assertEquals(200, r.status(), r.toString());
        assertEquals("text/plain", r.header("Content-Type"));
        Matcher m = STAT.matcher(r.body());
        assertTrue(m.matches(), r.body());
        assertEquals(queue, m.group(1));
        String actual = String.join("|", m.group(2), m.group(3) + "," + m.group(4) + "," + m.group(5), m.group(6),
                m.group(7), m.group(8), m.group(9), m.group(11), m.group(12));
        assertEquals(String.join("|", type, ready, max, lock, si, ci, unacked, timeout), actual,
                "type|ready|max|lock|si|ci|unacked|timeout of " + r.body());
    }
}
