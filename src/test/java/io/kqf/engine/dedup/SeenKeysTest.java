package io.kqf.engine.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The key fingerprints: no false "new", expiry with the window, and "maybe" beyond the bound. */
class SeenKeysTest {
    private static final Duration WINDOW = Duration.ofHours(24);
    private static final long T0 = 1_700_000_000_000L;

    @Test
    void a_recorded_key_might_have_an_entry_and_an_unknown_one_has_none() {
        SeenKeys seen = new SeenKeys(WINDOW, 1_000_000);
        for (int i = 0; i < 100_000; i++) {
            seen.add("queue\u0000key-" + i, T0, T0);
        }
        for (int i = 0; i < 100_000; i++) {
            assertTrue(seen.mightHave("queue\u0000key-" + i, T0 + 1), "key-" + i);
        }
        int falseMaybes = 0;
        for (int i = 0; i < 100_000; i++) {
            if (seen.mightHave("queue\u0000other-" + i, T0 + 1)) {
                falseMaybes++;
            }
        }
        assertEquals(0, falseMaybes, "64-bit fingerprints of 100,000 keys do not collide");
        assertEquals(100_000, seen.size());
    }

    @Test
    void a_key_is_forgotten_once_its_claim_is_older_than_the_window() {
        SeenKeys seen = new SeenKeys(WINDOW, 1_000);
        seen.add("k", T0, T0);
        long bucket = WINDOW.toMillis() / 24;
        assertTrue(seen.mightHave("k", T0 + WINDOW.toMillis() - 1));
        assertFalse(seen.mightHave("k", T0 + WINDOW.toMillis() + bucket), "its whole bucket is older than the window");
        assertEquals(0, seen.size());
    }

    @Test
    void beyond_its_bound_every_answer_is_maybe_until_the_unrecorded_keys_expire() {
        SeenKeys seen = new SeenKeys(WINDOW, 2);
        seen.add("a", T0, T0);
        seen.add("b", T0, T0);
        seen.add("c", T0 + 1000, T0 + 1000);

        assertTrue(seen.mightHave("c", T0 + 2000), "c was not recorded: no answer may say it is new");
        assertTrue(seen.mightHave("never", T0 + 2000));
        assertFalse(seen.mightHave("never", T0 + 1000 + WINDOW.toMillis() + WINDOW.toMillis() / 24));
    }
}
