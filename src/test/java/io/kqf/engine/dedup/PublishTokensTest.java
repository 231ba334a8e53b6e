package io.kqf.engine.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import io.kqf.engine.EngineException;
import io.kqf.support.TestClock;
import org.junit.jupiter.api.Test;

/** Publish tokens: signed, bound to a queue, expiring; every refusal is a BAD_REQUEST with a reason. */
class PublishTokensTest {
    private static final TokenSecret SECRET = TokenSecret.configured("a test secret of enough bytes");

    private final TestClock clock = new TestClock();
    private final PublishTokens tokens = new PublishTokens(SECRET, clock);

    private static void assertRefused(String reasonPart, Runnable verify) {
        EngineException e = assertThrows(EngineException.class, verify::run);
        assertEquals(EngineException.Reason.BAD_REQUEST, e.reason());
        assertTrue(e.getMessage().contains(reasonPart), e.getMessage());
    }

    @Test
    void a_minted_token_verifies_for_its_queue_and_carries_a_nonce_and_the_expiry() {
        long before = clock.millis();
        String token = tokens.mint("uk.products.books");
        assertTrue(token.matches("[A-Za-z0-9_-]+"), "URL-safe, no padding: " + token);

        PublishTokens.Verified verified = tokens.verify(token, "uk.products.books");

        assertEquals(22, verified.nonce().length(), "128 bits in Base64url");
        assertTrue(verified.expiresAt() >= before + Duration.ofHours(24).toMillis());
        assertTrue(verified.expiresAt() <= clock.millis() + Duration.ofHours(24).toMillis());
        assertEquals(verified, tokens.verify(token, "uk.products.books"), "verifying twice gives the same answer");
    }

    @Test
    void two_tokens_for_one_queue_have_different_nonces() {
        assertNotEquals(tokens.verify(tokens.mint("q"), "q").nonce(), tokens.verify(tokens.mint("q"), "q").nonce());
    }

    @Test
    void a_token_verifies_on_another_node_sharing_the_secret() {
        PublishTokens otherNode = new PublishTokens(TokenSecret.configured("a test secret of enough bytes"), clock);
        String token = tokens.mint("q");
        assertEquals(tokens.verify(token, "q"), otherNode.verify(token, "q"));
    }

    @Test
    void a_token_signed_with_another_secret_is_forged() {
        PublishTokens stranger = new PublishTokens(TokenSecret.configured("somebody else's secret"), clock);
        assertRefused("forged", () -> tokens.verify(stranger.mint("q"), "q"));
    }

    @Test
    void a_token_with_a_changed_signature_byte_is_forged() {
        byte[] raw = Base64.getUrlDecoder().decode(tokens.mint("q"));
        raw[raw.length - 1] ^= 1;
        assertRefused("forged", () -> tokens.verify(Base64.getUrlEncoder().withoutPadding().encodeToString(raw), "q"));
    }

    @Test
    void a_token_whose_queue_was_rewritten_is_forged() {
        byte[] raw = Base64.getUrlDecoder().decode(tokens.mint("qa"));
        // The queue name sits right before the 32-byte signature.
        raw[raw.length - 32 - 1] = 'b';
        String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        assertRefused("forged", () -> tokens.verify(tampered, "qb"));
    }

    @Test
    void a_token_for_another_queue_is_refused() {
        assertRefused("another queue", () -> tokens.verify(tokens.mint("orders"), "invoices"));
    }

    @Test
    void a_token_expires_after_the_window() {
        String token = tokens.mint("q");
        clock.advance(Duration.ofHours(24).minusSeconds(1));
        tokens.verify(token, "q");
        clock.advance(Duration.ofSeconds(1));
        assertRefused("expired", () -> tokens.verify(token, "q"));
    }

    @Test
    void the_window_can_be_shorter_than_a_day() {
        PublishTokens minute = new PublishTokens(SECRET, Duration.ofMinutes(1), clock);
        String token = minute.mint("q");
        clock.advance(Duration.ofMinutes(1));
        assertRefused("expired", () -> minute.verify(token, "q"));
    }

    @Test
    void malformed_tokens_are_refused() {
        assertRefused("missing", () -> tokens.verify("", "q"));
        assertRefused("missing", () -> tokens.verify(null, "q"));
        assertRefused("malformed", () -> tokens.verify("not/base64url!", "q"));
        assertRefused("malformed", () -> tokens.verify("c2hvcnQ", "q"));
        String longGarbage = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("x".repeat(80).getBytes(StandardCharsets.UTF_8));
        assertRefused("forged", () -> tokens.verify(longGarbage, "q"));
    }

    @Test
    void a_configured_secret_must_not_be_trivially_short() {
        assertThrows(IllegalArgumentException.class, () -> TokenSecret.configured("short"));
    }
}
