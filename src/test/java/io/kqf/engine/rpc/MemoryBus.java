package io.kqf.engine.rpc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The network between the nodes of one test, in memory: a sent message waits in flight until the
 * test delivers it, to every node (the sender too, as Kafka does). Records every message, and
 * every one sent while its node's exchange held its own monitor.
 */
final class MemoryBus {
    private final List<Node> nodes = new ArrayList<>();
    private final Deque<Message> inFlight = new ArrayDeque<>();
    private final List<Message> sent = new ArrayList<>();
    private final List<String> sentUnderMonitor = new ArrayList<>();
    private Supplier<CompletableFuture<Void>> acknowledgement = () -> CompletableFuture.completedFuture(null);

    /** One node's view of the network; {@link Node#watch} names the exchange whose monitor is checked. */
    final class Node implements TaskBus {
        private Consumer<List<Message>> handler;
        private Object monitor;

        void watch(Object exchange) {
            this.monitor = exchange;
        }

        @Override
        public void open(Consumer<List<Message>> handler) {
            this.handler = handler;
        }

        @Override
        public CompletableFuture<Void> send(Message message) {
            synchronized (MemoryBus.this) {
                if (monitor != null && Thread.holdsLock(monitor)) {
                    sentUnderMonitor.add(message.kind() + " " + message.token());
                }
                sent.add(message);
                inFlight.add(message);
                return acknowledgement.get();
            }
        }

        @Override
        public void close() {
        }
    }

    synchronized Node node() {
        Node node = new Node();
        nodes.add(node);
        return node;
    }

    /** How writes are acknowledged from now on (default: at once). */
    synchronized void acknowledgeWith(Supplier<CompletableFuture<Void>> acknowledgement) {
        this.acknowledgement = acknowledgement;
    }

    /** Delivers everything in flight, and what that causes, until the network is quiet; returns how many. */
    int deliverAll() {
        return deliverWhile(message -> true);
    }

    /** Delivers in order while the next message in flight matches; the rest stays in flight. */
    int deliverWhile(Predicate<Message> which) {
        int delivered = 0;
        while (true) {
            Message next;
            List<Node> receivers;
            synchronized (this) {
                next = inFlight.peek();
                if (next == null || !which.test(next)) {
                    return delivered;
                }
                inFlight.poll();
                receivers = List.copyOf(nodes);
            }
            for (Node node : receivers) {
                if (node.handler != null) {
                    node.handler.accept(List.of(next));
                }
            }
            delivered++;
        }
    }

    /** Drops the next message in flight (a write that never arrives). */
    synchronized Message dropNext() {
        return inFlight.poll();
    }

    synchronized List<Message> inFlight() {
        return List.copyOf(inFlight);
    }

    synchronized List<Message> sent() {
        return List.copyOf(sent);
    }

    synchronized List<String> sentUnderMonitor() {
        return List.copyOf(sentUnderMonitor);
    }
}
