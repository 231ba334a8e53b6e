package io.kqf.http.hustmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kqf.support.Await;
import io.kqf.support.ChildFacade;
import io.kqf.support.Http;
import io.kqf.support.Http.Response;
import io.kqf.support.TestClock;
import io.kqf.support.TestFacade;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** pub, sub, evsub and the index window (hustmq-api.md §2.13-2.15, §3.2). */
class PushQueueTest {
    private static final Pattern WINDOW = Pattern.compile("\"si\":(\\d+),\"ci\":(\\d+)");
    private static final TestClock clock = new TestClock();
    private static TestFacade facade;
    private static Http http;
    private static TestFacade quick;

    @BeforeAll
    static void start() {
        facade = TestFacade.start(TestFacade.isolatedSettings(), clock);
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

    @AfterEach
    void publishing_bookkeeping_is_consistent() {
        facade.runtime().push().checkInvariants();
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
        assertEquals("short", http.get("/sub?queue=ttl&idx=1").body());
        clock.advance(Duration.ofSeconds(2));
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

    @Test
    void concurrent_pubs_get_dense_unique_indices_in_each_publishers_order_and_are_readable_once_answered()
            throws Exception {
        int publishers = 8;
        int each = 40;
        AtomicInteger answered = new AtomicInteger();
        Map<String, Long> ciWhenAnswered = new ConcurrentHashMap<>();
        inParallel(publishers, publisher -> {
            for (int n = 0; n < each; n++) {
                String item = "p" + publisher + "-" + n;
                assertEquals(200, http.get("/pub?queue=crowd&item=" + item).status(), item);
                int answeredSoFar = answered.incrementAndGet();
                long ci = window("crowd")[1];
                assertTrue(ci >= answeredSoFar, "every answered item is in the window: ci " + ci + ", answered " + answeredSoFar);
                ciWhenAnswered.put(item, ci);
            }
        });
        int total = publishers * each;
        assertTrue(http.get("/stat?queue=crowd").body().contains("\"ready\":[" + total + ",0,0],\"max\":0,\"lock\":0,\"si\":0,\"ci\":" + total + ","));
        Map<String, Long> indexOf = readWindow(http, "crowd", 1, total);
        assertEquals(ciWhenAnswered.keySet(), indexOf.keySet(), "every answered item once, nothing else");
        indexOf.forEach((item, index) -> assertTrue(index <= ciWhenAnswered.get(item),
                item + " at " + index + " was not in the window when its pub was answered"));
        for (int publisher = 0; publisher < publishers; publisher++) {
            for (int n = 1; n < each; n++) {
                assertTrue(indexOf.get("p" + publisher + "-" + (n - 1)) < indexOf.get("p" + publisher + "-" + n),
                        "a publisher's items keep its order");
            }
        }
    }

    @Test
    void a_pub_with_an_index_after_ci_racing_with_other_pubs_restarts_the_window_exactly_there() throws Exception {
        for (int i = 0; i < 5; i++) {
            http.get("/pub?queue=racemove&item=old" + i);
        }
        long moveTo = 1000;
        AtomicInteger answered = new AtomicInteger();
        AtomicBoolean moveSent = new AtomicBoolean();
        AtomicBoolean moveAnswered = new AtomicBoolean();
        Set<String> answeredBeforeMoveSent = ConcurrentHashMap.newKeySet();
        Set<String> sentAfterMoveAnswered = ConcurrentHashMap.newKeySet();
        Set<String> published = ConcurrentHashMap.newKeySet();
        CompletableFuture<Void> racing = CompletableFuture.runAsync(() -> inParallel(4, publisher -> {
            for (int n = 0; n < 30; n++) {
                String item = "r" + publisher + "-" + n;
                boolean afterMove = moveAnswered.get();
                assertEquals(200, http.get("/pub?queue=racemove&item=" + item).status(), item);
                published.add(item);
                if (!moveSent.get()) {
                    answeredBeforeMoveSent.add(item);
                }
                if (afterMove) {
                    sentAfterMoveAnswered.add(item);
                }
                answered.incrementAndGet();
            }
        }));
        Await.until("pubs are under way", () -> answered.get() >= 10 ? true : null);
        moveSent.set(true);
        assertEquals(200, http.get("/pub?queue=racemove&item=moved&idx=" + moveTo).status());
        moveAnswered.set(true);
        racing.get(120, TimeUnit.SECONDS);

        long[] window = window("racemove");
        assertEquals(moveTo - 1, window[0], "si = idx - 1");
        assertEquals("moved", http.get("/sub?queue=racemove&idx=" + moveTo).body(), "the item got idx exactly");
        Map<String, Long> after = readWindow(http, "racemove", moveTo + 1, window[1]);
        assertTrue(published.containsAll(after.keySet()), "after the moved item: racing items only, each once");
        assertTrue(after.keySet().containsAll(sentAfterMoveAnswered), "pubs sent after the move's 200 follow it");
        assertTrue(answeredBeforeMoveSent.stream().noneMatch(after::containsKey), "pubs answered before it are discarded");
        Response discarded = http.get("/sub?queue=racemove&idx=" + (moveTo - 1));
        assertEquals(404, discarded.status());
        assertEquals(window[0] + "-" + window[1], discarded.header("Index").trim());
    }

    @Test
    void a_pub_with_an_index_inside_the_window_racing_with_other_pubs_discards_exactly_the_items_before_it()
            throws Exception {
        for (int i = 1; i <= 20; i++) {
            http.get("/pub?queue=racetruncate&item=old" + i);
        }
        Set<String> published = ConcurrentHashMap.newKeySet();
        AtomicInteger answered = new AtomicInteger();
        CompletableFuture<Void> racing = CompletableFuture.runAsync(() -> inParallel(4, publisher -> {
            for (int n = 0; n < 30; n++) {
                String item = "r" + publisher + "-" + n;
                assertEquals(200, http.get("/pub?queue=racetruncate&item=" + item).status(), item);
                published.add(item);
                answered.incrementAndGet();
            }
        }));
        Await.until("pubs are under way", () -> answered.get() >= 10 ? true : null);
        assertEquals(200, http.get("/pub?queue=racetruncate&item=truncating&idx=5").status());
        racing.get(120, TimeUnit.SECONDS);

        long[] window = window("racetruncate");
        assertEquals(4, window[0], "items 1-4 are discarded, nothing else");
        assertEquals(20 + 120 + 1, window[1], "every racing item and the truncating one were appended");
        Map<String, Long> retained = readWindow(http, "racetruncate", 5, window[1]);
        for (long i = 5; i <= 20; i++) {
            assertEquals(i, retained.get("old" + i), "old items keep their indices");
        }
        assertTrue(retained.keySet().containsAll(published));
        assertTrue(retained.get("truncating") > 20, "the truncating item is appended after ci");
        assertEquals(404, http.get("/sub?queue=racetruncate&idx=4").status());
    }

    @Test
    void a_window_move_answered_200_survives_a_kill_of_the_node_with_the_items_around_it() throws Exception {
        Map<String, String> settings = TestFacade.isolatedSettings();
        ChildFacade first = ChildFacade.start(settings);
        Map<String, Long> before;
        long[] windowBefore;
        try {
            Http node = first.http;
            CompletableFuture<Void> racing = CompletableFuture.runAsync(() -> inParallel(3, publisher -> {
                for (int n = 0; n < 20; n++) {
                    assertEquals(200, node.get("/pub?queue=durablemove&item=r" + publisher + "-" + n).status());
                }
            }));
            assertEquals(200, node.get("/pub?queue=durablemove&item=moved&idx=500").status());
            racing.get(120, TimeUnit.SECONDS);
            windowBefore = window(node, "durablemove");
            before = readWindow(node, "durablemove", windowBefore[0] + 1, windowBefore[1]);
        } finally {
            first.kill();
        }
        try (TestFacade second = TestFacade.start(settings)) {
            long[] windowAfter = window(second.http, "durablemove");
            assertEquals(499, windowBefore[0]);
            assertEquals(windowBefore[0], windowAfter[0]);
            assertEquals(windowBefore[1], windowAfter[1]);
            assertEquals(before, readWindow(second.http, "durablemove", windowBefore[0] + 1, windowBefore[1]));
        }
    }

    @Test
    void pubs_look_at_the_head_only_when_it_can_have_expired() {
        long passesBefore = facade.runtime().push().reclaimPasses();
        for (int i = 0; i < 20; i++) {
            assertEquals(200, http.get("/pub?queue=longlived&item=x" + i + "&ttl=7200").status());
        }
        long passes = facade.runtime().push().reclaimPasses() - passesBefore;
        assertTrue(passes <= 2, "the first pubs learn when the head expires, the others need not look: " + passes);
    }

    /** Runs {@code body} on {@code threads} threads at once (argument: the thread's number); rethrows the first failure. */
    private static void inParallel(int threads, java.util.function.IntConsumer body) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                runs.add(pool.submit(() -> body.accept(thread)));
            }
            for (Future<?> run : runs) {
                run.get(120, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new AssertionError(e.getCause() != null ? e.getCause() : e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long[] window(String queue) {
        return window(http, queue);
    }

    /** {si, ci} from stat. */
    private static long[] window(Http node, String queue) {
        String stat = node.get("/stat?queue=" + queue).body();
        Matcher m = WINDOW.matcher(stat);
        assertTrue(m.find(), stat);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    /** item → index for indices {@code from..to}, each of which must read 200 and hold a distinct item. */
    private static Map<String, Long> readWindow(Http node, String queue, long from, long to) {
        Map<String, Long> indexOf = new HashMap<>();
        for (long index = from; index <= to; index++) {
            Response r = node.get("/sub?queue=" + queue + "&idx=" + index);
            assertEquals(200, r.status(), "index " + index);
            Long other = indexOf.put(r.body(), index);
            assertEquals(null, other, r.body() + " is at two indices");
        }
        return indexOf;
    }
}
