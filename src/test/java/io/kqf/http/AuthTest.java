package io.kqf.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.kqf.support.Http;
import io.kqf.support.Http.Response;
import io.kqf.support.TestFacade;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP basic authentication (hustmq-api.md §0.4): a {@code user:password} file, endpoints exempt by
 * {@code auth.filter} (default get, sub, version), 401 with {@code WWW-Authenticate: Basic
 * realm="…"} before anything else is looked at, and a refused request is not processed.
 */
class AuthTest {
    private static final String GOOD = basic("huststore:huststore");
    private static final String OTHER_USER = basic("alice:s3cret:with:colons");
    private static final String DEFAULT_CHALLENGE = "Basic realm=\"Authentication\"";
    /** Endpoints outside the default filter, each with parameters that would be valid. */
    private static final List<String> PROTECTED = List.of(
            "/put?queue=guarded&item=x", "/stat?queue=guarded", "/ack?queue=guarded&peer=0&token=0:0:0",
            "/autost", "/stat_all", "/timeout?queue=guarded&minute=7", "/lock?queue=guarded&on=1",
            "/max?queue=guarded&num=9", "/purge?queue=guarded&priori=1", "/worker?queue=guarded");

    @TempDir
    static Path dir;
    private static Path authFile;
    private static TestFacade facade;
    private static Http http;

    @BeforeAll
    static void start() throws IOException {
        authFile = dir.resolve("htpasswd");
        Files.writeString(authFile, "# kqf test users\nhuststore:huststore\n\nalice:s3cret:with:colons\n",
                StandardCharsets.UTF_8);
        Map<String, String> settings = TestFacade.isolatedSettings();
        settings.put("auth.file", authFile.toString());
        facade = TestFacade.start(settings);
        http = facade.http;
    }

    @AfterAll
    static void stop() {
        facade.close();
    }

    @Test
    void protected_endpoints_answer_401_with_the_basic_challenge_without_credentials() {
        List<String> wrong = new ArrayList<>();
        for (String target : PROTECTED) {
            checkChallenged(http.send("GET", target, null, null), DEFAULT_CHALLENGE, "GET " + target, wrong);
            checkChallenged(http.send("POST", target, "x".getBytes(StandardCharsets.UTF_8), null), DEFAULT_CHALLENGE,
                    "POST " + target, wrong);
        }
        assertEquals(List.of(), wrong);
        assertEquals(404, as(GOOD, "/stat?queue=guarded").status(), "the refused puts created nothing");
    }

    @Test
    void wrong_credentials_are_refused_like_missing_ones_and_change_nothing() {
        ok(GOOD, "/put?queue=wrong_creds&item=x");
        String token = ok(null, "/get?queue=wrong_creds&worker=worker1&ack=false").header("Ack-Token");
        String statBefore = ok(GOOD, "/stat?queue=wrong_creds").body();
        List<String> attempts = List.of(
                basic("huststore:wrong"), basic("wrong:huststore"), basic("huststore:"), basic("huststore"),
                basic(":huststore"), basic("huststore:huststore "), basic("HUSTSTORE:huststore"),
                "Basic ", "Basic !!!not-base64!!!", "Bearer huststore", "huststore:huststore",
                "Digest username=\"huststore\"");
        List<String> wrong = new ArrayList<>();
        for (String authorization : attempts) {
            for (String target : List.of("/put?queue=wrong_creds&item=y", "/stat?queue=wrong_creds",
                    "/ack?queue=wrong_creds&peer=0&token=" + token, "/autost", "/lock?queue=wrong_creds&on=1")) {
                checkChallenged(http.send("GET", target, null, authorization), DEFAULT_CHALLENGE,
                        "Authorization: " + authorization + " on " + target, wrong);
            }
        }
        assertEquals(List.of(), wrong);
        assertEquals(statBefore, ok(GOOD, "/stat?queue=wrong_creds").body(), "nothing stored, acked or locked");
    }

    @Test
    void get_and_version_are_exempt_by_default() {
        Response empty = http.send("GET", "/get?queue=exempt_never_created&worker=worker1", null, null);
        assertEquals(404, empty.status(), "an empty queue is 404, not 401: " + empty);
        assertNull(empty.header("WWW-Authenticate"));

        ok(GOOD, "/put?queue=exempt&item=hello");
        Response got = http.send("GET", "/get?queue=exempt&worker=worker1", null, null);
        assertEquals(200, got.status(), got.toString());
        assertEquals("hello", got.body());

        Response version = http.send("GET", "/version", null, null);
        assertEquals(200, version.status(), version.toString());
        assertTrue(version.body().startsWith("kqf "), version.body());
        // Wrong credentials on an exempt endpoint are ignored, as nginx ignores them there.
        assertEquals(200, http.send("GET", "/version", null, basic("huststore:wrong")).status());
    }

    @Test
    void correct_credentials_are_served_by_every_protected_endpoint() {
        for (String user : List.of(GOOD, OTHER_USER)) {
            String queue = user.equals(GOOD) ? "served" : "served_alice";
            ok(user, "/put?queue=" + queue + "&item=a");
            ok(user, "/put?queue=" + queue + "&item=b&priori=1");
            assertTrue(ok(user, "/stat?queue=" + queue).body().contains("\"ready\":[1,1,0]"));
            String token = ok(null, "/get?queue=" + queue + "&worker=worker1&ack=false").header("Ack-Token");
            assertNotNull(token);
            ok(user, "/ack?queue=" + queue + "&peer=0&token=" + token);
            ok(user, "/autost");
            assertTrue(ok(user, "/stat_all").body().contains("\"queue\":\"" + queue + "\""));
            ok(user, "/timeout?queue=" + queue + "&minute=7");
            ok(user, "/lock?queue=" + queue + "&on=1");
            ok(user, "/max?queue=" + queue + "&num=9");
            assertTrue(ok(user, "/worker?queue=" + queue).body().contains("\"w\":\"worker1\""));
            String attributes = ok(user, "/stat?queue=" + queue).body().replaceAll("\"si\".*", "");
            assertEquals("{\"queue\":\"" + queue + "\",\"type\":0,\"ready\":[1,0,0],\"max\":9,\"lock\":1,", attributes);
            ok(user, "/purge?queue=" + queue + "&priori=0");
            assertEquals(404, as(user, "/stat?queue=" + queue).status(), "purging the last lane deleted it");
        }
    }

    @Test
    void authentication_is_checked_before_parameters_state_and_methods() {
        List<String> wrong = new ArrayList<>();
        for (String target : List.of("/put?queue=a%20b&item=x", "/put", "/stat", "/stat?queue=_kqf.meta",
                "/stat?queue=never_created", "/ack", "/ack?queue=never_created&peer=0&token=0:0:0",
                "/timeout?queue=guarded&minute=0", "/lock?queue=guarded&on=2", "/max?queue=guarded&num=-1",
                "/purge?queue=guarded&priori=9", "/worker")) {
            checkChallenged(http.send("GET", target, null, null), DEFAULT_CHALLENGE, "GET " + target, wrong);
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void a_custom_filter_and_realm_make_get_require_credentials() {
        Map<String, String> settings = TestFacade.isolatedSettings();
        settings.put("auth.file", authFile.toString());
        settings.put("auth.filter", "version");
        settings.put("auth.realm", "kqf test realm");
        try (TestFacade custom = TestFacade.start(settings)) {
            String challenge = "Basic realm=\"kqf test realm\"";
            List<String> wrong = new ArrayList<>();
            checkChallenged(custom.http.send("GET", "/get?queue=custom&worker=worker1", null, null), challenge,
                    "GET /get", wrong);
            checkChallenged(custom.http.send("GET", "/get?queue=custom&worker=worker1", null, basic("huststore:x")),
                    challenge, "GET /get with a wrong password", wrong);
            // Authentication comes before the method check (HEAD /get is 405 once authenticated).
            checkChallenged(custom.http.send("HEAD", "/get?queue=custom&worker=worker1", null, null), challenge,
                    "HEAD /get", wrong);
            checkChallenged(custom.http.send("GET", "/put?queue=custom&item=x", null, null), challenge, "GET /put", wrong);
            assertEquals(List.of(), wrong);

            assertEquals(200, custom.http.send("GET", "/version", null, null).status(), "version stays exempt");
            assertEquals(405, custom.http.send("HEAD", "/get?queue=custom&worker=worker1", null, GOOD).status());
            assertEquals(404, custom.http.send("GET", "/get?queue=custom&worker=worker1", null, GOOD).status());
            assertEquals(200, custom.http.send("GET", "/put?queue=custom&item=x", null, GOOD).status());
            Response got = custom.http.send("GET", "/get?queue=custom&worker=worker1", null, GOOD);
            assertEquals(200, got.status());
            assertEquals("x", got.body());
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    private static Response as(String authorization, String target) {
        return http.send("GET", target, null, authorization);
    }

    private static Response ok(String authorization, String target) {
        Response answer = as(authorization, target);
        assertEquals(200, answer.status(), target + " → " + answer);
        return answer;
    }

    private static void checkChallenged(Response answer, String challenge, String what, List<String> wrong) {
        if (answer.status() != 401 || !challenge.equals(answer.header("WWW-Authenticate"))) {
            wrong.add(what + " → " + answer.status() + " WWW-Authenticate: " + answer.header("WWW-Authenticate"));
        }
    }
}
