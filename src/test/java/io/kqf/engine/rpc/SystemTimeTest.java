package io.kqf.engine.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class SystemTimeTest {
    /** Regression: cancelled 180 s timeouts stayed queued, with the requests they would answer. */
    @Test
    void a_cancelled_timer_leaves_the_queue_at_once() {
        try (SystemTime time = new SystemTime("test-timer")) {
            TimeSource.Timer timer = time.schedule(TimeUnit.MINUTES.toNanos(3), () -> { });
            assertEquals(1, time.queued());
            timer.cancel();
            assertEquals(0, time.queued());
        }
    }

    @Test
    void a_timer_runs_its_action_when_due() throws Exception {
        try (SystemTime time = new SystemTime("test-timer")) {
            CountDownLatch ran = new CountDownLatch(1);
            time.schedule(0, ran::countDown);
            assertEquals(true, ran.await(30, TimeUnit.SECONDS));
        }
    }
}
