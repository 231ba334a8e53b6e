package io.kqf.http.hustmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kqf.support.Await;
import io.kqf.support.ChildFacade;
import io.kqf.support.Http;
import io.kqf.support.Http.Response;
import io.kqf.support.TestFacade;
import org.junit.jupiter.api.Test;

/**
 * A node is killed with SIGKILL (no graceful shutdown, no final commit) and a successor with the
 * same node id takes its partitions over: nothing accepted is lost, nothing acknowledged comes
 * back, live leases keep their deadline and their token (architecture.md §3).
 */
class CrashSafetyTest {

    @Test
    void a_killed_node_loses_nothing_redelivers_nothing_acked_and_honours_live_leases() throws Exception {
        Map<String, String> settings = TestFacade.isolatedSettings();
        ChildFacade first = ChildFacade.start(settings);
        Http before = first.http;

        for (int i = 0; i < 50; i++) {
            assertEquals(200, before.get("/put?queue=durable&item=d-" + i).status());
        }
        for (int i = 0; i < 10; i++) {
            assertEquals("d-" + i, before.get("/get?queue=durable&worker=worker1").body());
        }

        for (int i = 0; i < 10; i++) {
            assertEquals(200, before.get("/put?queue=leases&item=l-" + i).status());
        }
        assertEquals(200, before.get("/timeout?queue=leases&minute=255").status());
        Response live = before.get("/get?queue=leases&worker=worker1&ack=false");
        assertEquals("l-0", live.body());
        String liveToken = live.header("Ack-Token");
        assertNotNull(liveToken);
        for (int i = 1; i <= 5; i++) {
            // Acked above the leased offset 0: only the commit metadata remembers these.
            assertEquals("l-" + i, before.get("/get?queue=leases&worker=worker1").body());
        }

        assertEquals(200, before.get("/put?queue=shortlease&item=s-0").status());
        assertEquals(200, before.get("/timeout?queue=shortlease&minute=1").status());
        String shortToken = before.get("/get?queue=shortlease&worker=worker1&ack=false").header("Ack-Token");

        first.kill();

        try (TestFacade second = TestFacade.start(settings)) {
            Http after = second.http;
            assertEquals(List.of(40L, 0L), readyAndUnacked(after, "durable"));
            assertEquals(rangeOf("d-", 10, 50), drain(after, "durable"), "every 200-put is there, no acked item is");

            assertEquals(List.of(4L, 1L), readyAndUnacked(after, "leases"));
            assertEquals(rangeOf("l-", 6, 10), drain(after, "leases"),
                    "neither the live lease nor the items acked above it are delivered");
            assertEquals(200, after.get("/ack?queue=leases&peer=0&token=" + liveToken).status(),
                    "a token handed out before the crash still acks");
            assertEquals(List.of(0L, 0L), readyAndUnacked(after, "leases"));

            Response redelivered = Await.until("the expired lease is redelivered after the restart", Duration.ofSeconds(30),
                    () -> {
                        Response r = after.get("/get?queue=shortlease&worker=worker2&ack=false");
                        return r.status() == 200 ? r : null;
                    });
            assertEquals("s-0", redelivered.body());
            assertEquals(shortToken, redelivered.header("Ack-Token"));
            assertEquals(200, after.get("/ack?queue=shortlease&peer=0&token=" + shortToken).status());
        }
    }

    private static List<String> drain(Http http, String queue) {
        List<String> items = new ArrayList<>();
        while (true) {
            Response r = http.get("/get?queue=" + queue + "&worker=worker9");
            if (r.status() == 404) {
                return items;
            }
            assertEquals(200, r.status(), r.toString());
            items.add(r.body());
        }
    }

    private static List<String> rangeOf(String prefix, int from, int to) {
        List<String> items = new ArrayList<>();
        for (int i = from; i < to; i++) {
            items.add(prefix + i);
        }
        return items;
    }

    private static List<Long> readyAndUnacked(Http http, String queue) {
        String stat = http.get("/stat?queue=" + queue).body();
        return List.of(Long.parseLong(stat.replaceAll(".*\"ready\":\\[(\\d+),.*", "$1")),
                Long.parseLong(stat.replaceAll(".*\"unacked\":(\\d+).*", "$1")));
    }
}
