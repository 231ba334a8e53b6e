package io.kqf.http.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.javalin.http.Context;
import io.kqf.engine.EngineRuntime;

/**
 * Asks every other live node of the cluster the same question and collects the answers, for
 * counts that are the sum of each node's own part (stat_all's queues, RPC slots). Each peer answers
 * for itself only (the request is marked forwarded); a peer that does not answer within the bound
 * is left out of this answer, never waited on longer.
 */
public final class PeerGather {
    private final EngineRuntime runtime;
    private final PeerClient peers;
    private final Duration answerTimeout;

    public PeerGather(EngineRuntime runtime, PeerClient peers, Duration answerTimeout) {
        this.runtime = runtime;
        this.peers = peers;
        this.answerTimeout = answerTimeout;
    }

    /**
     * The bodies of the other nodes' 200 answers to {@code GET pathAndQuery}; empty at once when
     * {@code ctx} was itself forwarded (a peer asking for this node's part) or no other node is live.
     */
    public CompletableFuture<List<byte[]>> others(Context ctx, String pathAndQuery) {
        if (PeerClient.forwarded(ctx)) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<CompletableFuture<byte[]>> asked = new ArrayList<>();
        for (Map.Entry<String, String> node : runtime.liveNodes().entrySet()) {
            if (!node.getKey().equals(runtime.nodeId())) {
                asked.add(peers.get(node.getValue(), pathAndQuery, answerTimeout, ctx.header("Authorization"))
                        .handle((answer, error) -> error == null && answer.statusCode() == 200 ? answer.body() : null));
            }
        }
        return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<byte[]> bodies = new ArrayList<>();
            asked.forEach(one -> {
                byte[] body = one.join();
                if (body != null) {
                    bodies.add(body);
                }
            });
            return bodies;
        });
    }
}
