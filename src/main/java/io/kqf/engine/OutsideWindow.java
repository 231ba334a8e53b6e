package io.kqf.engine;

/** A push-queue index outside the window {@code (si, ci]}: the client continues from {@code si + 1}. */
public final class OutsideWindow extends RuntimeException {
    private final long si;
    private final long ci;

    public OutsideWindow(long si, long ci) {
        super("index outside the window " + si + "-" + ci, null, false, false);
        this.si = si;
        this.ci = ci;
    }

    public long si() {
        return si;
    }

    public long ci() {
        return ci;
    }
}
