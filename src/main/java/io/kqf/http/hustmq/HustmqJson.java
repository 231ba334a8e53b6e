package io.kqf.http.hustmq;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kqf.engine.QueueStat;
import io.kqf.engine.WorkerSeen;

/** hustmq's JSON bodies, byte for byte: no spaces, the original key order, integers only. */
final class HustmqJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HustmqJson() {
    }

    /** hustmq's put counters run modulo 11,000,000 (§1.2). */
    static final long POINTER_MODULUS = 11_000_000L;

    /**
     * {@code {"queue":"q","type":0,"ready":[3,0,1],"max":0,"lock":0,"si":0,"ci":3,"tm":1456822536,"unacked":0,"timeout":5}}.
     * A work queue's ci counts lane-0 puts since creation (or the last lane-0 purge), its si is ci
     * minus what is still ready; a push queue's come from its index window.
     */
    static String stat(QueueStat s) {
        long ci;
        long si;
        long tm;
        if (s.push() != null) {
            ci = s.push().ci();
            si = s.push().si();
            tm = s.lastPublished();
        } else {
            ci = Math.floorMod(s.end(0) - s.counterBase(), POINTER_MODULUS);
            si = Math.floorMod(ci - s.ready(0), POINTER_MODULUS);
            tm = s.created();
        }
        // Queue names are [0-9A-Za-z_:.]: nothing to escape.
        return "{\"queue\":\"" + s.queue() + "\",\"type\":" + s.type().code() + ",\"ready\":[" + s.ready(0) + ","
                + s.ready(1) + "," + s.ready(2) + "],\"max\":" + s.max() + ",\"lock\":" + (s.locked() ? 1 : 0)
                + ",\"si\":" + si + ",\"ci\":" + ci + ",\"tm\":" + tm + ",\"unacked\":" + s.unacked()
                + ",\"timeout\":" + s.timeoutMinutes() + "}";
    }


    static String statAll(List<QueueStat> all) {
        StringBuilder json = new StringBuilder("[");
        for (QueueStat s : all) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(stat(s));
        }
        return json.append(']').toString();
    }

    /**
     * This node's stat_all merged with the other nodes' (each lists the queues it serves): one
     * entry per queue, this node's first, then the others' in the order they came.
     */
    static String mergeStatAll(String local, List<byte[]> others) {
        if (others.isEmpty()) {
            return local;
        }
        try {
            com.fasterxml.jackson.databind.node.ArrayNode merged = (com.fasterxml.jackson.databind.node.ArrayNode) JSON.readTree(local);
            java.util.Set<String> seen = new java.util.HashSet<>();
            merged.forEach(entry -> seen.add(entry.path("queue").asText()));
            for (byte[] body : others) {
                for (com.fasterxml.jackson.databind.JsonNode entry : JSON.readTree(body)) {
                    if (seen.add(entry.path("queue").asText())) {
                        merged.add(entry);
                    }
                }
            }
            return JSON.writeValueAsString(merged);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a node's stat_all is not JSON", e);
        }
    }

    /** The queue names a stat_all array lists. */
    static List<String> queuesIn(String statAll) {
        try {
            List<String> names = new java.util.ArrayList<>();
            JSON.readTree(statAll).forEach(entry -> names.add(entry.path("queue").asText()));
            return names;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stat_all is not JSON", e);
        }
    }

    /** Counts from every node added field by field ({@code {"cache_workers":1,...}}): the cluster's RPC slots. */
    static String sumCounts(String local, List<byte[]> others) {
        if (others.isEmpty()) {
            return local;
        }
        try {
            com.fasterxml.jackson.databind.node.ObjectNode sum = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(local);
            for (byte[] body : others) {
                JSON.readTree(body).fields().forEachRemaining(field -> sum.put(field.getKey(),
                        sum.path(field.getKey()).asLong() + field.getValue().asLong()));
            }
            return JSON.writeValueAsString(sum);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a node's status is not JSON", e);
        }
    }

    /** {@code [{"w":"w1","t":1458815637}]}; worker names are client text, so they are escaped. */
    static String workers(List<WorkerSeen> workers) {
        StringBuilder json = new StringBuilder("[");
        for (WorkerSeen w : workers) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append("{\"w\":").append(quote(w.worker())).append(",\"t\":").append(w.lastSeen()).append('}');
        }
        return json.append(']').toString();
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
