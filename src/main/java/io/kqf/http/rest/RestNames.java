package io.kqf.http.rest;

import java.util.regex.Pattern;

import io.kqf.engine.QueueNames;
import io.kqf.http.HttpFailure;

/**
 * REST queue names: dot-separated segments of {@code [A-Za-z0-9_-]}, written with slashes in paths
 * ({@code uk/products/books} is {@code uk.products.books}). {@code messages} is reserved (it names
 * the message sub-resources) and so is any segment starting {@code __}. The engine spells the same
 * queue with ':' where REST has '-' ({@link QueueNames#fromDashed}).
 */
final class RestNames {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]+");

    private RestNames() {
    }

    /** The dotted name of a path or a dotted name; 400 with the reason when it cannot be a queue. */
    static String dotted(String pathOrName) {
        String name = pathOrName.replace('/', '.');
        if (name.isEmpty()) {
            throw new HttpFailure(400, "queue name is missing");
        }
        for (String segment : name.split("\\.", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw new HttpFailure(400, "queue names are dot- or slash-separated segments of [A-Za-z0-9_-]: " + pathOrName);
            }
            if (segment.equals("messages")) {
                throw new HttpFailure(400, "'messages' is a reserved segment");
            }
            if (segment.startsWith("__")) {
                throw new HttpFailure(400, "names with a segment starting '__' are reserved");
            }
        }
        return name;
    }

    static String engineName(String dotted) {
        return QueueNames.fromDashed(dotted);
    }

    static String restName(String engineName) {
        return QueueNames.toDashed(engineName);
    }

    /** The slash form used in Location headers and links. */
    static String path(String dotted) {
        return "/queues/" + dotted.replace('.', '/');
    }
}
