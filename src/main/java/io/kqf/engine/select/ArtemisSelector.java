package io.kqf.engine.select;

import java.util.regex.Pattern;

import org.apache.activemq.artemis.selector.filter.BooleanExpression;
import org.apache.activemq.artemis.selector.filter.FilterException;
import org.apache.activemq.artemis.selector.impl.SelectorParser;

import io.kqf.engine.EngineException;
import io.kqf.engine.Message;

/**
 * A {@link MessageSelector} parsed by artemis-selector's strict (JMS 2.0) grammar. The parsed
 * expression is immutable after parsing (compiled LIKE patterns, IN sets), so one instance serves
 * every thread.
 */
final class ArtemisSelector implements MessageSelector {
    /**
     * Makes comparisons with a number convert a string operand (header values are strings). Read
     * by the parser into each comparison it builds, so it acts at parse time only.
     */
    private static final String CONVERT_STRINGS = "convert_string_expressions:";
    /**
     * artemis-selector reads any number of {@code word:} options off the front of the text (e.g.
     * {@code no_convert_string_expressions:}, {@code hyphenated_props:}); a client must not switch
     * them. No JMS selector starts this way, so refusing it refuses no selector.
     */
    private static final Pattern PARSER_OPTION = Pattern.compile("[A-Za-z_]+:");

    private final String text;
    private final String viewId;
    private final BooleanExpression expression;

    private ArtemisSelector(String text, BooleanExpression expression) {
        this.text = text;
        this.viewId = SelectorText.viewId(text);
        this.expression = expression;
    }

    static ArtemisSelector parse(String raw) {
        String selector = raw.strip();
        if (PARSER_OPTION.matcher(selector).lookingAt()) {
            throw badSelector("it starts with a parser option ('" + selector.substring(0, selector.indexOf(':') + 1)
                    + "')");
        }
        BooleanExpression expression;
        try {
            expression = SelectorParser.parse(CONVERT_STRINGS + selector);
        } catch (FilterException e) {
            throw badSelector(parserMessage(e));
        }
        String text = SelectorText.normalize(selector);
        if (SelectorText.queriesBody(text)) {
            // The library would evaluate them over the body; ours see headers only and would never match.
            throw badSelector("XPATH and XQUERY are not supported: selectors see record headers only");
        }
        return new ArtemisSelector(text, expression);
    }

    /**
     * A selector that cannot be evaluated against this message (arithmetic on a header that is
     * no number throws inside the library) does not select it, as when it evaluates to NULL.
     */
    @Override
    public boolean matches(String queue, Message message, int partition) {
        try {
            return expression.matches(new RecordProperties(queue, message, partition));
        } catch (FilterException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public String text() {
        return text;
    }

    @Override
    public String viewId() {
        return viewId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArtemisSelector other && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return "MessageSelector[" + text + "]";
    }

    /**
     * The parser's own words: FilterException's message is the selector text, the reason is its
     * cause (a ParseException, a lexer TokenMgrError, or a RuntimeException of a builder), whose
     * message can span lines ("Was expecting one of: …"); the first line says what and where.
     */
    private static String parserMessage(FilterException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String message = cause.getMessage();
        if (message == null || message.isBlank()) {
            return cause.getClass().getSimpleName();
        }
        return message.strip().lines().findFirst().orElse("").strip();
    }

    private static EngineException badSelector(String why) {
        return new EngineException(EngineException.Reason.BAD_REQUEST, "bad selector: " + why);
    }
}
