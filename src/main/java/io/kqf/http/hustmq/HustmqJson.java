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

    /** {@code {"queue":"q","type":0,"ready":[3,0,1],"max":0,"lock":0,"si":0,"ci":3,"tm":1456822536,"unacked":0,"timeout":5}}. */
    static String stat(QueueStat s) {
        // Queue names are [0-9A-Za-z_:.]: nothing to escape.
        return "{\"queue\":\"" + s.queue() + "\",\"type\":" + s.type().code() + ",\"ready\":[" + s.ready()[0] + ","
                + s.ready()[1] + "," + s.ready()[2] + "],\"max\":" + s.max() + ",\"lock\":" + (s.locked() ? 1 : 0)
                + ",\"si\":" + s.si() + ",\"ci\":" + s.ci() + ",\"tm\":" + s.tm() + ",\"unacked\":" + s.unacked()
                + ",\"timeout\":" + s.timeout() + "}";
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
