package io.kqf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The node announcement's wire form and lifetime. */
class NodeAnnouncementTest {

    @Test
    void an_announcement_reads_back_as_written_and_holds_for_its_validity() {
        Map<PartitionRef, Long> lanes = new LinkedHashMap<>();
        lanes.put(new PartitionRef("orders", 0), 12L);
        lanes.put(new PartitionRef("orders.__p2", 3), 0L);
        NodeAnnouncement said = new NodeAnnouncement("node-1", "kqf", "http://10.0.0.7:8080", 1_000, 10_000, "1796000000000123",
                lanes);

        assertEquals(Optional.of(said), NodeAnnouncement.decode("node-1", said.encode()));
        assertTrue(said.liveAt(10_999));
        assertFalse(said.liveAt(11_000));
    }

    @Test
    void a_value_of_another_version_or_garbled_is_not_an_announcement() {
        assertEquals(Optional.empty(), NodeAnnouncement.decode("n", "kqf-node 2\nkqf\nhttp://x\n1\n2\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), NodeAnnouncement.decode("n", "kqf-node 1\nkqf\nhttp://x\n1\n2\norders=3\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), NodeAnnouncement.decode("n", "kqf-node 1\nkqf\nhttp://x\nsoon\n2\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), NodeAnnouncement.decode("n", null));
    }
}
