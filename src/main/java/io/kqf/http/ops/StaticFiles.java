package io.kqf.http.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.javalin.http.Context;
import io.kqf.http.HttpFailure;

/**
 * A fixed set of files from one classpath folder, served by name. Only the names given are
 * served, so no request path can reach another resource ("..", encoded slashes and the like are
 * simply unknown names). Files are read once and kept.
 */
final class StaticFiles {
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "png", "image/png");

    private final String folder;
    private final Set<String> names;
    private final Map<String, byte[]> loaded = new ConcurrentHashMap<>();

    /** @param folder a classpath folder, without a trailing slash */
    StaticFiles(String folder, Set<String> names) {
        this.folder = folder;
        this.names = Set.copyOf(names);
        names.forEach(this::bytes); // fail at start, not on the first request, if a file is missing
    }

    void serve(Context ctx, String name) {
        if (!names.contains(name)) {
            throw new HttpFailure(404, "no such file: " + name);
        }
        ctx.header("Cache-Control", "no-cache").contentType(typeOf(name)).result(bytes(name));
    }

    private byte[] bytes(String name) {
        return loaded.computeIfAbsent(name, missing -> {
            String resource = folder + "/" + missing;
            try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException(resource + " is missing from the classpath");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource, e);
            }
        });
    }

    private static String typeOf(String name) {
        String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(extension, "application/octet-stream");
    }
}
