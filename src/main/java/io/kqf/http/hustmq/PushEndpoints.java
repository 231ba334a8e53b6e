package io.kqf.http.hustmq;

import io.javalin.http.Context;
import io.kqf.engine.PushQueues;
import io.kqf.http.HttpFailure;
import io.kqf.http.RawQuery;

/** pub and sub. */
final class PushEndpoints {
    private final PushQueues push;

    PushEndpoints(PushQueues push) {
        this.push = push;
    }

    /**
     * 200 once Kafka acknowledged the item. The original answers a pub it cannot store for a parameter reason
     * with 404 (hustmq-api.md §2.15).
     */
    void pub(Context ctx) {
        RawQuery query = RawQuery.of(ctx.queryString());
        String queue = query.require("queue");
        byte[] item = HustmqParams.item(ctx.bodyAsBytes(), query, 404);
        int ttl = PushQueues.DEFAULT_TTL_SECONDS;
        if (query.get("ttl") != null) {
            ttl = (int) optionalNumber(query, "ttl", 4);
            if (ttl < 1 || ttl > PushQueues.MAX_TTL_SECONDS) {
                throw new HttpFailure(404, "ttl must be 1.." + PushQueues.MAX_TTL_SECONDS + " seconds");
            }
        }
        Long index = query.get("idx") == null ? null : optionalNumber(query, "idx", 8);
        var stored = push.pub(queue, item, index, ttl);
        ctx.future(() -> stored.thenRun(() -> ctx.status(200)));
    }

    void sub(Context ctx) {
        RawQuery query = RawQuery.of(ctx.queryString());
        String queue = query.require("queue");
        long index = HustmqParams.digits(query, "idx", 8);
        ctx.result(push.sub(queue, index));
    }

    private static long optionalNumber(RawQuery query, String key, int maxDigits) {
        try {
            return HustmqParams.digits(query, key, maxDigits);
        } catch (HttpFailure bad) {
            throw new HttpFailure(404, bad.getMessage());
        }
    }
}
