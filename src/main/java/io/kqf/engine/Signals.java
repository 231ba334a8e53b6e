package io.kqf.engine;

/** Told whenever a queue may have become deliverable (put, fetch, lease expiry, restore). */
@FunctionalInterface
interface Signals {
    Signals NONE = queue -> { };

    void changed(String queue);
}
