package io.kqf.http.ops;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.kqf.engine.EngineRuntime;
import io.kqf.engine.QueueStat;
import io.kqf.engine.rpc.TaskExchange;
import io.kqf.engine.subscribe.Subscriptions;
import io.kqf.http.cluster.PeerClient;
import io.kqf.http.cluster.PeerGather;

/**
 * What the dashboard shows that the two APIs do not: each node of the cluster with its
 * subscriptions, parked requests and RPC slots, and for every queue the records appended and taken
 * so far (the page derives rates from them). Each node reports the queues it serves; the node
 * asked gathers the others' parts, and lists a live node that did not answer as such.
 */
final class DashboardState {
    static final String PATH = "/ui/state.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> PART = new TypeReference<>() {
    };

    private final EngineRuntime runtime;
    private final Subscriptions subscriptions;
    private final PeerGather gather;

    DashboardState(EngineRuntime runtime, Subscriptions subscriptions, PeerGather gather) {
        this.runtime = runtime;
        this.subscriptions = subscriptions;
        this.gather = gather;
    }

    /** The cluster's state as JSON; only this node's part when a peer asks. */
    CompletableFuture<String> of(Context ctx) {
        Map<String, Object> here = thisNode();
        if (PeerClient.forwarded(ctx)) {
            return CompletableFuture.completedFuture(write(here));
        }
        return gather.others(ctx, PATH).thenApply(bodies -> {
            List<Map<String, Object>> nodes = new ArrayList<>();
            nodes.add(here);
            bodies.forEach(body -> nodes.add(read(body)));
            runtime.liveNodes().forEach((node, url) -> {
                if (nodes.stream().noneMatch(part -> node.equals(part.get("node")))) {
                    nodes.add(Map.of("node", node, "url", url, "answered", false));
                }
            });
            Map<String, Object> cluster = new LinkedHashMap<>();
            cluster.put("node", runtime.nodeId());
            cluster.put("time", System.currentTimeMillis());
            cluster.put("nodes", nodes);
            return write(cluster);
        });
    }

    private Map<String, Object> thisNode() {
        Map<String, Object> part = new LinkedHashMap<>();
        part.put("node", runtime.nodeId());
        part.put("url", runtime.liveNodes().getOrDefault(runtime.nodeId(), ""));
        part.put("answered", true);
        part.put("subscriptions", subscriptions.count());
        part.put("parked", Map.of("evget", runtime.longPolls().parkedEvgets(), "get", runtime.longPolls().parkedGets()));
        TaskExchange.Status rpc = runtime.tasks().status();
        part.put("rpc", Map.of("unassigned", rpc.unassigned(), "assigned", rpc.assigned(), "capacity", rpc.capacity(),
                "parkedWorkers", rpc.parkedWorkers(), "workerCapacity", rpc.workerCapacity()));
        Map<String, Object> queues = new LinkedHashMap<>();
        for (QueueStat stat : runtime.statServedHere()) {
            long appended = stat.lanes().stream().mapToLong(QueueStat.LaneStat::end).sum();
            long ready = stat.lanes().stream().mapToLong(QueueStat.LaneStat::ready).sum();
            // Taken: acknowledged, purged or leased; what is neither ready nor appended is gone.
            queues.put(stat.queue(), Map.of("appended", appended, "taken", Math.max(0, appended - ready)));
        }
        part.put("queues", queues);
        return part;
    }

    private static String write(Map<String, Object> value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the dashboard state", e);
        }
    }

    private static Map<String, Object> read(byte[] body) {
        try {
            return JSON.readValue(body, PART);
        } catch (IOException e) {
            return Map.of("node", "?", "answered", false);
        }
    }
}
