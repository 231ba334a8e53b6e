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
