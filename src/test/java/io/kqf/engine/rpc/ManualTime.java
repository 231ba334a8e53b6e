package io.kqf.engine.rpc;

import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;

/** Time that moves only when the test says so; due timers run on the test's thread, in order. */
final class ManualTime implements TimeSource {
    private record Entry(long at, long sequence, Runnable action) {
    }

    private final PriorityQueue<Entry> queue = new PriorityQueue<>(
            Comparator.comparingLong(Entry::at).thenComparingLong(Entry::sequence));
    private long now;
    private long sequence;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Timer schedule(long delayNanos, Runnable action) {
        Entry entry = new Entry(now + delayNanos, sequence++, action);
        queue.add(entry);
        return () -> {
            synchronized (ManualTime.this) {
                queue.remove(entry);
            }
        };
    }

    /** Moves time forward, running every timer that falls due on the way (outside this object's lock). */
    void advance(Duration duration) {
        long target;
        synchronized (this) {
            target = now + duration.toNanos();
        }
        while (true) {
            Entry due;
            synchronized (this) {
                due = queue.peek();
                if (due == null || due.at() > target) {
                    now = target;
                    return;
                }
                queue.poll();
                now = due.at();
            }
            due.action().run();
        }
    }

    /**
     * Moves time forward and returns the actions that fell due without running them: a timer
     * thread that has picked them up and not run them yet (cancelling them now is too late).
     */
    synchronized java.util.List<Runnable> takeDue(Duration duration) {
        now += duration.toNanos();
        java.util.List<Runnable> due = new java.util.ArrayList<>();
        while (!queue.isEmpty() && queue.peek().at() <= now) {
            due.add(queue.poll().action());
        }
        return due;
    }

    /** Timers scheduled and neither run nor cancelled. */
    synchronized int pending() {
        return queue.size();
    }

    @Override
    public void close() {
    }
}
