package dev.sfu.core.forward;

import com.codahale.metrics.Counter;

/**
 * Packets in, out and dropped of one receive stage in one room, registered with the room's
 * metrics as {@code room.<id>.stage.<name>.in|out|dropped}. A drop also counts under its reason
 * in the room's and the server's drop counters, so a new stage gets its metrics by taking one
 * of these. Counters are striped ({@link Counter} is a LongAdder): any thread may count.
 */
public final class StageCounters {
    private final String name;
    private final Counter in;
    private final Counter out;
    private final Counter dropped;
    private final ForwardingMetrics room;

    StageCounters(String name, Counter in, Counter out, Counter dropped, ForwardingMetrics room) {
        this.name = name;
        this.in = in;
        this.out = out;
        this.dropped = dropped;
        this.room = room;
    }

    public String name() {
        return name;
    }

    /** A packet entered the stage. */
    void in() {
        in.inc();
    }

    /** A packet left the stage for the next one. */
    void out() {
        out.inc();
    }

    /** The stage dropped a packet; always returns false, so a stage can {@code return drop(...)}. */
    boolean drop(DropReason reason) {
        dropped.inc();
        room.drop(reason);
        return false;
    }

    public long inCount() {
        return in.getCount();
    }

    public long outCount() {
        return out.getCount();
    }

    public long droppedCount() {
        return dropped.getCount();
    }
}
