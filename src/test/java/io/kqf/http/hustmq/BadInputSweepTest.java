package io.kqf.http.hustmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kqf.support.Http;
import io.kqf.support.Http.Response;
import io.kqf.support.TestFacade;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every malformed or refused hustmq request is a definite 4xx with an empty body and a reason in
 * {@code Kqf-Error}, and changes nothing (hustmq-api.md §0.1 REJECT rule, §0.2, §0.5, §7): never a
 * 5xx, never a dropped connection (the Http helper fails on one), never a side effect.
 *
 * <p>Three queues are prepared and their complete status (plus {@code /stat_all} and the worker
 * list) is compared before and after each sweep, value for value:
 * <ul>
 *   <li>{@code sweep}: ready [2,1,0], one outstanding lease, max 1000, timeout 200, worker
 *       {@code preparer}; unlocked and not full, so a bad request that slipped through would
 *       store, take, ack or reconfigure something;</li>
 *   <li>{@code locked_q}: locked, one item;</li>
 *   <li>{@code full_q}: max 1, one item.</li>
 * </ul>
 */
class BadInputSweepTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ERROR_HEADER = "Kqf-Error";
    private static final int ANY_CLIENT_ERROR = -1;
    /** Smaller than the default so that an over-limit item is cheap to send. */
    private static final int ITEM_MAX_BYTES = 64 * 1024;

    private static final String NAME_65 = "q".repeat(65);
    private static final String TEXT_4K = "k".repeat(4096);
    private static final String DIGITS_4K = "1".repeat(4096);
    /** Queue names that are missing, malformed or reserved (raw, as they appear in the URI). */
    private static final List<String> BAD_QUEUES = List.of(
            "", NAME_65, TEXT_4K, "a%20b", "a-b", "a+b", "a/b", "%73weep" /* "sweep" only if decoded */,
            "a.__x", "sweep.__p1", "sweep.__p2", "__consumer_offsets", "_kqf.meta", "_kqf.leases", ".", "..");
    private static final List<String> GARBAGE_NUMBERS = List.of("", "-1", "abc", "5x", "1.5", "256", DIGITS_4K);

    private static TestFacade facade;
    private static Http http;
    private static String leaseToken;

    @BeforeAll
    static void prepare() {
        Map<String, String> settings = TestFacade.isolatedSettings();
        settings.put("item.max.bytes", Integer.toString(ITEM_MAX_BYTES));
        facade = TestFacade.start(settings);
        http = facade.http;

        ok("/put?queue=sweep&item=zero-a");
        ok("/put?queue=sweep&item=zero-b&priori=0");
        ok("/put?queue=sweep&item=one-a&priori=1");
        ok("/put?queue=sweep&item=two-a&priori=2");
        ok("/timeout?queue=sweep&minute=200");
        ok("/max?queue=sweep&num=1000");
        Response leased = ok("/get?queue=sweep&worker=preparer&ack=false");
        assertEquals("two-a", leased.body());
        leaseToken = leased.header("Ack-Token");
        assertNotNull(leaseToken);

        ok("/put?queue=locked_q&item=x");
        ok("/lock?queue=locked_q&on=1");
        ok("/put?queue=full_q&item=x");
        ok("/max?queue=full_q&num=1");

        String sweep = ok("/stat?queue=sweep").body();
        assertTrue(sweep.contains("\"ready\":[2,1,0]") && sweep.contains("\"unacked\":1"), sweep);
    }

    @AfterAll
    static void stop() {
        facade.close();
    }

    @Test
    void put_refuses_every_missing_malformed_or_refused_parameter_without_storing() {
        List<Request> requests = new ArrayList<>();
        requests.add(get("/put"));
        requests.add(get("/put?item=x"));
        requests.add(get("/put?myqueue=sweep&item=x"));
        requests.add(get("/put?Queue=sweep&item=x"));
        requests.add(get("/put?queue&item=x"));
        for (String queue : BAD_QUEUES) {
            requests.add(get("/put?queue=" + queue + "&item=x"));
            requests.add(new Request("PUT", "/put?queue=" + queue, "x"));
            requests.add(new Request("POST", "/put?queue=" + queue + "&priori=1", "x"));
        }
        requests.add(get("/put?queue=sweep"));
        requests.add(get("/put?queue=sweep&item="));
        requests.add(get("/put?queue=sweep&item"));
        requests.add(new Request("POST", "/put?queue=sweep", ""));
        for (String priori : List.of("", "-1", "3", "abc", "1.5", "5x", "256", DIGITS_4K)) {
            requests.add(get("/put?queue=sweep&item=x&priori=" + priori));
            requests.add(new Request("PUT", "/put?queue=sweep&priori=" + priori, "x"));
        }
        requests.add(get("/put?queue=locked_q&item=x"));
        requests.add(new Request("POST", "/put?queue=locked_q&priori=2", "x"));
        requests.add(get("/put?queue=full_q&item=x"));
        requests.add(new Request("POST", "/put?queue=full_q&priori=1", TEXT_4K));
        assertRefusedWithoutStateChange(requests);
    }

    @Test
    void get_refuses_every_missing_malformed_or_refused_parameter_without_taking() {
        List<Request> requests = new ArrayList<>();
        requests.add(get("/get"));
        requests.add(get("/get?worker=worker1"));
        requests.add(get("/get?myqueue=sweep&worker=worker1"));
        for (String queue : BAD_QUEUES) {
            requests.add(get("/get?queue=" + queue + "&worker=worker1"));
        }
        requests.add(get("/get?queue=sweep"));
        requests.add(get("/get?queue=sweep&worker="));
        requests.add(get("/get?queue=sweep&worker"));
        requests.add(get("/get?queue=sweep&myworker=worker1"));
        requests.add(get("/get?queue=sweep&worker=abcd"));
        requests.add(get("/get?queue=sweep&worker=" + "w".repeat(33)));
        requests.add(get("/get?queue=sweep&worker=" + TEXT_4K));
        requests.add(get("/get?queue=sweep&worker=abcd&ack=false"));
        requests.add(get("/get?queue=sweep&worker=" + "w".repeat(33) + "&ack=false"));
        // Unknown queue: refused by state (404), and the worker is not remembered anywhere.
        requests.add(get("/get?queue=never_created&worker=worker1"));
        requests.add(get("/get?queue=never_created&worker=worker1&ack=false"));
        // HEAD would consume an item without returning it (hustmq-api.md §7).
        requests.add(new Request("HEAD", "/get?queue=sweep&worker=worker1", (byte[]) null));
        requests.add(new Request("HEAD", "/get?queue=sweep&worker=worker1&ack=false", (byte[]) null));
        assertRefusedWithoutStateChange(requests);
    }

    @Test
    void ack_refuses_every_missing_malformed_or_unusable_parameter_without_acknowledging() {
        String token = leaseToken;
        List<Request> requests = new ArrayList<>();
        requests.add(get("/ack"));
        // peer: missing, empty or naming a backend other than 0 ("-1" and "+1": see the test below).
        requests.add(get("/ack?queue=sweep&token=" + token));
        for (String peer : List.of("", "1", "256", "5x", "1.5", "01", DIGITS_4K)) {
            requests.add(get("/ack?queue=sweep&peer=" + peer + "&token=" + token));
        }
        requests.add(get("/ack?queue=sweep&mypeer=0&token=" + token));
        // queue: missing, malformed, reserved, unknown, or another queue than the token's.
        requests.add(get("/ack?peer=0&token=" + token));
        requests.add(get("/ack?myqueue=sweep&peer=0&token=" + token));
        for (String queue : BAD_QUEUES) {
            requests.add(get("/ack?queue=" + queue + "&peer=0&token=" + token));
        }
        requests.add(get("/ack?queue=never_created&peer=0&token=" + token));
        requests.add(get("/ack?queue=full_q&peer=0&token=" + token));
        requests.add(get("/ack?queue=locked_q&peer=0&token=" + token));
        // token: missing, malformed, or never issued.
        requests.add(get("/ack?queue=sweep&peer=0"));
        requests.add(get("/ack?queue=sweep&peer=0&mytoken=" + token));
        for (String bad : List.of("", "a%20b", "-1", "abc", "3", "5x", "1.5", "t".repeat(65), TEXT_4K,
                "0:0:999999", "3:0:1", "0:0:-1", "0:99:0", token.replace(':', '-'))) {
            requests.add(get("/ack?queue=sweep&peer=0&token=" + bad));
        }
        assertRefusedWithoutStateChange(requests);
    }

    @Test
    void timeout_refuses_every_missing_malformed_or_refused_parameter_without_changing_the_timeout() {
        List<Request> requests = new ArrayList<>();
        requests.add(get("/timeout"));
        requests.add(get("/timeout?minute=5"));
        requests.add(get("/timeout?myqueue=sweep&minute=5"));
        for (String queue : BAD_QUEUES) {
            requests.add(get("/timeout?queue=" + queue + "&minute=5"));
        }
        requests.add(get("/timeout?queue=sweep"));
        requests.add(get("/timeout?queue=sweep&minute"));
        requests.add(get("/timeout?queue=sweep&myminute=5"));
        for (String minute : GARBAGE_NUMBERS) {
            requests.add(get("/timeout?queue=sweep&minute=" + minute));
        }
        for (String minute : List.of("0", "00", "1000", "65536", "4294967297")) {
            requests.add(get("/timeout?queue=sweep&minute=" + minute));
        }
        requests.add(get("/timeout?queue=never_created&minute=5"));
        assertRefusedWithoutStateChange(requests);
    }

    @Test
    void lock_refuses_every_missing_malformed_or_refused_parameter_without_locking() {
        List<Request> requests = new ArrayList<>();
        requests.add(get("/lock"));
        requests.add(get("/lock?on=1"));
        requests.add(get("/lock?myqueue=sweep&on=1"));
        for (String queue : BAD_QUEUES) {
            requests.add(get("/lock?queue=" + queue + "&on=1"));
        }
        requests.add(get("/lock?queue=sweep"));
        requests.add(get("/lock?queue=sweep&on"));
        requests.add(get("/lock?queue=sweep&myon=1"));
        requests.add(get("/lock?queue=locked_q&on=abc"));
        for (String on : List.of("", "2", "-1", "abc", "1.5", "5x", "256", "01", "10", "true", "%31", DIGITS_4K)) {
            requests.add(get("/lock?queue=sweep&on=" + on));
        }
        requests.add(get("/lock?queue=never_created&on=1"));
        requests.add(get("/lock?queue=never_created&on=0"));
        assertRefusedWithoutStateChange(requests);
    }

    @Test
    void max_refuses_every_missing_malformed_or_refused_parameter_without_changing_the_limit() {
        List<Request> requests = new ArrayList<>();
        requests.add(get("/max"));
        requests.add(get("/max?num=5"));
        requests.add(get("/max?myqueue=sweep&num=5"));
        for (String queue : BAD_QUEUES) {
            requests.add(get("/max?queue=" + queue + "&num=5"));
        }
        requests.add(get("/max?queue=sweep"));
        requests.add(get("/max?queue=sweep&num"));
        requests.add(get("/max?queue=sweep&mynum=5"));
        for (String num : List.of("", "-1", "abc", "5x", "1.5", "+5", "5000001", "9999999999", "99999999999999999999",
                DIGITS_4K)) {
            requests.add(get("/max?queue=sweep&num=" + num));
            requests.add(get("/max?queue=full_q&num=" + num));
        }
        requests.add(get("/max?queue=never_created&num=5"));
        assertRefusedWithoutStateChange(requests);
    }

    @Test
    void purge_refuses_every_missing_malformed_or_refused_parameter_without_dropping_items() {
        List<Request> requests = new ArrayList<>();
        requests.add(get("/purge"));
        requests.add(get("/purge?priori=0"));
        requests.add(get("/purge?myqueue=sweep&priori=0"));
        for (String queue : BAD_QUEUES) {
            requests.add(get("/purge?queue=" + queue + "&priori=0"));
        }
        requests.add(get("/purge?queue=sweep"));
        requests.add(get("/purge?queue=sweep&priori"));
        requests.add(get("/purge?queue=sweep&mypriori=0"));
        for (String priori : List.of("", "3", "-1", "abc", "1.5", "5x", "256", "01", "+1", "%30", DIGITS_4K)) {
            requests.add(get("/purge?queue=sweep&priori=" + priori));
            requests.add(get("/purge?queue=full_q&priori=" + priori));
        }
        requests.add(get("/purge?queue=never_created&priori=0"));
        assertRefusedWithoutStateChange(requests);
    }

    @Test
    void worker_and_stat_refuse_missing_malformed_reserved_and_unknown_queues() {
        List<Request> requests = new ArrayList<>();
        for (String endpoint : List.of("/worker", "/stat")) {
            requests.add(get(endpoint));
            requests.add(get(endpoint + "?myqueue=sweep"));
            requests.add(get(endpoint + "?queue"));
            for (String queue : BAD_QUEUES) {
                requests.add(get(endpoint + "?queue=" + queue));
            }
            requests.add(get(endpoint + "?queue=never_created"));
            requests.add(get(endpoint + "?queue=Sweep"));
        }
        assertRefusedWithoutStateChange(requests);
    }

    @Test
    void endpoints_without_parameters_ignore_garbage_parameters_and_change_nothing() {
        State before = State.capture();
        for (String endpoint : List.of("/stat_all", "/autost", "/version", "/status.html")) {
            for (String garbage : List.of("", "?queue=a%20b", "?queue=" + TEXT_4K, "?x", "?=&&=", "?priori=-1&num=abc")) {
                Response answer = http.get(endpoint + garbage);
                assertEquals(200, answer.status(), endpoint + garbage + " → " + answer);
            }
        }
        assertEquals(before, State.capture());
    }

    @Test
    void head_get_is_405_and_consumes_nothing() {
        State before = State.capture();
        Response head = http.send("HEAD", "/get?queue=sweep&worker=worker1", null, null);
        assertEquals(405, head.status(), head.toString());
        assertEquals(0, head.bytes().length);
        assertErrorHeader(head);
        assertEquals(before, State.capture());
    }

    @Test
    void unknown_paths_are_404_with_empty_body_and_a_reason() {
        List<Request> requests = new ArrayList<>();
        for (String path : List.of("/nosuch", "/hustmq/put?queue=sweep&item=x", "/hustmq/stat_all", "/stat_all/x",
                "/PUT?queue=sweep&item=x", "/get/sweep")) {
            requests.add(get(path));
        }
        requests.add(new Request("POST", "/nosuch?queue=sweep", "x"));
        assertRefusedWithoutStateChange(requests, 404);
    }

    /** hustmq-api.md §0.2: request lines of at least 4 KB (items sent as {@code item=}). */
    @Test
    void a_request_line_of_four_kilobytes_is_accepted() {
        for (int length : new int[] {3_500, 4_096}) {
            String item = "i".repeat(length);
            Response put = http.get("/put?queue=long_line&item=" + item);
            assertEquals(200, put.status(), "item of " + length + " chars: " + put);
            Response got = http.get("/get?queue=long_line&worker=worker1");
            assertEquals(200, got.status());
            assertEquals(item, got.body());
        }
    }

    @Test
    void an_item_over_item_max_bytes_or_the_request_limit_is_refused_without_storing() {
        byte[] justOver = new byte[ITEM_MAX_BYTES + 1];
        Arrays.fill(justOver, (byte) 'o');
        byte[] farOver = new byte[4 * ITEM_MAX_BYTES];
        Arrays.fill(farOver, (byte) 'f');
        assertRefusedWithoutStateChange(List.of(
                new Request("POST", "/put?queue=sweep", justOver),
                new Request("PUT", "/put?queue=sweep&priori=1", justOver),
                new Request("POST", "/put?queue=sweep", farOver),
                new Request("POST", "/put?queue=a%20b", farOver)));
        byte[] atLimit = new byte[ITEM_MAX_BYTES];
        Arrays.fill(atLimit, (byte) 'a');
        assertEquals(200, http.send("POST", "/put?queue=at_limit", atLimit, null).status(), "an item of exactly the limit");
    }

    /**
     * Kafka refuses a topic whose name collides with an existing one once '.' and '_' are treated
     * alike ("col.x" vs "col_x"); the facade must then refuse the put like any other queue it cannot
     * create (hustmq-api.md §0.1, §6 item 4) or keep the queues apart — never fail with a 5xx.
     */
    @Test
    void a_queue_name_that_collides_with_another_in_kafka_is_refused_or_kept_apart_never_a_server_error() {
        assertEquals(200, http.get("/put?queue=col.x&item=dot").status());
        Response put = http.get("/put?queue=col_x&item=underscore");
        assertTrue(put.status() == 200 || isClientError(put.status()), "/put?queue=col_x → " + put);
        if (put.status() == 200) {
            assertEquals("underscore", http.get("/get?queue=col_x&worker=worker1").body());
        } else {
            assertEquals("", put.body());
            assertErrorHeader(put);
            assertEquals(404, http.get("/stat?queue=col_x").status(), "a refused put creates no queue");
        }
        // Lane 1 of "col" is the topic "col.__p1", which collides with the queue name "col___p1".
        assertEquals(200, http.get("/put?queue=col&item=lane1&priori=1").status());
        Response lane = http.get("/put?queue=col___p1&item=x");
        assertTrue(lane.status() == 200 || isClientError(lane.status()), "/put?queue=col___p1 → " + lane);
        assertEquals("lane1", http.get("/get?queue=col&worker=worker1").body());
        assertEquals("dot", http.get("/get?queue=col.x&worker=worker1").body());
    }

    /**
     * The original parses {@code peer} with {@code strtoull}, which reads "-1" as 2^64-1 and "+1" as
     * 1: both name a backend that does not exist, so the original refuses the ack (hustmq-api.md
     * §2.6). Only values without a leading number (or zeros) mean backend 0.
     */
    @Test
    void ack_with_a_signed_peer_is_refused_and_the_delivery_stays_outstanding() {
        List<String> wrong = new ArrayList<>();
        for (String peer : List.of("-1", "+1", "-5")) {
            String token = leaseOne("signed_peer");
            Response answer = http.get("/ack?queue=signed_peer&peer=" + peer + "&token=" + token);
            if (!isClientError(answer.status()) || unacked("signed_peer") != 1) {
                wrong.add("peer=" + peer + " → " + answer.status() + ", unacked " + unacked("signed_peer"));
            }
            int cleanUp = http.get("/ack?queue=signed_peer&peer=0&token=" + token).status();
            assertTrue(cleanUp == 200 || cleanUp == 412, "clean-up ack → " + cleanUp);
        }
        assertEquals(List.of(), wrong, "acks routed to a backend that does not exist");
    }

    /**
     * A token is opaque: only the exact text handed out in {@code Ack-Token} names the delivery.
     * Another spelling of the same numbers (leading zeros) was never issued: 412 (hustmq-api.md §2.6).
     */
    @Test
    void ack_with_a_respelled_token_that_was_never_issued_is_412_and_acks_nothing() {
        List<String> wrong = new ArrayList<>();
        for (int variant = 0; variant < 3; variant++) {
            String token = leaseOne("respelled");
            String[] parts = token.split(":");
            assertEquals(3, parts.length, token);
            parts[variant] = "0" + parts[variant];
            String respelled = String.join(":", parts);
            Response answer = http.get("/ack?queue=respelled&peer=0&token=" + respelled);
            if (answer.status() != 412 || unacked("respelled") != 1) {
                wrong.add(respelled + " (issued " + token + ") → " + answer.status() + ", unacked " + unacked("respelled"));
            }
            int cleanUp = http.get("/ack?queue=respelled&peer=0&token=" + token).status();
            assertTrue(cleanUp == 200 || cleanUp == 412, "clean-up ack → " + cleanUp);
        }
        assertEquals(List.of(), wrong, "tokens that were never issued acknowledged a delivery");
    }

    // --- helpers -------------------------------------------------------------------------------

    /** A request of the sweep: method, raw path and query, optional body. */
    private record Request(String method, String target, byte[] body) {
        Request(String method, String target, String body) {
            this(method, target, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            String shown = target.length() > 140 ? target.substring(0, 140) + "…(" + target.length() + " chars)" : target;
            return method + " " + shown + (body == null ? "" : " [body " + body.length + " bytes]");
        }
    }

    private static Request get(String target) {
        return new Request("GET", target, (byte[]) null);
    }

    /** Sends every request; lists each answer that is not a proper refusal, then compares the state. */
    private static void assertRefusedWithoutStateChange(List<Request> requests) {
        assertRefusedWithoutStateChange(requests, ANY_CLIENT_ERROR);
    }

    private static void assertRefusedWithoutStateChange(List<Request> requests, int expectedStatus) {
        State before = State.capture();
        List<String> wrong = new ArrayList<>();
        for (Request request : requests) {
            Response answer;
            try {
                answer = http.send(request.method, request.target, request.body, null);
            } catch (AssertionError dropped) {
                wrong.add(request + " → no HTTP answer: " + dropped.getMessage());
                continue;
            }
            String problem = refusalProblem(answer, expectedStatus);
            if (problem != null) {
                wrong.add(request + " → " + problem);
            }
        }
        String expected = expectedStatus == ANY_CLIENT_ERROR ? "4xx" : Integer.toString(expectedStatus);
        assertEquals(List.of(), wrong, "requests not answered with " + expected + " + empty body + Kqf-Error");
        assertEquals(before, State.capture(), "a refused request changed state");
    }

    private static String refusalProblem(Response answer, int expectedStatus) {
        List<String> problems = new ArrayList<>();
        if (expectedStatus == ANY_CLIENT_ERROR ? !isClientError(answer.status()) : answer.status() != expectedStatus) {
            problems.add("status " + answer.status());
        }
        if (answer.bytes().length != 0) {
            String body = answer.body();
            problems.add("body '" + (body.length() > 60 ? body.substring(0, 60) + "…" : body) + "'");
        }
        String reason = answer.header(ERROR_HEADER);
        if (reason == null || reason.isBlank()) {
            problems.add("no " + ERROR_HEADER + " header");
        }
        return problems.isEmpty() ? null : String.join(", ", problems) + " (Kqf-Error: " + reason + ")";
    }

    private static boolean isClientError(int status) {
        return status >= 400 && status < 500;
    }

    private static void assertErrorHeader(Response answer) {
        String reason = answer.header(ERROR_HEADER);
        assertNotNull(reason, "Kqf-Error header on " + answer);
        assertFalse(reason.isBlank(), "non-empty Kqf-Error on " + answer);
    }

    /** Puts one item into {@code queue} and leases it; the queue then has exactly one unacked delivery. */
    private static String leaseOne(String queue) {
        ok("/put?queue=" + queue + "&item=x");
        String token = ok("/get?queue=" + queue + "&worker=worker1&ack=false").header("Ack-Token");
        assertNotNull(token);
        assertEquals(1, unacked(queue));
        return token;
    }

    private static long unacked(String queue) {
        String stat = ok("/stat?queue=" + queue).body();
        return Long.parseLong(stat.replaceAll(".*\"unacked\":(\\d+).*", "$1"));
    }

    private static Response ok(String target) {
        Response answer = http.get(target);
        assertEquals(200, answer.status(), target + " → " + answer);
        return answer;
    }

    /** Everything a client can observe about the prepared queues, compared value for value. */
    private record State(String sweep, String locked, String full, Set<JsonNode> all, Set<JsonNode> sweepWorkers) {
        static State capture() {
            return new State(ok("/stat?queue=sweep").body(), ok("/stat?queue=locked_q").body(),
                    ok("/stat?queue=full_q").body(), jsonSet(ok("/stat_all").body()),
                    jsonSet(ok("/worker?queue=sweep").body()));
        }

        private static Set<JsonNode> jsonSet(String array) {
            try {
                Set<JsonNode> set = new HashSet<>();
                JSON.readTree(array).forEach(set::add);
                return set;
            } catch (IOException e) {
                throw new AssertionError("not a JSON array: " + array, e);
            }
        }
    }
}
