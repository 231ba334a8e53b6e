package io.kqf.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What happens to queues, for whoever waits on them (long polls, later metrics and streams):
 * a queue may have become deliverable (put, fetch, lease due, restore), or a get reached it.
 * Created before the engine and its listeners, so neither needs the other to exist first.
 * Listeners are called on the engine's threads, often under a queue's monitor: they must be
 * cheap and must not call back into the engine.
 */
final class QueueEvents implements Signals {
    /** Told of queue events. */
    interface Listener {
        void changed(String queue);

        void gotten(String queue);
    }

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    void listen(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void changed(String queue) {
        for (Listener listener : listeners) {
            listener.changed(queue);
        }
    }

    void gotten(String queue) {
        for (Listener listener : listeners) {
            listener.gotten(queue);
        }
    }
}
