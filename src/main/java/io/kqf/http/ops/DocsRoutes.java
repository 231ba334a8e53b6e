package io.kqf.http.ops;

import java.util.Set;

import io.javalin.config.RoutesConfig;
import io.javalin.http.HandlerType;

/**
 * The API document ({@code /openapi.json}, {@code /openapi.yaml}) and a page that browses it
 * ({@code /docs}, Swagger UI from its webjar). None of it needs credentials: it describes the
 * API and holds no data.
 */
public final class DocsRoutes extends PlainFrontEnd {
    private final OpenApiDocument document;
    private final StaticFiles swaggerUi = new StaticFiles(swaggerUiFolder(),
            Set.of("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css", "favicon-32x32.png"));
    private final StaticFiles page = new StaticFiles("openapi", Set.of("docs.html"));

    public DocsRoutes(String version) {
        this.document = OpenApiDocument.load(version);
    }

    /** The webjar's folder is named by its version, which its own pom.properties gives. */
    private static String swaggerUiFolder() {
        String pom = "META-INF/maven/org.webjars/swagger-ui/pom.properties";
        try (java.io.InputStream in = DocsRoutes.class.getClassLoader().getResourceAsStream(pom)) {
            if (in == null) {
                throw new IllegalStateException(pom + " is missing: the swagger-ui webjar is not on the classpath");
            }
            java.util.Properties properties = new java.util.Properties();
            properties.load(in);
            return "META-INF/resources/webjars/swagger-ui/" + properties.getProperty("version");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + pom, e);
        }
    }

    @Override
    public boolean owns(String path) {
        return path.equals("/openapi.json") || path.equals("/openapi.yaml") || path.equals("/docs")
                || path.startsWith("/docs/");
    }

    @Override
    public boolean isPublic(String path) {
        return owns(path);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.addHttpHandler(HandlerType.GET, "/openapi.json", ctx -> ctx.contentType("application/json")
                .result(document.json()));
        routes.addHttpHandler(HandlerType.GET, "/openapi.yaml", ctx -> ctx.contentType("application/yaml")
                .result(document.yaml()));
        routes.addHttpHandler(HandlerType.GET, "/docs", ctx -> page.serve(ctx, "docs.html"));
        routes.addHttpHandler(HandlerType.GET, "/docs/{file}", ctx -> swaggerUi.serve(ctx, ctx.pathParam("file")));
    }
}
