package io.kqf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.kqf.engine.dedup.DedupRegistry;
import io.kqf.engine.dedup.PublishLocator;
import io.kqf.support.TestEngines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Finding a published message by its idempotency key, in the real test broker. */
class KeyedPublishLocatorTest {
    private final EngineRuntime runtime = TestEngines.start(java.time.Clock.systemUTC());
    private final QueueEngine engine = runtime.engine();
    private final PublishLocator locator = runtime.publishLocator();

    @AfterEach
    void stop() {
        runtime.close();
    }

    private StoredAt publish(String queue, String key, String body) throws Exception {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        if (key != null) {
            headers.put(DedupRegistry.KEY_HEADER, key.getBytes(StandardCharsets.UTF_8));
        }
        return engine.put(queue, 0, null, body.getBytes(StandardCharsets.UTF_8), headers).get(30, TimeUnit.SECONDS);
    }

    private Optional<StoredAt> locate(String queue, String key, long claimedAt) throws Exception {
        return locator.locate(queue, key, claimedAt).get(30, TimeUnit.SECONDS);
    }

    @Test
    void a_message_is_found_by_its_key_from_the_claim_time_on() throws Exception {
        long claimedAt = System.currentTimeMillis();
        publish("keyed", null, "before");
        publish("keyed", "other", "other");
        StoredAt mine = publish("keyed", "order-17", "mine");
        publish("keyed", null, "after");

        assertEquals(Optional.of(mine), locate("keyed", "order-17", claimedAt));
        assertEquals(Optional.empty(), locate("keyed", "order-18", claimedAt), "no message carries that key");
        assertEquals(Optional.empty(), locate("keyed", "order-17", claimedAt + 60_000),
                "a message stamped before the claim is not the claim's");
        assertEquals(Optional.empty(), locate("no-such-queue", "order-17", claimedAt));
    }
}
