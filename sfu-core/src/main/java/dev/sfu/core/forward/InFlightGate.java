package dev.sfu.core.forward;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Closing an object that packets pass through on other threads, without a lock: each use is
 * bracketed by {@link #enter} and {@link #exit}; {@link #close} refuses later entries, and the
 * object's buffers are released exactly once, by whoever is last: {@code close} itself when
 * nothing was in flight (its caller releases), else the last {@code exit} (which runs the release
 * it was given). One counter: the in-flight count in the low bits, closed in bit 30.
 */
final class InFlightGate {
    private static final int CLOSED = 1 << 30;

    private final AtomicInteger state = new AtomicInteger();
    private final Runnable release;

    /** @param release what the last {@link #exit} after {@link #close} runs */
    InFlightGate(Runnable release) {
        this.release = release;
    }

    /** True when the caller may go on (then it must call {@link #exit}); false once closed. */
    boolean enter() {
        while (true) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** Ends a use; the last one after {@link #close} runs the release. */
    void exit() {
        if (state.decrementAndGet() == CLOSED) {
            release.run();
        }
    }

    /**
     * Refuses later entries. Returns -1 when it was already closed (nothing to do), 0 when nothing
     * is in flight (the caller releases, after its own closing steps), else the number of uses in
     * flight (the last of them releases).
     */
    int close() {
        int s = state.getAndUpdate(x -> x | CLOSED);
        return (s & CLOSED) != 0 ? -1 : s;
    }

    boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }
}
