package io.kqf.http.hustmq;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.kqf.engine.rpc.TaskExchange;
import io.kqf.http.ConnectionProbe;
import io.kqf.http.HttpFailure;
import io.kqf.http.RawQuery;

/** do_get, do_post and their status: the original's synchronous RPC between callers and workers. */
final class RpcEndpoints {
    private final TaskExchange tasks;
    private final int maxBodyBytes;
    private final io.kqf.http.cluster.PeerGather gather;

    RpcEndpoints(TaskExchange tasks, int maxBodyBytes, io.kqf.http.cluster.PeerGather gather) {
        this.gather = gather;
        this.tasks = tasks;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** POST, body = task arguments: 200 with the worker's result, 408 after do_get_timeout. */
    void doGet(Context ctx) {
        requirePost(ctx);
        String queue = RawQuery.of(ctx.queryString()).get("queue");
        if (queue == null || queue.isEmpty()) {
            throw new HttpFailure(404, "queue is missing");
        }
        byte[] body = taskBody(ctx);
        answer(ctx, tasks.call(queue, body, ConnectionProbe.of(ctx)), result -> {
            if (result.isPresent()) {
                ctx.status(200).result(result.get());
            } else {
                HustmqErrors.refuse(ctx, 408, "no worker answered within do_get_timeout");
            }
        });
    }

    /** POST without token: claim a task (200 + Queue + Token) or 408; with token: return a result. */
    void doPost(Context ctx) {
        requirePost(ctx);
        String token = RawQuery.of(ctx.queryString()).get("token");
        if (token != null) {
            answer(ctx, tasks.reply(token, taskBody(ctx)), done -> ctx.status(200));
            return;
        }
        answer(ctx, tasks.claim(ConnectionProbe.of(ctx)), task -> {
            if (task.isPresent()) {
                ctx.status(200).header("Queue", task.get().queue()).header("Token", task.get().token())
                        .result(task.get().body());
            } else {
                HustmqErrors.refuse(ctx, 408, "no task came within do_post_timeout");
            }
        });
    }

    /**
     * Renders an outcome that is already there at once (a claim that found a task, a local reply:
     * no async dispatch, no second thread); otherwise when it comes, via ctx.future.
     */
    static <T> void answer(Context ctx, CompletableFuture<T> outcome, Consumer<T> render) {
        if (outcome.isDone() && !outcome.isCompletedExceptionally()) {
            render.accept(outcome.join());
        } else {
            ctx.future(() -> outcome.thenAccept(render));
        }
    }

    /** The cluster's task slots: this node's, plus each other node's own. */
    void doGetStatus(Context ctx) {
        TaskExchange.Status s = tasks.status();
        int free = Math.max(0, s.capacity() - s.unassigned() - s.assigned());
        String here = "{\"unassigned_tasks\":" + s.unassigned() + ",\"assigned_tasks\":" + s.assigned()
                + ",\"free_tasks\":" + free + ",\"total\":" + s.capacity() + "}";
        answer(ctx, gather.others(ctx, "/do_get_status"), others -> ctx.result(HustmqJson.sumCounts(here, others)));
    }

    /** The cluster's parked workers: this node's, plus each other node's own. */
    void doPostStatus(Context ctx) {
        TaskExchange.Status s = tasks.status();
        String here = "{\"cache_workers\":" + s.parkedWorkers() + ",\"free_workers\":"
                + Math.max(0, s.workerCapacity() - s.parkedWorkers()) + ",\"total\":" + s.workerCapacity() + "}";
        answer(ctx, gather.others(ctx, "/do_post_status"), others -> ctx.result(HustmqJson.sumCounts(here, others)));
    }

    private static void requirePost(Context ctx) {
        if (ctx.method() != HandlerType.POST) {
            throw new HttpFailure(405, ctx.path() + " accepts POST only");
        }
    }

    /** 1 byte .. max_do_task_body_size, else 404 as the original. */
    private byte[] taskBody(Context ctx) {
        byte[] body = ctx.bodyAsBytes();
        if (body.length == 0) {
            throw new HttpFailure(404, "the body is missing");
        }
        if (body.length > maxBodyBytes) {
            throw new HttpFailure(404, "the body is larger than max_do_task_body_size (" + maxBodyBytes + ")");
        }
        return body;
    }
}
