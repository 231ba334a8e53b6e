package io.kqf.engine.rpc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/** The exchanges of one test: one in-memory network, one hand-driven time. */
final class TestNodes {
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(180);
    static final Duration WORKER_TIMEOUT = Duration.ofSeconds(120);
    static final TaskExchange.Limits LIMITS = new TaskExchange.Limits(4, 4, CALL_TIMEOUT, WORKER_TIMEOUT);
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    static final BooleanSupplier CONNECTED = () -> true;

    final ManualTime time = new ManualTime();
    final MemoryBus network = new MemoryBus();
    private final List<TaskExchange> nodes = new ArrayList<>();

    /** A node on the network; every message it writes is checked for being written under its monitor. */
    TaskExchange node(String name) {
        MemoryBus.Node bus = network.node();
        TaskExchange exchange = TaskExchange.open(name, bus, time, CLOCK, LIMITS);
        bus.watch(exchange);
        nodes.add(exchange);
        return exchange;
    }

    /** Every node's books agree with each other. */
    void checkInvariants() {
        nodes.forEach(TaskExchange::checkInvariants);
    }

    long written(Message.Kind kind) {
        return network.sent().stream().filter(m -> m.kind() == kind).count();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(Optional<byte[]> result) {
        return new String(result.orElseThrow(), StandardCharsets.UTF_8);
    }

    /** Everything here happens on the test's thread: an outcome is there at once, or it is a failure (never a hang). */
    static <T> T done(CompletableFuture<T> outcome) {
        assertTrue(outcome.isDone(), "not answered");
        return outcome.join();
    }
}
