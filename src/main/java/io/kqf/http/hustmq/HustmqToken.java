package io.kqf.http.hustmq;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kqf.engine.AckToken;
import io.kqf.http.HttpFailure;

/**
 * hustmq's spelling of an ack token: {@code <priority>:<partition>:<offset>}, e.g. {@code 2:0:17},
 * within the contract's charset [0-9A-Za-z_:.] and 64 characters. It names the record, not the
 * attempt: the original lets the first holder of a redelivered item still ack it (§1.5).
 */
final class HustmqToken {
    private static final Pattern CHARSET = Pattern.compile("[0-9A-Za-z_:.]{1,64}");
    /** One spelling per token: no leading zeros, so "0:00:5" is not a second name of "0:0:5". */
    private static final Pattern FORMAT = Pattern.compile("([0-2]):(0|[1-9][0-9]{0,8}):(0|[1-9][0-9]{0,18})");

    private HustmqToken() {
    }

    static String format(AckToken token) {
        return token.priority() + ":" + token.partition() + ":" + token.offset();
    }

    /**
     * 400 when the text is outside the charset; a token of no outstanding delivery (null) when it
     * is well-formed hustmq text that kqf never issued, so the ack answers 412 as for any stale token.
     */
    static AckToken parse(String text) {
        if (!CHARSET.matcher(text).matches()) {
            throw new HttpFailure(400, "token must be 1-64 characters of [0-9A-Za-z_:.]");
        }
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            return null;
        }
        try {
            return new AckToken(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3)),
                    AckToken.ANY_ATTEMPT);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
