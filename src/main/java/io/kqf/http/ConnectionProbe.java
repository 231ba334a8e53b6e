package io.kqf.http;

import java.io.IOException;
import java.util.function.BooleanSupplier;

import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;

/**
 * Tells whether the client of a parked request is still connected. Jetty does not read from a
 * connection while its request is being handled, so a client that left is only noticed by reading:
 * a non-blocking read of at most one byte answers -1 once the peer has closed. A client that
 * pipelined its next request meanwhile would lose one byte of it, so such a connection is closed
 * after the response ({@code Connection: close}) and the client retries the request it pipelined.
 */
public final class ConnectionProbe implements BooleanSupplier {
    private final EndPoint endPoint;
    private final Context ctx;
    private volatile boolean consumedInput;

    private ConnectionProbe(EndPoint endPoint, Context ctx) {
        this.endPoint = endPoint;
        this.ctx = ctx;
    }

    public static BooleanSupplier of(Context ctx) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        if (request == null) {
            return () -> true;
        }
        return new ConnectionProbe(request.getConnectionMetaData().getConnection().getEndPoint(), ctx);
    }

    @Override
    public boolean getAsBoolean() {
        if (!endPoint.isOpen()) {
            return false;
        }
        if (consumedInput) {
            return true;
        }
        try {
            int read = endPoint.fill(BufferUtil.allocate(1));
            if (read > 0) {
                consumedInput = true;
                ctx.header("Connection", "close");
            }
            return read >= 0;
        } catch (IOException e) {
            return false;
        }
    }
}
