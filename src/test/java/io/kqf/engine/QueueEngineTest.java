package io.kqf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import io.kqf.support.TestClock;
import io.kqf.support.TestEngines;
import io.kqf.support.TestFacade;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's API without HTTP, against the real test broker: leases with holders, attempts,
 * renew and release; several partitions per queue; lanes by priority; a restart that keeps leases.
 */
class QueueEngineTest {
    private final TestClock clock = new TestClock();
    private final Map<String, String> settings = TestFacade.isolatedSettings();
    private final List<EngineRuntime> started = new ArrayList<>();
    private EngineRuntime runtime = start();
    private QueueEngine engine = runtime.engine();

    private EngineRuntime start() {
        EngineRuntime node = TestEngines.start(settings, clock);
        started.add(node);
        return node;
    }

    @AfterEach
    void stop() {
        for (EngineRuntime node : started) {
            node.engine().checkInvariants();
            node.close();
        }
    }

    private static <T> T done(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    private Delivery take(String queue, DeliveryMode mode) throws Exception {
        return done(engine.deliver(queue, "consumer", mode)).orElseThrow(() -> new AssertionError("nothing delivered"));
    }

    private static String text(Delivery delivery) {
        return new String(delivery.body(), StandardCharsets.UTF_8);
    }

    private static EngineException.Reason refusal(CompletableFuture<?> future) {
        CompletionException failed = assertThrows(CompletionException.class, future::join);
        return ((EngineException) failed.getCause()).reason();
    }

    private static EngineException.Reason refusal(Runnable call) {
        return assertThrows(EngineException.class, call::run).reason();
    }

    @Test
    void a_subscription_lease_is_settled_only_by_its_holder_and_its_current_attempt() throws Exception {
        done(engine.put("leased", 0, "m".getBytes(StandardCharsets.UTF_8)));
        Delivery first = take("leased", DeliveryMode.leaseTo("sub-a", Duration.ofMinutes(1)));
        assertEquals(1, first.attempt());
        assertEquals(EngineException.Reason.NOT_OUTSTANDING, refusal(() -> engine.ack("leased", first.token(), "sub-b")));

        done(engine.release("leased", first.token(), "sub-a", Duration.ZERO));
        Delivery second = take("leased", DeliveryMode.leaseTo("sub-b", Duration.ofMinutes(1)));
        assertEquals("m", text(second));
        assertEquals(2, second.attempt(), "a release's redelivery counts");
        assertEquals(EngineException.Reason.STALE, refusal(() -> engine.ack("leased", first.token(), "sub-b")));
        done(engine.ack("leased", second.token(), "sub-b"));
        assertEquals(Optional.empty(), done(engine.deliver("leased", "consumer", DeliveryMode.autoAcked())));
    }

    @Test
    void renew_keeps_a_lease_past_its_first_deadline() throws Exception {
        done(engine.put("renewed", 0, "m".getBytes(StandardCharsets.UTF_8)));
        Delivery delivery = take("renewed", DeliveryMode.leaseTo("sub-a", Duration.ofSeconds(30)));
        long deadline = done(engine.renew("renewed", delivery.token(), "sub-a", Duration.ofMinutes(10)));
        assertTrue(deadline >= clock.millis() + Duration.ofMinutes(9).toMillis());
        clock.advance(Duration.ofMinutes(1));
        assertEquals(Optional.empty(), done(engine.deliver("renewed", "consumer", DeliveryMode.autoAcked())),
                "still leased after its first deadline");
        clock.advance(Duration.ofMinutes(10));
        assertEquals(2, take("renewed", DeliveryMode.autoAcked()).attempt(), "due after the renewed deadline");
    }

    @Test
    void a_queue_with_three_partitions_delivers_every_record_exactly_once() throws Exception {
        engine.create("wide", 3);
        Set<String> put = new HashSet<>();
        List<CompletableFuture<StoredAt>> writes = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            put.add("m" + i);
            writes.add(engine.put("wide", 0, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    ("m" + i).getBytes(StandardCharsets.UTF_8), Map.of("h", "v".getBytes(StandardCharsets.UTF_8))));
        }
        for (CompletableFuture<StoredAt> write : writes) {
            done(write);
        }
        Set<String> got = new HashSet<>();
        Set<Integer> partitions = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            Delivery delivery = take("wide", DeliveryMode.autoAcked());
            assertTrue(got.add(text(delivery)), "delivered twice: " + text(delivery));
            assertEquals("v", new String(delivery.message().headers().get(0).value(), StandardCharsets.UTF_8));
            partitions.add(delivery.partition());
        }
        assertEquals(put, got);
        assertTrue(partitions.size() > 1, "keys spread over the partitions: " + partitions);
        assertEquals(30, engine.stat("wide").end(0));
        assertEquals(0, engine.stat("wide").ready(0));
    }

    @Test
    void higher_lanes_go_first_and_a_priority_beyond_the_lanes_is_refused() throws Exception {
        done(engine.put("lanes", 0, "low".getBytes(StandardCharsets.UTF_8)));
        done(engine.put("lanes", 2, "high".getBytes(StandardCharsets.UTF_8)));
        done(engine.put("lanes", 1, "mid".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("high", "mid", "low"), List.of(text(take("lanes", DeliveryMode.autoAcked())),
                text(take("lanes", DeliveryMode.autoAcked())), text(take("lanes", DeliveryMode.autoAcked()))));
        assertEquals(EngineException.Reason.BAD_REQUEST, refusal(() -> engine.put("lanes", 3, new byte[] {1})));
        assertEquals(List.of(0, 1, 2), engine.stat("lanes").lanes().stream().map(QueueStat.LaneStat::priority).toList());
    }

    @Test
    void a_lease_survives_a_restart_with_its_holder_deadline_and_attempt() throws Exception {
        done(engine.put("kept", 0, "m".getBytes(StandardCharsets.UTF_8)));
        Delivery delivery = take("kept", DeliveryMode.leaseTo("sub-a", Duration.ofMinutes(5)));
        runtime.close();
        started.remove(runtime);
        runtime = start();
        engine = runtime.engine();
        assertEquals(1, engine.stat("kept").unacked());
        assertEquals(Optional.empty(), done(engine.deliver("kept", "consumer", DeliveryMode.autoAcked())),
                "the lease is honoured after the restart");
        assertEquals(EngineException.Reason.NOT_OUTSTANDING, refusal(() -> engine.ack("kept", delivery.token(), "sub-b")));
        clock.advance(Duration.ofMinutes(6));
        Delivery again = take("kept", DeliveryMode.leaseTo("sub-b", Duration.ofMinutes(5)));
        assertEquals(2, again.attempt(), "the attempt count survived the restart");
        done(engine.ack("kept", again.token(), "sub-b"));
        assertEquals(0, engine.stat("kept").unacked());
    }
}
