package io.kqf.http;

import java.util.List;

import io.javalin.Javalin;

/**
 * The Javalin server both APIs run in: limits, authentication, error mapping, and the routes each
 * front end contributes. Routes are registered in one place per front end.
 */
public final class HttpServer implements AutoCloseable {
    private final Javalin app;
    private final List<FrontEnd> frontEnds;

    private HttpServer(Javalin app, List<FrontEnd> frontEnds) {
        this.app = app;
        this.frontEnds = frontEnds;
    }

    /**
     * @param maxBodyBytes largest request body accepted (413 above)
     * @param auth null when authentication is off
     */
    /** Names the node that served a request, on every answer (a forwarded one names the node it went to). */
    public static final String NODE_HEADER = "Kqf-Node";

    /** Told of every answered request: the route's pattern ("unmatched" for none), method, status, time. */
    public interface Answered {
        void answered(String endpoint, String method, int status, java.time.Duration took);
    }

    public static HttpServer start(String host, int port, long maxBodyBytes, BasicAuth auth, String nodeId,
                                   List<FrontEnd> frontEnds, Answered answered) {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = maxBodyBytes;
            config.http.defaultContentType = "text/plain";
            config.jetty.host = host.isBlank() ? null : host;
            config.jetty.port = port;
            config.jetty.modifyHttpConfiguration(http -> {
                http.setSendServerVersion(false);
                // hustmq clients send request lines of several KB (items in the query; nginx took 4 KB
                // lines). Jetty allocates this per connection, so keep it modest: 10,000 parked long
                // polls are 10,000 connections.
                http.setRequestHeaderSize(16 * 1024);
            });
            config.routes.before(ctx -> ctx.header(NODE_HEADER, nodeId));
            config.requestLogger.http((ctx, millis) -> answered.answered(endpointOf(ctx), ctx.method().name(),
                    ctx.statusCode(), java.time.Duration.ofNanos((long) (millis * 1_000_000))));
            if (auth != null) {
                config.routes.before(ctx -> {
                    if (frontEnds.stream().noneMatch(frontEnd -> frontEnd.isPublic(ctx.path()))) {
                        auth.check(ctx);
                    }
                });
            }
            ErrorMapper.register(config.routes, frontEnds);
            frontEnds.forEach(frontEnd -> frontEnd.register(config.routes));
        });
        app.start();
        return new HttpServer(app, List.copyOf(frontEnds));
    }

    /** The route pattern that served the request: a bounded label, unlike the path itself. */
    private static String endpointOf(io.javalin.http.Context ctx) {
        try {
            return ctx.endpoint().path;
        } catch (RuntimeException noEndpoint) {
            return "unmatched";
        }
    }

    /** Every route served, as "METHOD /path" with Javalin's path syntax (before and after filters left out). */
    public List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream().map(parsed -> parsed.endpoint)
                .filter(endpoint -> endpoint.method.isHttpMethod())
                .map(endpoint -> endpoint.method.name() + " " + endpoint.path).distinct().sorted().toList();
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        // Streams end with their own last word while the server can still send it.
        frontEnds.forEach(FrontEnd::stopping);
        app.stop();
    }
}
