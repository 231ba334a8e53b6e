package io.kqf.engine.select;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.selector.filter.Filterable;

import io.kqf.engine.Message;

/**
 * One message as a selector sees it (restful-queue.md §7 "Selector properties"): its headers as
 * UTF-8 strings, the last value of a repeated name, and the JMS header fields kqf defines. A value
 * of null is SQL NULL. Made per evaluation; the selector reads only the properties it names.
 */
final class RecordProperties implements Filterable {
    static final String PRIORITY_HEADER = "priority";
    static final String TYPE_HEADER = "type";
    static final String CORRELATION_ID_HEADER = "correlation-id";
    /** JMS's default priority (JMS 2.0 §3.4.10), for a message without a usable priority header. */
    static final int DEFAULT_PRIORITY = 4;

    private final String queue;
    private final Message message;
    private final int partition;

    RecordProperties(String queue, Message message, int partition) {
        this.queue = queue;
        this.message = message;
        this.partition = partition;
    }

    @Override
    public Object getProperty(SimpleString name) {
        String property = name.toString();
        return switch (property) {
            case "JMSTimestamp" -> message.timestamp();
            case "JMSMessageID" -> "ID:" + queue + "/" + partition + "/" + message.offset();
            case "JMSPriority" -> priority();
            case "JMSType" -> header(TYPE_HEADER);
            case "JMSCorrelationID" -> header(CORRELATION_ID_HEADER);
            default -> header(property);
        };
    }

    /** Selectors here see headers only; XPATH/XQUERY over the body find nothing. */
    @Override
    public <T> T getBodyAs(Class<T> type) {
        return null;
    }

    /** No NoLocal filtering: a Kafka record has no connection. */
    @Override
    public Object getLocalConnectionId() {
        return null;
    }

    private Integer priority() {
        String value = header(PRIORITY_HEADER);
        if (value != null) {
            try {
                return Integer.valueOf(value.strip());
            } catch (NumberFormatException e) {
                // not a number: the default, as when absent
            }
        }
        return DEFAULT_PRIORITY;
    }

    /** The last value of header {@code name}, or null (absent, or present with a null value). */
    private String header(String name) {
        List<Message.Header> headers = message.headers();
        if (headers == null) {
            return null;
        }
        for (int i = headers.size() - 1; i >= 0; i--) {
            Message.Header header = headers.get(i);
            if (header.name().equals(name)) {
                return header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
