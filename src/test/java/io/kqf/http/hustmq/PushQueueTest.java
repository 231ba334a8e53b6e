package io.kqf.http.hustmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.kqf.support.Await;
import io.kqf.support.Http;
import io.kqf.support.Http.Response;
import io.kqf.support.TestFacade;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** pub, sub, evsub and the index window (hustmq-api.md §2.13-2.15, §3.2). */
class PushQueueTest {
    private static TestFacade facade;
    private static Http http;
    private static TestFacade quick;

    @BeforeAll
    static void start() {
        facade = TestFacade.start();
        http = facade.http;
        Map<String, String> settings = TestFacade.isolatedSettings();
        settings.put("hustmq.subscribe_timeout", "1s");
        quick = TestFacade.start(settings);
    }

    @AfterAll
    static void stop() {
        facade.close();
        quick.close();
    }

    @Test
    void pub_appends_items_with_consecutive_indices_that_every_subscriber_reads_again() {
        assertEquals(200, http.get("/pub?queue=news&item=first").status());
        assertEquals(200, http.send("POST", "/pub?queue=news", "second".getBytes(), null).status());
        assertEquals(200, http.get("/pub?queue=news&item=third%41").status());
        assertEquals("{\"queue\":\"news\",\"type\":1,\"ready\":[3,0,0],\"max\":0,\"lock\":0,\"si\":0,\"ci\":3,\"tm\":",
                http.get("/stat?queue=news").body().replaceAll("\"tm\":.*", "\"tm\":"));
        assertEquals("first", http.get("/sub?queue=news&idx=1").body());
        assertEquals("second", http.get("/sub?queue=news&idx=2").body());
        assertEquals("third%41", http.get("/sub?queue=news&idx=3").body());
        assertEquals("first", http.get("/sub?queue=news&idx=1").body(), "reading never consumes");
        assertTrue(http.get("/stat_all").body().contains("\"queue\":\"news\",\"type\":1"));
    }

    @Test
    void sub_outside_the_window_is_404_with_the_window_in_an_index_header() {
        http.get("/pub?queue=outside&item=a");
        http.get("/pub?queue=outside&item=b");
        for (String idx : new String[] {"0", "3", "99"}) {
            Response r = http.get("/sub?queue=outside&idx=" + idx);
            assertEquals(404, r.status(), idx);
            assertEquals("0-2", r.header("Index").trim(), idx);
        }
        assertEquals(404, http.get("/sub?queue=never_published&idx=1").status());
        assertEquals(400, http.get("/sub?queue=outside").status());
        assertEquals(400, http.get("/sub?queue=outside&idx=-1").status());
    }

    @Test
    void pub_with_an_index_after_ci_restarts_the_window_there() {
        http.get("/pub?queue=restart&item=a");
        http.get("/pub?queue=restart&item=b");
        assertEquals(200, http.get("/pub?queue=restart&item=c&idx=10").status());
        String stat = http.get("/stat?queue=restart").body();
        assertTrue(stat.contains("\"ready\":[1,0,0]") && stat.contains("\"si\":9,\"ci\":10"), stat);
        assertEquals("c", http.get("/sub?queue=restart&idx=10").body());
        assertEquals(404, http.get("/sub?queue=restart&idx=1").status(), "discarded");
        http.get("/pub?queue=restart&item=d");
        assertEquals("d", http.get("/sub?queue=restart&idx=11").body());
    }

    @Test
    void pub_with_an_index_inside_the_window_discards_the_items_before_it() {
        for (String item : new String[] {"a", "b", "c", "d"}) {
            http.get("/pub?queue=truncate&item=" + item);
        }
        assertEquals(200, http.get("/pub?queue=truncate&item=e&idx=3").status());
        String stat = http.get("/stat?queue=truncate").body();
        assertTrue(stat.contains("\"ready\":[3,0,0]") && stat.contains("\"si\":2,\"ci\":5"), stat);
        assertEquals(404, http.get("/sub?queue=truncate&idx=2").status());
        assertEquals("c", http.get("/sub?queue=truncate&idx=3").body());
        assertEquals("e", http.get("/sub?queue=truncate&idx=5").body());
    }

    @Test
    void an_item_past_its_ttl_reads_404_and_the_next_pub_reclaims_it() {
        http.get("/pub?queue=ttl&item=short&ttl=1");
        long publishedBy = System.currentTimeMillis();
        assertEquals("short", http.get("/sub?queue=ttl&idx=1").body());
        Await.until("the ttl has passed", () -> System.currentTimeMillis() > publishedBy + 1_100 ? true : null);
        assertEquals(404, http.get("/sub?queue=ttl&idx=1").status(), "expired on read");
        assertTrue(http.get("/stat?queue=ttl").body().contains("\"si\":0,\"ci\":1"), "lazily still in the window");
        http.get("/pub?queue=ttl&item=long&ttl=7200");
        String stat = http.get("/stat?queue=ttl").body();
        assertTrue(stat.contains("\"ready\":[1,0,0]") && stat.contains("\"si\":1,\"ci\":2"), "reclaimed by pub: " + stat);
    }

    @Test
    void bad_ttl_idx_or_item_on_pub_is_404_and_stores_nothing() {
        http.get("/pub?queue=badpub&item=ok");
        for (String query : new String[] {"item=x&ttl=0", "item=x&ttl=7201", "item=x&ttl=abc", "item=x&idx=-3",
                "item=", ""}) {
            Response r = http.get("/pub?queue=badpub&" + query);
            assertEquals(404, r.status(), query);
            assertFalse(r.header("Kqf-Error").isEmpty(), query);
        }
        assertTrue(http.get("/stat?queue=badpub").body().contains("\"ready\":[1,0,0]"));
        assertEquals(400, http.get("/pub?item=x").status(), "no queue");
    }

    @Test
    void plain_and_push_queues_refuse_each_others_operations() {
        http.get("/put?queue=plainq&item=x");
        assertEquals(404, http.get("/pub?queue=plainq&item=x").status());
        assertEquals(404, http.get("/sub?queue=plainq&idx=1").status());
        assertEquals(200, http.get("/pub?queue=pushq&item=x").status());
        assertEquals(404, http.get("/put?queue=pushq&item=x").status());
        assertEquals(404, http.get("/get?queue=pushq&worker=worker1").status());
        for (String path : new String[] {"/timeout?queue=pushq&minute=3", "/lock?queue=pushq&on=1",
                "/max?queue=pushq&num=3", "/purge?queue=pushq&priori=0", "/worker?queue=pushq"}) {
            assertEquals(404, http.get(path).status(), path);
        }
        assertTrue(http.get("/stat?queue=pushq").body().contains("\"ready\":[1,0,0]"));
    }

    @Test
    void evsub_redirects_to_sub_for_an_index_in_the_window_and_answers_403_with_the_window_outside_it()
            throws Exception {
        http.get("/pub?queue=evsubq&item=a");
        http.get("/pub?queue=evsubq&item=b");
        Response in = http.async("/evsub?queue=evsubq&idx=2&x=%41").get(30, TimeUnit.SECONDS);
        assertEquals(307, in.status());
        assertEquals(http.base() + "/sub?queue=evsubq&idx=2&x=%41", in.header("Location"));
        Response next = http.async("/evsub?queue=evsubq&idx=3").get(30, TimeUnit.SECONDS);
        assertEquals(403, next.status(), "the next index is refused as soon as the window holds items");
        assertEquals("0-2", next.header("Index").trim());
    }

    @Test
    void evsub_on_an_empty_window_parks_until_a_pub() throws Exception {
        CompletableFuture<Response> parked = http.async("/evsub?queue=evsubwait&idx=1");
        Await.until("the evsub is parked", () -> facade.runtime().push().parkedEvsubs() == 1 ? true : null);
        assertFalse(parked.isDone());
        http.get("/pub?queue=evsubwait&item=news");
        Response released = parked.get(30, TimeUnit.SECONDS);
        assertEquals(307, released.status());
        assertEquals("news", http.get(released.header("Location").substring(http.base().length())).body());
    }

    @Test
    void evsub_times_out_with_404_after_subscribe_timeout() throws Exception {
        Response r = quick.http.async("/evsub?queue=evsubnothing&idx=1").get(30, TimeUnit.SECONDS);
        assertEquals(404, r.status());
        assertEquals(400, quick.http.get("/evsub?queue=evsubnothing").status(), "idx is required");
    }
}
