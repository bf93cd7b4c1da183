package dev.sfu.core.transport;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** Per-transport drop counters, one per {@link DropReason}; increments allocate nothing. */
public final class DropCounters {
    private static final DropReason[] REASONS = DropReason.values();
    private final AtomicLongArray counts = new AtomicLongArray(REASONS.length);

    void increment(DropReason reason) {
        counts.incrementAndGet(reason.ordinal());
    }

    void add(DropReason reason, long n) {
        if (n > 0) {
            counts.addAndGet(reason.ordinal(), n);
        }
    }

    /** The number of datagrams dropped for this reason so far. */
    public long get(DropReason reason) {
        return counts.get(reason.ordinal());
    }

    /** The sum over all reasons. */
    public long total() {
        long sum = 0;
        for (int i = 0; i < REASONS.length; i++) {
            sum += counts.get(i);
        }
        return sum;
    }

    /** A snapshot of all counters. */
    public Map<DropReason, Long> snapshot() {
        Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
        for (DropReason r : REASONS) {
            m.put(r, counts.get(r.ordinal()));
        }
        return m;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
