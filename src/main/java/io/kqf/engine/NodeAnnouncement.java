package io.kqf.engine;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;


/**
 * What a node says about itself in {@code _kqf.nodes}: where other nodes reach it, when it said
 * so, how long that holds, and the lanes it serves with their ready counts.
 *
 * <p>Wire form, UTF-8 lines: {@code kqf-node 1}, the consumer group, the URL, announcedAt and
 * validFor in epoch ms, then one {@code topic/partition=ready} line per lane served.
 *
 * @param group the node's consumer group: the nodes of one group are one cluster
 * @param url the node's internal base URL, e.g. {@code http://10.0.0.7:8080}
 * @param lanes the partitions the node serves, each with its ready count when announced
 */
record NodeAnnouncement(String node, String group, String url, long announcedAt, long validFor,
                        Map<PartitionRef, Long> lanes) {
    private static final String MAGIC = "kqf-node 1";

    NodeAnnouncement {
        lanes = Map.copyOf(lanes);
    }

    /** Whether it still holds at {@code now}: a node that stops announcing drops out. */
    boolean liveAt(long now) {
        return now < announcedAt + validFor;
    }

    byte[] encode() {
        StringBuilder text = new StringBuilder(MAGIC).append('\n').append(group).append('\n').append(url).append('\n')
                .append(announcedAt).append('\n').append(validFor).append('\n');
        lanes.forEach((tp, ready) -> text.append(tp.topic()).append('/').append(tp.partition()).append('=')
                .append(ready).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Empty for a value this version cannot read: that node is treated as silent. */
    static Optional<NodeAnnouncement> decode(String node, byte[] value) {
        if (value == null) {
            return Optional.empty();
        }
        String[] lines = new String(value, StandardCharsets.UTF_8).split("\n");
        if (lines.length < 5 || !lines[0].equals(MAGIC)) {
            return Optional.empty();
        }
        try {
            Map<PartitionRef, Long> lanes = new LinkedHashMap<>();
            for (int i = 5; i < lines.length; i++) {
                int slash = lines[i].lastIndexOf('/');
                int equals = lines[i].lastIndexOf('=');
                if (slash < 0 || equals < slash) {
                    return Optional.empty();
                }
                lanes.put(new PartitionRef(lines[i].substring(0, slash), Integer.parseInt(lines[i].substring(slash + 1, equals))),
                        Long.parseLong(lines[i].substring(equals + 1)));
            }
            return Optional.of(new NodeAnnouncement(node, lines[1], lines[2], Long.parseLong(lines[3]),
                    Long.parseLong(lines[4]), lanes));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
