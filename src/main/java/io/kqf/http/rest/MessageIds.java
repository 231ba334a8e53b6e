package io.kqf.http.rest;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A message's address within its queue as REST spells it: {@code {p}-{o}} in lane 0,
 * {@code L{lane}-{p}-{o}} in a priority lane, and its stable Atom id.
 */
record MessageIds(int priority, int partition, long offset) {
    private static final Pattern ID = Pattern.compile("(?:L([0-9]{1,2})-)?([0-9]{1,9})-([0-9]{1,18})");

    static MessageIds parse(String text) {
        Matcher m = ID.matcher(text);
        if (!m.matches()) {
            return null;
        }
        return new MessageIds(m.group(1) == null ? 0 : Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Long.parseLong(m.group(3)));
    }

    String spelled() {
        return (priority == 0 ? "" : "L" + priority + "-") + partition + "-" + offset;
    }

    String atomId(String dottedQueue) {
        return "tag:kqf,2026:msg/" + dottedQueue + "/" + (priority == 0 ? "" : "L" + priority + "/") + partition + "/" + offset;
    }
}
