package io.kqf.http.rest;

import io.kqf.engine.QueueNames;
import io.kqf.engine.select.RestQueueNames;

/**
 * REST queue names: dot-separated segments of {@code [A-Za-z0-9_-]}, written with slashes in paths
 * ({@code uk/products/books} is {@code uk.products.books}). {@code messages} is reserved (it names
 * the message sub-resources) and so is any segment starting {@code __}. The engine spells the same
 * queue with ':' where REST has '-' ({@link QueueNames#fromDashed}).
 */
final class RestNames {
    private RestNames() {
    }

    /** The dotted name of a path or a dotted name; 400 with the reason when it cannot be a queue. */
    static String dotted(String pathOrName) {
        return RestQueueNames.validate(RestQueueNames.fromPath(pathOrName));
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
