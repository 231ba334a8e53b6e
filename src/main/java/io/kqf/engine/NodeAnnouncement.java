package io.kqf.engine;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;


/**
 * What a node says about itself in {@code _kqf.nodes}: where other nodes reach it, when it said
 * so, how long that holds, and the lanes it serves with their ready counts.
 *
 * <p>Wire form, UTF-8 lines: {@code kqf-node 2}, the consumer group, the URL, announcedAt and
 * validFor in epoch ms, the prefix of the RPC task tokens it issues ({@code -}: none), then one
 * {@code topic/partition=ready} line per lane served. Version 1 had no token prefix line.
 *
 * @param group the node's consumer group: the nodes of one group are one cluster
 * @param url the node's internal base URL, e.g. {@code http://10.0.0.7:8080}
 * @param taskPrefix what every do_get task token this node issues starts with (a worker's result goes there)
 * @param lanes the partitions the node serves, each with its ready count when announced
 */
record NodeAnnouncement(String node, String group, String url, long announcedAt, long validFor, String taskPrefix,
                        Map<PartitionRef, Long> lanes) {
    private static final String MAGIC = "kqf-node 2";
    private static final String MAGIC_V1 = "kqf-node 1";

    NodeAnnouncement {
        lanes = Map.copyOf(lanes);
    }

    /** Whether it still holds at {@code now}: a node that stops announcing drops out. */
    boolean liveAt(long now) {
        return now < announcedAt + validFor;
    }

    byte[] encode() {
        StringBuilder text = new StringBuilder(MAGIC).append('\n').append(group).append('\n').append(url).append('\n')
                .append(announcedAt).append('\n').append(validFor).append('\n')
                .append(taskPrefix == null || taskPrefix.isEmpty() ? "-" : taskPrefix).append('\n');
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
        boolean v1 = lines.length > 0 && lines[0].equals(MAGIC_V1);
        int firstLane = v1 ? 5 : 6;
        if (lines.length < firstLane || !(v1 || lines[0].equals(MAGIC))) {
            return Optional.empty();
        }
        String taskPrefix = v1 || lines[5].equals("-") ? "" : lines[5];
        try {
            Map<PartitionRef, Long> lanes = new LinkedHashMap<>();
            for (int i = firstLane; i < lines.length; i++) {
                int slash = lines[i].lastIndexOf('/');
                int equals = lines[i].lastIndexOf('=');
                if (slash < 0 || equals < slash) {
                    return Optional.empty();
                }
                lanes.put(new PartitionRef(lines[i].substring(0, slash), Integer.parseInt(lines[i].substring(slash + 1, equals))),
                        Long.parseLong(lines[i].substring(equals + 1)));
            }
            return Optional.of(new NodeAnnouncement(node, lines[1], lines[2], Long.parseLong(lines[3]),
                    Long.parseLong(lines[4]), taskPrefix, lanes));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
