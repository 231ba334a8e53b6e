package io.kqf.engine;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names one delivered record of a queue: {@code <priority>:<partition>:<offset>}, e.g. {@code 2:0:17}.
 * Fits hustmq's token charset [0-9A-Za-z_:.] and 64 characters; offsets are never reused, so a
 * token stays unambiguous for the queue's whole life.
 */
public record AckToken(int priority, int partition, long offset) {
    private static final Pattern FORMAT = Pattern.compile("([0-2]):(0|[1-9][0-9]{0,8}):(0|[1-9][0-9]{0,18})");

    @Override
    public String toString() {
        return priority + ":" + partition + ":" + offset;
    }

    /** Parses a token; BAD_REQUEST if it is not of the hustmq charset, NOT_OUTSTANDING if it is not one of ours. */
    public static AckToken parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 64 || !text.matches("[0-9A-Za-z_:.]+")) {
            throw EngineException.badRequest("token must be 1-64 characters of [0-9A-Za-z_:.]");
        }
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new EngineException(EngineException.Reason.NOT_OUTSTANDING, "token " + text + " was never issued");
        }
        try {
            return new AckToken(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3)));
        } catch (NumberFormatException e) {
            throw new EngineException(EngineException.Reason.NOT_OUTSTANDING, "token " + text + " was never issued");
        }
    }
}
