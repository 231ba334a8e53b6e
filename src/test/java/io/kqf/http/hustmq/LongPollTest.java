package io.kqf.http.hustmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.kqf.support.Await;
import io.kqf.support.Http;
import io.kqf.support.Http.Response;
import io.kqf.support.TestFacade;
import io.kqf.support.TestKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** evget and get?wait=N (hustmq-api.md §2.12, §3.1; kqf extension). */
class LongPollTest {
    private static TestFacade facade;
    private static Http http;
    private static TestFacade quick;

    @BeforeAll
    static void start() {
        facade = TestFacade.start();
        http = facade.http;
        Map<String, String> settings = TestFacade.isolatedSettings();
        settings.put("hustmq.long_polling_timeout", "1s");
        quick = TestFacade.start(settings);
    }

    @AfterAll
    static void stop() {
        facade.close();
        quick.close();
    }

    private static void awaitParked(TestFacade node, int count) {
        Await.until(count + " parked evgets", () -> node.runtime().longPolls().parkedEvgets() == count ? true : null);
    }

    @Test
    void evget_is_answered_by_a_later_put_with_a_307_to_get_with_the_original_query() throws Exception {
        CompletableFuture<Response> parked = http.async("/evget?queue=evput&worker=worker1&ack=false&extra=%41");
        awaitParked(facade, 1);
        assertFalse(parked.isDone());
        assertEquals(200, http.get("/put?queue=evput&item=woken").status());
        Response released = parked.get(30, TimeUnit.SECONDS);
        assertEquals(307, released.status());
        String location = released.header("Location");
        assertEquals(http.base() + "/get?queue=evput&worker=worker1&ack=false&extra=%41", location);
        Response got = http.get(location.substring(http.base().length()));
        assertEquals("woken", got.body());
        assertTrue(got.header("Ack-Token") != null, "ack=false was carried through the redirect");
    }

    @Test
    void evget_is_answered_at_once_when_an_item_is_already_ready() throws Exception {
        http.get("/put?queue=evready&item=x");
        assertEquals(307, http.async("/evget?queue=evready&worker=worker1").get(30, TimeUnit.SECONDS).status());
    }

    @Test
    void evget_is_woken_by_a_record_a_plain_kafka_producer_writes() throws Exception {
        http.get("/put?queue=evkafka&item=first");
        http.get("/get?queue=evkafka&worker=worker1");
        CompletableFuture<Response> parked = http.async("/evget?queue=evkafka&worker=worker1");
        awaitParked(facade, 1);
        String topic = facade.settings().get("topic.prefix") + "evkafka";
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                TestKafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "from kafka".getBytes(StandardCharsets.UTF_8))).get();
        }
        assertEquals(307, parked.get(30, TimeUnit.SECONDS).status());
        assertEquals("from kafka", http.get("/get?queue=evkafka&worker=worker1").body());
    }

    @Test
    void n_waiters_and_m_puts_release_exactly_m_waiters() throws Exception {
        List<CompletableFuture<Response>> waiters = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiters.add(http.async("/evget?queue=evcount&worker=worker" + i));
        }
        awaitParked(facade, 5);
        http.get("/put?queue=evcount&item=a");
        http.get("/put?queue=evcount&item=b");
        Await.until("two released", () -> waiters.stream().filter(CompletableFuture::isDone).count() == 2 ? true : null);
        for (CompletableFuture<Response> waiter : waiters) {
            if (waiter.isDone()) {
                Response released = waiter.get();
                assertEquals(307, released.status());
                assertEquals(200, http.get(released.header("Location").substring(http.base().length())).status());
            }
        }
        assertEquals(3, facade.runtime().longPolls().parkedEvgets(), "three still parked");
        assertEquals(2, waiters.stream().filter(CompletableFuture::isDone).count());
        // Release the rest, so they do not wait for the 180 s default.
        http.get("/put?queue=evcount&item=c");
        http.get("/put?queue=evcount&item=d");
        http.get("/put?queue=evcount&item=e");
        for (CompletableFuture<Response> waiter : waiters) {
            assertEquals(307, waiter.get(30, TimeUnit.SECONDS).status());
        }
    }

    @Test
    void a_waiter_whose_client_disconnected_does_not_take_the_release() throws Exception {
        http.get("/put?queue=evgone&item=setup");
        http.get("/get?queue=evgone&worker=worker1");
        try (Socket gone = new Socket("localhost", Integer.parseInt(http.base().replaceAll(".*:", "")))) {
            OutputStream out = gone.getOutputStream();
            out.write("GET /evget?queue=evgone&worker=worker1 HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitParked(facade, 1);
        }
        CompletableFuture<Response> alive = http.async("/evget?queue=evgone&worker=worker2");
        awaitParked(facade, 2);
        http.get("/put?queue=evgone&item=one");
        Response released = alive.get(30, TimeUnit.SECONDS);
        assertEquals(307, released.status(), "the only item went to the client that is still there");
        Await.until("the departed waiter is dropped", () -> facade.runtime().longPolls().parkedEvgets() == 0 ? true : null);
    }

    /**
     * Regression: a released client could follow its 307 before the release was counted, so its
     * get did not consume the promise and the next evget waited for an item already promised.
     */
    @Test
    void an_evget_get_loop_is_woken_by_every_put() throws Exception {
        // The node with the default long_polling_timeout: a put that creates the queue (a new topic)
        // may take longer than the quick node's 1 s on a loaded machine, and this is no timeout test.
        Http fast = http;
        for (int round = 0; round < 30; round++) {
            CompletableFuture<Response> parked = fast.async("/evget?queue=evloop&worker=worker1");
            assertEquals(200, fast.get("/put?queue=evloop&item=r" + round).status());
            Response released = parked.get(30, TimeUnit.SECONDS);
            assertEquals(307, released.status(), "round " + round);
            assertEquals("r" + round, fast.get(released.header("Location").substring(fast.base().length())).body());
        }
    }

    @Test
    void evget_times_out_with_404_after_long_polling_timeout() throws Exception {
        Response timedOut = quick.http.async("/evget?queue=evnothing&worker=worker1").get(30, TimeUnit.SECONDS);
        assertEquals(404, timedOut.status());
        assertEquals("", timedOut.body());
        assertEquals(null, timedOut.header("Location"));
    }

    @Test
    void evget_without_queue_is_400_and_parks_nothing() {
        assertEquals(400, http.get("/evget?worker=worker1").status());
        assertEquals(400, http.get("/evget?queue=bad%20name").status());
        assertEquals(0, facade.runtime().longPolls().parkedEvgets());
    }

    @Test
    void get_with_wait_returns_the_item_itself_when_it_arrives() throws Exception {
        http.get("/put?queue=waitget&item=x");
        http.get("/get?queue=waitget&worker=worker1");
        CompletableFuture<Response> waiting = http.async("/get?queue=waitget&worker=worker1&wait=30&ack=false");
        Await.until("the get is parked", () -> facade.runtime().longPolls().parkedGets() == 1 ? true : null);
        http.get("/put?queue=waitget&item=arrived");
        Response got = waiting.get(30, TimeUnit.SECONDS);
        assertEquals(200, got.status());
        assertEquals("arrived", got.body());
        assertTrue(got.header("Ack-Token") != null);
        assertEquals(200, http.get("/ack?queue=waitget&peer=0&token=" + got.header("Ack-Token")).status());
    }

    @Test
    void get_with_wait_answers_404_when_nothing_arrives_and_refuses_over_60_seconds() throws Exception {
        Response none = http.async("/get?queue=waitnone&worker=worker1&wait=1").get(30, TimeUnit.SECONDS);
        assertEquals(404, none.status());
        assertEquals(400, http.get("/get?queue=waitnone&worker=worker1&wait=61").status());
        assertEquals(400, http.get("/get?queue=waitnone&worker=worker1&wait=x").status());
        assertEquals(400, http.get("/get?queue=waitnone&wait=5").status(), "worker still required");
    }

    @Test
    void with_wait_zero_a_get_does_not_park() throws Exception {
        assertEquals(404, http.get("/get?queue=waitzero&worker=worker1&wait=0").status());
    }
}
