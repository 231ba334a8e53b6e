package io.kqf.http.hustmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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

/** do_get / do_post and their status (hustmq-api.md §2.16-2.19, §3.3). */
class RpcTest {
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

    /** do_post.py's worker: claim, compute fib, reply. */
    private static CompletableFuture<Void> fibonacciWorker(Http node, int tasks) {
        return CompletableFuture.runAsync(() -> {
            for (int i = 0; i < tasks; i++) {
                Response task = node.post("/do_post", "");
                assertEquals(200, task.status(), task.toString());
                int n = Integer.parseInt(task.body());
                Response reply = node.post("/do_post?token=" + task.header("Token"), String.valueOf(fib(n)));
                assertEquals(200, reply.status(), reply.toString());
            }
        });
    }

    private static long fib(int n) {
        return n <= 2 ? 1 : fib(n - 1) + fib(n - 2);
    }

    private static String status(Http node, String path) {
        return node.get(path).body();
    }

    @Test
    void a_worker_parked_first_answers_a_later_caller_fib_10_is_55() throws Exception {
        CompletableFuture<Void> worker = fibonacciWorker(http, 1);
        Await.until("the worker is parked",
                () -> status(http, "/do_post_status").equals("{\"cache_workers\":1,\"free_workers\":1023,\"total\":1024}") ? true : null);
        Response result = http.post("/do_get?queue=fib", "10");
        assertEquals(200, result.status());
        assertEquals("55", result.body());
        assertEquals("text/plain", result.header("Content-Type"));
        worker.get(30, TimeUnit.SECONDS);
    }

    @Test
    void a_caller_first_waits_unassigned_until_a_worker_claims_and_status_shows_each_phase() throws Exception {
        CompletableFuture<Response> caller = http.async("POST", "/do_get?queue=phases", "7".getBytes());
        Await.until("one unassigned task", () -> status(http, "/do_get_status")
                .equals("{\"unassigned_tasks\":1,\"assigned_tasks\":0,\"free_tasks\":1023,\"total\":1024}") ? true : null);
        Response task = http.post("/do_post", "");
        assertEquals(200, task.status());
        assertEquals("phases", task.header("Queue"));
        assertEquals("7", task.body());
        String token = task.header("Token");
        assertTrue(token.matches("[0-9]+"), token);
        assertEquals("{\"unassigned_tasks\":0,\"assigned_tasks\":1,\"free_tasks\":1023,\"total\":1024}", status(http, "/do_get_status"));
        assertEquals(200, http.post("/do_post?token=" + token, "13").status());
        assertEquals("13", caller.get(30, TimeUnit.SECONDS).body());
        Await.until("the slot is free again", () -> status(http, "/do_get_status")
                .equals("{\"unassigned_tasks\":0,\"assigned_tasks\":0,\"free_tasks\":1024,\"total\":1024}") ? true : null);
        assertEquals(404, http.post("/do_post?token=" + token, "again").status(), "a token answers once");
    }

    @Test
    void the_newest_unassigned_task_is_handed_out_first() throws Exception {
        CompletableFuture<Response> older = http.async("POST", "/do_get?queue=lifo", "older".getBytes());
        Await.until("first task waits", () -> http.get("/do_get_status").body().contains("\"unassigned_tasks\":1") ? true : null);
        CompletableFuture<Response> newer = http.async("POST", "/do_get?queue=lifo", "newer".getBytes());
        Await.until("second task waits", () -> http.get("/do_get_status").body().contains("\"unassigned_tasks\":2") ? true : null);
        Response first = http.post("/do_post", "");
        assertEquals("newer", first.body());
        Response second = http.post("/do_post", "");
        assertEquals("older", second.body());
        http.post("/do_post?token=" + first.header("Token"), "r-newer");
        http.post("/do_post?token=" + second.header("Token"), "r-older");
        assertEquals("r-newer", newer.get(30, TimeUnit.SECONDS).body());
        assertEquals("r-older", older.get(30, TimeUnit.SECONDS).body());
    }

    @Test
    void do_get_and_do_post_accept_post_only_and_refuse_bad_input_with_404() {
        assertEquals(405, http.get("/do_get?queue=m").status());
        assertEquals(405, http.send("PUT", "/do_post", "x".getBytes(), null).status());
        assertEquals(405, http.get("/do_post?token=1").status());
        assertEquals(404, http.post("/do_get?queue=m", "").status(), "empty body");
        assertEquals(404, http.post("/do_get", "10").status(), "no queue");
        assertEquals(404, http.post("/do_post?token=", "55").status(), "an empty token is a reply with an unknown token");
        assertEquals(404, http.post("/do_post?token=123", "55").status(), "never issued");
        assertEquals("{\"unassigned_tasks\":0,\"assigned_tasks\":0,\"free_tasks\":1024,\"total\":1024}", status(http, "/do_get_status"));
        assertEquals("{\"cache_workers\":0,\"free_workers\":1024,\"total\":1024}", status(http, "/do_post_status"));
    }

    @Test
    void timeouts_are_408_on_both_sides_and_a_late_reply_finds_nobody() throws Exception {
        Map<String, String> settings = TestFacade.isolatedSettings();
        settings.put("hustmq.do_get_timeout", "1s");
        settings.put("hustmq.do_post_timeout", "1s");
        try (TestFacade quick = TestFacade.start(settings)) {
            Response idleWorker = quick.http.post("/do_post", "");
            assertEquals(408, idleWorker.status());
            assertEquals("", idleWorker.body());
            CompletableFuture<Response> caller = quick.http.async("POST", "/do_get?queue=slow", "1".getBytes());
            Await.until("task waits", () -> quick.http.get("/do_get_status").body().contains("\"unassigned_tasks\":1") ? true : null);
            Response task = quick.http.post("/do_post", "");
            assertEquals(200, task.status());
            assertEquals(408, caller.get(30, TimeUnit.SECONDS).status(), "no reply within do_get_timeout after the claim");
            assertEquals(404, quick.http.post("/do_post?token=" + task.header("Token"), "late").status());
        }
    }

    @Test
    void capacities_refuse_tasks_and_workers_beyond_the_cache_sizes() throws Exception {
        Map<String, String> settings = TestFacade.isolatedSettings();
        settings.put("hustmq.do_get_cache_size", "2");
        settings.put("hustmq.do_post_cache_size", "1");
        try (TestFacade small = TestFacade.start(settings)) {
            List<CompletableFuture<Response>> callers = new ArrayList<>();
            callers.add(small.http.async("POST", "/do_get?queue=cap", "a".getBytes()));
            callers.add(small.http.async("POST", "/do_get?queue=cap", "b".getBytes()));
            Await.until("two tasks", () -> small.http.get("/do_get_status").body().contains("\"unassigned_tasks\":2") ? true : null);
            assertEquals("{\"unassigned_tasks\":2,\"assigned_tasks\":0,\"free_tasks\":0,\"total\":2}", small.http.get("/do_get_status").body());
            assertEquals(404, small.http.post("/do_get?queue=cap", "c").status(), "no free task slot");
            for (int i = 0; i < 2; i++) {
                Response task = small.http.post("/do_post", "");
                small.http.post("/do_post?token=" + task.header("Token"), "done");
            }
            for (CompletableFuture<Response> caller : callers) {
                assertEquals("done", caller.get(30, TimeUnit.SECONDS).body());
            }
            CompletableFuture<Response> parkedWorker = small.http.async("POST", "/do_post", new byte[0]);
            Await.until("a parked worker", () -> small.http.get("/do_post_status").body().contains("\"cache_workers\":1") ? true : null);
            assertEquals(404, small.http.post("/do_post", "").status(), "no free worker slot");
            CompletableFuture<Response> caller = small.http.async("POST", "/do_get?queue=cap", "d".getBytes());
            Response task = parkedWorker.get(30, TimeUnit.SECONDS);
            assertEquals("d", task.body());
            small.http.post("/do_post?token=" + task.header("Token"), "ok");
            assertEquals("ok", caller.get(30, TimeUnit.SECONDS).body());
        }
    }

    @Test
    void a_worker_parked_on_another_node_serves_a_caller_on_this_one() throws Exception {
        Map<String, String> other = new HashMap<>(TestFacade.isolatedSettings());
        try (TestFacade second = TestFacade.start(other)) {
            CompletableFuture<Void> worker = fibonacciWorker(second.http, 3);
            Await.until("the remote worker is parked",
                    () -> second.http.get("/do_post_status").body().contains("\"cache_workers\":1") ? true : null);
            assertEquals("55", http.post("/do_get?queue=fib", "10").body());
            Await.until("the remote worker is parked again",
                    () -> second.http.get("/do_post_status").body().contains("\"cache_workers\":1") ? true : null);
            assertEquals("6765", http.post("/do_get?queue=fib", "20").body());
            // And the other way round: the caller first, the worker arrives later on the other node.
            Await.until("the remote worker is parked a third time",
                    () -> second.http.get("/do_post_status").body().contains("\"cache_workers\":1") ? true : null);
            assertEquals("1", http.post("/do_get?queue=fib", "1").body());
            worker.get(30, TimeUnit.SECONDS);
            assertFalse(http.get("/do_get_status").body().contains("\"assigned_tasks\":1"));
        }
    }

    @Test
    void a_caller_on_another_node_is_served_by_a_worker_that_arrives_later_here() throws Exception {
        try (TestFacade second = TestFacade.start()) {
            CompletableFuture<Response> caller = second.http.async("POST", "/do_get?queue=remote", "5".getBytes());
            Await.until("the task waits on the other node",
                    () -> second.http.get("/do_get_status").body().contains("\"unassigned_tasks\":1") ? true : null);
            Response task = Await.until("this node's worker gets the offered task", () -> {
                Response r = http.post("/do_post", "");
                return r.status() == 200 ? r : null;
            });
            assertEquals("remote", task.header("Queue"));
            assertEquals("5", task.body());
            assertEquals(200, http.post("/do_post?token=" + task.header("Token"), "five").status());
            assertEquals("five", caller.get(30, TimeUnit.SECONDS).body());
        }
    }
}
