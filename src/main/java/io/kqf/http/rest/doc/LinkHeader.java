package io.kqf.http.rest.doc;

import java.util.List;
import java.util.StringJoiner;

/**
 * Links as an RFC 8288 {@code Link} header value: {@code <href>; rel="next"; type="…"}, comma
 * separated, so clients can navigate and ack without parsing the body. Hrefs and parameters are
 * refused if they could end the header or the link early (a control character, a {@code >} in a
 * target): that would be header injection, and hrefs are built by the routes, never by clients.
 */
public final class LinkHeader {
    private LinkHeader() {
    }

    /** The header value; an empty string for no links (then send no header). */
    public static String format(List<Link> links) {
        StringJoiner value = new StringJoiner(", ");
        for (Link link : links) {
            StringBuilder one = new StringBuilder();
            one.append('<').append(target(link.href())).append(">; rel=").append(quoted(link.rel()));
            if (link.type() != null) {
                one.append("; type=").append(quoted(link.type()));
            }
            value.add(one);
        }
        return value.toString();
    }

    private static String target(String href) {
        if (href.indexOf('>') >= 0 || hasControl(href) || href.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("not a URI reference a Link header can carry: " + href);
        }
        return href;
    }

    /** An RFC 9110 quoted-string. */
    private static String quoted(String text) {
        if (hasControl(text)) {
            throw new IllegalArgumentException("control character in a Link parameter: " + text);
        }
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static boolean hasControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }
}
