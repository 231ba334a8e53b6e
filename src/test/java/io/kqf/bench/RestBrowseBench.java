package io.kqf.bench;

/**
 * REST browse: each client walks the filled queue in pages of 50 (Atom, the default
 * representation), following {@code Link rel="next"}, and starts again at the end. One operation
 * = one page. Usage: {@code RestBrowseBench <base-url> <queue> <connections> <seconds>}.
 */
public final class RestBrowseBench {
    private RestBrowseBench() {
    }

    public static void main(String[] args) throws Exception {
        String first = "/queues/" + args[1] + "?limit=50";
        ThreadLocal<String> next = ThreadLocal.withInitial(() -> first);
        ClosedLoop.run("rest-browse", args[0], Integer.parseInt(args[2]), Long.parseLong(args[3]), (http, n) -> {
            RawHttp.Response page = http.get(next.get());
            if (page.status() != 200 || page.body().length == 0) {
                return false;
            }
            next.set(nextLink(page.header("Link")).orElse(first));
            return true;
        });
    }

    /** The target of {@code rel="next"} in an RFC 8288 Link header. */
    static java.util.Optional<String> nextLink(String header) {
        if (header == null) {
            return java.util.Optional.empty();
        }
        for (String link : header.split(",\\s*(?=<)")) {
            if (link.matches("(?s).*;\\s*rel=\"?next\"?.*")) {
                return java.util.Optional.of(link.substring(link.indexOf('<') + 1, link.indexOf('>')));
            }
        }
        return java.util.Optional.empty();
    }
}
