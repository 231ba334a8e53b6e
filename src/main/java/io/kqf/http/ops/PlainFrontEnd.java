package io.kqf.http.ops;

import io.javalin.http.Context;
import io.kqf.http.FrontEnd;
import io.kqf.http.HttpFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the operator-facing routes (probes, metrics, docs, dashboard) refuse: the status with its
 * one-line reason as plain text, as the REST API does, without its content negotiation.
 */
abstract class PlainFrontEnd implements FrontEnd {
    private static final Logger log = LoggerFactory.getLogger(PlainFrontEnd.class);

    @Override
    public void renderFailure(Throwable failure, Context ctx) {
        if (failure instanceof HttpFailure http) {
            http.headers().forEach(ctx::header);
            ctx.status(http.status()).contentType("text/plain").result(http.getMessage());
            return;
        }
        log.error("unexpected failure on {}", ctx.path(), failure);
        ctx.status(500).contentType("text/plain").result("unexpected failure");
    }

    @Override
    public void renderJavalinStatus(int status, String reason, Context ctx) {
        if (ctx.result() == null || ctx.result().isEmpty()) {
            ctx.result(reason);
        }
    }
}
