package io.kqf.http.rest;

import java.util.List;

import io.javalin.http.Context;
import io.kqf.http.rest.doc.Link;
import io.kqf.http.rest.doc.LinkHeader;

/** How REST answers go out: the status, the negotiated type, {@code Vary: Accept}, links as headers. */
final class Responses {
    private Responses() {
    }

    static void send(Context ctx, int status, String contentType, byte[] body) {
        ctx.status(status);
        ctx.header("Vary", "Accept");
        ctx.contentType(contentType);
        ctx.result(body);
    }

    /** Navigation and ack links also go out as RFC 8288 {@code Link} headers. */
    static void links(Context ctx, List<Link> links) {
        if (!links.isEmpty()) {
            ctx.header("Link", LinkHeader.format(links));
        }
    }
}
