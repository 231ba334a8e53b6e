package io.kqf.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.kqf.support.Await;
import io.kqf.support.Http.Response;
import io.kqf.support.TestFacade;
import org.junit.jupiter.api.Test;

/**
 * A stopping node answers its parked clients as their timeout would, before HTTP stops: none of
 * them sees a closed connection, and none waits out its full timeout.
 */
class GracefulShutdownTest {
    @Test
    void parked_requests_get_their_timeout_answer_when_the_node_stops() throws Exception {
        TestFacade facade = TestFacade.start();
        CompletableFuture<Response> evget;
        CompletableFuture<Response> waitingGet;
        CompletableFuture<Response> worker;
        CompletableFuture<Response> evsub;
        try {
            evget = facade.http.async("/evget?queue=idle&worker=worker1");
            waitingGet = facade.http.async("/get?queue=idle&worker=worker1&wait=60");
            worker = facade.http.async("POST", "/do_post", new byte[0]);
            evsub = facade.http.async("/evsub?queue=quiet&idx=1");
            // An evsub waits only while its window is empty, so it parks on a queue with nothing published.
            Await.until("all four parked", () -> facade.runtime().longPolls().parkedEvgets() == 1
                    && facade.runtime().longPolls().parkedGets() == 1
                    && facade.runtime().tasks().status().parkedWorkers() == 1
                    && facade.runtime().push().parkedEvsubs() == 1 ? true : null);
        } finally {
            facade.close();
        }
        assertEquals(404, evget.get(30, TimeUnit.SECONDS).status(), "evget: as long_polling_timeout");
        assertEquals(404, waitingGet.get(30, TimeUnit.SECONDS).status(), "get?wait: as its wait's end");
        assertEquals(408, worker.get(30, TimeUnit.SECONDS).status(), "do_post: as do_post_timeout");
        assertEquals(404, evsub.get(30, TimeUnit.SECONDS).status(), "evsub: as subscribe_timeout");
    }
}
