package io.kqf.engine;

/** hustmq queue types: a work queue consumed once, or a push queue read by index. */
public enum QueueType {
    PLAIN(0), PUSH(1);

    private final int code;

    QueueType(int code) {
        this.code = code;
    }

    /** The number hustmq's stat reports. */
    public int code() {
        return code;
    }

    static QueueType ofCode(int code) {
        return code == 1 ? PUSH : PLAIN;
    }
}
