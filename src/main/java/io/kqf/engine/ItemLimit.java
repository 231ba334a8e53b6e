package io.kqf.engine;

/** The largest record value the engine accepts (item.max.bytes), checked by every way in. */
record ItemLimit(int maxBytes) {
    void check(int length) {
        if (length > maxBytes) {
            throw new EngineException(EngineException.Reason.TOO_LARGE,
                    "the message of " + length + " bytes is larger than the limit (" + maxBytes + " bytes)");
        }
    }
}
