package io.kqf.engine.subscribe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Arrays;

import io.kqf.engine.select.DestinationPattern;
import org.junit.jupiter.api.Test;

/** The subscription log's record format: what is written reads back as it was; what is not, is refused. */
class SubscriptionLogTest {

    @Test
    void a_subscription_reads_back_as_written() {
        SubscriptionSpec spec = new SubscriptionSpec(DestinationPattern.parse("uk.products.>"),
                "colour = 'rød' AND price > 10", 25, Duration.ofSeconds(90), Duration.ofMillis(1500), 3);
        SubscriptionLog.Saved saved = new SubscriptionLog.Saved("abc.def", spec, 1_700_000_000_000L, 1_700_000_090_000L);

        assertEquals(saved, SubscriptionLog.decode("abc.def", SubscriptionLog.encode(saved)));
    }

    @Test
    void no_selector_stays_none() {
        SubscriptionSpec spec = new SubscriptionSpec(DestinationPattern.parse("jobs"), null, 1, Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1);
        SubscriptionLog.Saved saved = new SubscriptionLog.Saved("x", spec, 0, 1000);

        assertEquals(null, SubscriptionLog.decode("x", SubscriptionLog.encode(saved)).spec().selector());
    }

    @Test
    void a_truncated_or_foreign_record_is_refused() {
        SubscriptionSpec spec = new SubscriptionSpec(DestinationPattern.parse("jobs"), null, 1, Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1);
        byte[] written = SubscriptionLog.encode(new SubscriptionLog.Saved("x", spec, 0, 1000));

        assertThrows(IllegalArgumentException.class,
                () -> SubscriptionLog.decode("x", Arrays.copyOf(written, written.length - 3)));
        written[0] = 9;
        assertThrows(IllegalArgumentException.class, () -> SubscriptionLog.decode("x", written));
    }
}
