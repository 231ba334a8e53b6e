package io.kqf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.kqf.support.Await;
import io.kqf.support.TestEngines;
import io.kqf.support.TestFacade;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two nodes of one cluster announcing themselves in _kqf.nodes, on the real test broker. */
class NodeDirectoryTest {
    private final Map<String, String> settings = TestFacade.isolatedSettings();
    private final EngineRuntime a = TestEngines.start(settings, Clock.systemUTC());
    private final EngineRuntime b = TestEngines.start(withNodeId(settings, settings.get("node.id") + "-b"), Clock.systemUTC());
    private final List<EngineRuntime> open = new java.util.ArrayList<>(List.of(a, b));

    private static Map<String, String> withNodeId(Map<String, String> settings, String nodeId) {
        Map<String, String> copy = new HashMap<>(settings);
        copy.put("node.id", nodeId);
        return copy;
    }

    @AfterEach
    void stop() {
        open.forEach(EngineRuntime::close);
    }

    /** The lane of queue "announced" and the URL of the node that says it serves it, once one does with its item ready. */
    private Map.Entry<PartitionRef, String> announcedOwner(EngineRuntime seenBy) {
        for (NodeAnnouncement node : seenBy.nodes().live()) {
            for (Map.Entry<PartitionRef, Long> lane : node.lanes().entrySet()) {
                if (lane.getKey().topic().endsWith("announced") && lane.getValue() == 1) {
                    return Map.entry(lane.getKey(), node.url());
                }
            }
        }
        return null;
    }

    @Test
    void each_node_sees_who_serves_a_lane_and_a_stopped_node_drops_out_and_hands_it_over() throws Exception {
        a.advertise("http://node-a.test:1");
        b.advertise("http://node-b.test:2");
        a.engine().put("announced", 0, "x".getBytes(StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);

        Map.Entry<PartitionRef, String> owned = Await.until("a node announces the queue's lane with its item",
                () -> announcedOwner(a));
        PartitionRef lane = owned.getKey();
        EngineRuntime owner = owned.getValue().equals("http://node-a.test:1") ? a : b;
        EngineRuntime other = owner == a ? b : a;
        assertEquals(owned.getValue(), Await.until("the other node sees the owner",
                () -> other.nodes().otherOwnerOf(lane).map(NodeAnnouncement::url).orElse(null)));
        assertEquals(Optional.empty(), owner.nodes().otherOwnerOf(lane), "the owner serves it itself");
        assertEquals(2, other.liveNodes().size(), other.liveNodes().toString());

        owner.close();
        open.remove(owner);
        Await.until("the stopped node drops out at once", () -> other.liveNodes().containsValue(owned.getValue()) ? null : true);
        String otherUrl = owner == a ? "http://node-b.test:2" : "http://node-a.test:1";
        Map.Entry<PartitionRef, String> handedOver = Await.until("the survivor announces the lane",
                () -> {
                    Map.Entry<PartitionRef, String> now = announcedOwner(other);
                    return now != null && now.getValue().equals(otherUrl) ? now : null;
                });
        assertEquals(lane, handedOver.getKey());
    }
}
