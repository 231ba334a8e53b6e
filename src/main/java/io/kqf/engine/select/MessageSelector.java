package io.kqf.engine.select;

import io.kqf.engine.EngineException;
import io.kqf.engine.Message;

/**
 * A subscription's JMS SQL-92 selector over a message's record headers (restful-queue.md §5, §7
 * "Selector properties"). Each distinct {@link #text()} is a view with its own consumer group;
 * subscriptions whose selectors have the same text share the view and compete.
 *
 * <p>Properties a selector can name:
 * <ul>
 * <li>a record header by name, as a UTF-8 string (the last value when a name repeats). Comparing a
 *     header with a number converts the header (a kqf extension to JMS: {@code price > 10} matches
 *     {@code price="12"}); a header that is not a number then compares false.
 * <li>{@code JMSTimestamp}: the record time, epoch ms;
 *     {@code JMSMessageID}: {@code ID:{queue}/{partition}/{offset}};
 *     {@code JMSPriority}: header {@code priority} as an int, else 4;
 *     {@code JMSType}: header {@code type}; {@code JMSCorrelationID}: header {@code correlation-id}.
 * <li>anything else is NULL, so {@code x IS NULL} matches a message without header {@code x}.
 * </ul>
 * A header whose name is not a selector identifier (e.g. {@code correlation-id}) can be named as a
 * quoted identifier: {@code "correlation-id" = 'c1'}.
 *
 * <p>What the grammar (artemis-selector's) does that JMS readers may not expect:
 * <ul>
 * <li>{@code NOT} is a unary operator binding tighter than comparisons: write {@code NOT (a = 'x')};
 *     {@code NOT a = 'x'} means {@code (NOT a) = 'x'} and never matches.
 * <li>The literal's type decides how a header is read: {@code price > 10} reads it as an integer,
 *     so {@code "12.5"} does not compare (false); write {@code price > 10.0}.
 * <li>{@code +} with a string on the left concatenates: {@code price + 1} is {@code "121"} for
 *     {@code price="12"} ({@code -}, {@code *}, {@code /} convert).
 * <li>Arithmetic on a header that is no number makes the whole selector fail for that message,
 *     even under an {@code OR} that would otherwise hold: it does not select it.
 * </ul>
 * {@code XPATH} and {@code XQUERY} (body queries) are refused.
 *
 * <p>Implementations are immutable and safe to share between threads.
 */
public interface MessageSelector {
    /** The absent selector: matches every message; its {@link #text()} is empty. */
    MessageSelector ALL = new EveryMessage();

    /**
     * The selector {@code text} stands for: {@link #ALL} when it is null or blank.
     *
     * @throws EngineException BAD_REQUEST with the parser's (one-line) message when it is no selector
     */
    static MessageSelector parse(String text) {
        if (text == null || text.isBlank()) {
            return ALL;
        }
        return ArtemisSelector.parse(text);
    }

    /** Whether the selector accepts {@code message}, stored at {@code partition} of {@code queue}. */
    boolean matches(String queue, Message message, int partition);

    /**
     * The selector text with comments dropped and whitespace outside literals collapsed: the
     * identity of the view. Empty for {@link #ALL}.
     */
    String text();

    /** 16 hex digits naming the view (SHA-256 of {@link #text()}), safe in a consumer group name. */
    String viewId();
}
