package io.kqf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.kqf.support.Await;
import io.kqf.support.TestEngines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Nodes announcing themselves in _kqf.nodes, on the real test broker. */
class NodeDirectoryTest {
    private final EngineRuntime a = TestEngines.start(Clock.systemUTC());
    private final EngineRuntime b = TestEngines.start(Clock.systemUTC());
    private boolean aClosed;

    @AfterEach
    void stop() {
        if (!aClosed) {
            a.close();
        }
        b.close();
    }

    private Optional<NodeAnnouncement> seenByB(String url) {
        return b.nodes().live().stream().filter(n -> n.url().equals(url)).findFirst();
    }

    @Test
    void a_node_sees_another_with_the_lanes_it_serves_and_drops_it_once_it_stops() throws Exception {
        String urlA = "http://node-a.test:" + System.nanoTime() % 60000;
        a.engine().put("announced", 0, "x".getBytes(StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);
        a.advertise(urlA);
        b.advertise("http://node-b.test:1");

        NodeAnnouncement announced = Await.until("b sees a serving its queue with one ready item", () -> seenByB(urlA)
                .filter(n -> n.lanes().entrySet().stream()
                        .anyMatch(e -> e.getKey().topic().endsWith("announced") && e.getValue() == 1))
                .orElse(null));
        PartitionRef lane = announced.lanes().keySet().stream().filter(tp -> tp.topic().endsWith("announced"))
                .findFirst().orElseThrow();
        assertEquals(Optional.of(urlA), b.nodes().otherOwnerOf(lane).map(NodeAnnouncement::url));
        assertEquals(Optional.empty(), a.nodes().otherOwnerOf(lane), "a serves it itself");
        assertTrue(Await.until("a sees b", () -> a.liveNodes().containsValue("http://node-b.test:1") ? true : null));

        a.close();
        aClosed = true;
        Await.until("b drops a after its clean stop", () -> seenByB(urlA).isEmpty() ? true : null);
        Map<String, String> live = b.liveNodes();
        assertTrue(!live.containsValue(urlA), live.toString());
    }
}
