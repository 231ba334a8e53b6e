package io.kqf.bench;

import java.util.List;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.kqf.http.FrontEnd;
import io.kqf.http.HttpServer;

/**
 * The ceiling reference: kqf's own HTTP stack (same server class, same settings) answering
 * {@code /put} with an empty 200 and doing nothing else. Prints {@code CEILING <port>}.
 */
public final class CeilingServer {
    private CeilingServer() {
    }

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.start("127.0.0.1", 0, 33 * 1024 * 1024, null, "ceiling", List.of(new FrontEnd() {
            @Override
            public boolean owns(String path) {
                return true;
            }

            @Override
            public void register(RoutesConfig routes) {
                for (HandlerType method : List.of(HandlerType.GET, HandlerType.PUT, HandlerType.POST)) {
                    routes.addHttpHandler(method, "/put", ctx -> ctx.status(200));
                }
            }

            @Override
            public void renderFailure(Throwable failure, Context ctx) {
                ctx.status(500);
            }

            @Override
            public void renderJavalinStatus(int status, String reason, Context ctx) {
            }
        }), (endpoint, method, status, took) -> { });
        System.out.println("CEILING " + server.port());
        System.out.flush();
        Thread.currentThread().join();
    }
}
