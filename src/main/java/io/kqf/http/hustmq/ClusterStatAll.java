package io.kqf.http.hustmq;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.javalin.http.Context;
import io.kqf.engine.EngineRuntime;
import io.kqf.engine.QueuePlace;
import io.kqf.http.cluster.PeerClient;
import io.kqf.http.cluster.PeerGather;

/**
 * stat_all for a cluster: each node lists the queues it serves, and this node merges them. A
 * queue nobody listed was between nodes at that moment (a new queue whose partition is being
 * assigned, a dead node's queues); it is looked up once it has a node, so a queue put a moment ago
 * is there, as on a lone node.
 */
final class ClusterStatAll {
    private final EngineRuntime runtime;
    private final PeerGather gather;
    private final PeerClient peers;
    private final Duration answerTimeout;

    ClusterStatAll(EngineRuntime runtime, PeerGather gather, PeerClient peers, Duration answerTimeout) {
        this.runtime = runtime;
        this.gather = gather;
        this.peers = peers;
        this.answerTimeout = answerTimeout;
    }

    /** The JSON array of every queue (on a forwarded request: only the ones this node serves). */
    CompletableFuture<String> of(Context ctx) {
        String here = HustmqJson.statAll(runtime.statServedHere());
        if (PeerClient.forwarded(ctx)) { // a peer asks for this node's part
            return CompletableFuture.completedFuture(here);
        }
        return gather.others(ctx, "/stat_all").thenCompose(others -> {
            String merged = HustmqJson.mergeStatAll(here, others);
            List<String> missing = new ArrayList<>(runtime.browser().queueNames());
            missing.removeAll(HustmqJson.queuesIn(merged));
            if (missing.isEmpty()) {
                return CompletableFuture.completedFuture(merged);
            }
            return CompletableFuture.supplyAsync(() -> lookUp(missing, ctx), runtime.completions())
                    .thenCompose(found -> CompletableFuture.allOf(found.toArray(CompletableFuture[]::new))
                            .thenApply(done -> HustmqJson.mergeStatAll(merged, found.stream().map(CompletableFuture::join)
                                    .filter(body -> body != null).toList())));
        });
    }

    /** Each missing queue's stat from the node that serves it once it settles (null: still nowhere, or gone). */
    private List<CompletableFuture<byte[]>> lookUp(List<String> missing, Context ctx) {
        List<CompletableFuture<byte[]>> found = new ArrayList<>();
        for (String queue : missing) {
            QueuePlace place = runtime.placeOf(queue);
            if (place instanceof QueuePlace.Here) {
                found.add(CompletableFuture.completedFuture(("[" + HustmqJson.stat(runtime.engine().stat(queue)) + "]")
                        .getBytes(StandardCharsets.UTF_8)));
            } else if (place instanceof QueuePlace.At at) {
                found.add(peers.get(at.url(), "/stat?queue=" + queue, answerTimeout, ctx.header("Authorization"))
                        .handle((answer, error) -> error == null && answer.statusCode() == 200
                                ? ("[" + new String(answer.body(), StandardCharsets.UTF_8) + "]").getBytes(StandardCharsets.UTF_8)
                                : null));
            }
        }
        return found;
    }
}
