package io.kqf.engine.select;

import io.kqf.engine.Message;

/** {@link MessageSelector#ALL}: no selector, every message matches. */
final class EveryMessage implements MessageSelector {
    private static final String TEXT = "";
    private static final String VIEW_ID = SelectorText.viewId(TEXT);

    EveryMessage() {
    }

    @Override
    public boolean matches(String queue, Message message, int partition) {
        return true;
    }

    @Override
    public String text() {
        return TEXT;
    }

    @Override
    public String viewId() {
        return VIEW_ID;
    }

    @Override
    public String toString() {
        return "MessageSelector.ALL";
    }
}
