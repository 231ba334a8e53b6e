package io.kqf.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kqf.engine.EngineException.Reason;
import org.junit.jupiter.api.Test;

class ErrorMapperTest {
    @Test
    void an_unknown_rpc_task_is_404_as_hustmq_answers_an_unknown_token() {
        assertEquals(404, ErrorMapper.status(Reason.UNKNOWN_TASK));
    }

    @Test
    void kafka_being_unavailable_is_503() {
        assertEquals(503, ErrorMapper.status(Reason.UNAVAILABLE));
    }
}
