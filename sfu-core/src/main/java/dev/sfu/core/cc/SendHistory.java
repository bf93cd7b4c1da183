package dev.sfu.core.cc;

import dev.sfu.rtp.util.RtpSequence;

/**
 * What was sent to one subscriber, by transport-wide sequence number
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01): send time, size and probe cluster of
 * each of the last {@link #CAPACITY} packets, so that feedback naming a 16-bit sequence number
 * can be matched to its send time.
 *
 * <p>A ring indexed by the low bits of the sequence number unwrapped to 64 bits; each slot
 * remembers which unwrapped number it holds, so feedback for a number never sent, or sent so
 * long ago that its slot was reused, finds nothing ({@link #find} returns -1). Each slot also
 * remembers what feedback has said about it, so duplicated and reordered feedback is counted
 * once.
 */
final class SendHistory {
    /** Slots; a power of two. 8192 packets is over 3 s at 20 Mbit/s of 1200-byte packets. */
    static final int CAPACITY = 8192;
    private static final int MASK = CAPACITY - 1;

    /** No feedback has mentioned the packet yet. */
    static final byte UNREPORTED = 0;
    /** Feedback said the packet did not arrive (later feedback may still report it). */
    static final byte LOST = 1;
    /** Feedback said the packet arrived. */
    static final byte RECEIVED = 2;

    private final long[] seqs = new long[CAPACITY];
    private final long[] sendNanos = new long[CAPACITY];
    private final int[] sizes = new int[CAPACITY];
    private final int[] clusters = new int[CAPACITY];
    private final byte[] states = new byte[CAPACITY];
    private long highest = -1;

    SendHistory() {
        java.util.Arrays.fill(seqs, -1);
    }

    /**
     * Records a sent packet; returns its unwrapped sequence number, or -1 when it unwraps to
     * before the first packet ever recorded (not stored).
     */
    long record(int transportSeq, int sizeBytes, long nowNanos, int probeCluster) {
        long seq = highest < 0 ? transportSeq & 0xFFFF : unwrap(transportSeq);
        if (seq < 0) {
            return -1;
        }
        int i = (int) (seq & MASK);
        seqs[i] = seq;
        sendNanos[i] = nowNanos;
        sizes[i] = sizeBytes;
        clusters[i] = probeCluster;
        states[i] = UNREPORTED;
        if (seq > highest) {
            highest = seq;
        }
        return seq;
    }

    /** The slot holding {@code transportSeq}, or -1 when it was never sent or is too old. */
    int find(int transportSeq) {
        if (highest < 0) {
            return -1;
        }
        long seq = unwrap(transportSeq);
        if (seq < 0 || seq > highest || highest - seq >= CAPACITY) {
            return -1;
        }
        int i = (int) (seq & MASK);
        return seqs[i] == seq ? i : -1;
    }

    /** The unwrapped sequence number nearest to the highest sent. */
    private long unwrap(int transportSeq) {
        return highest + RtpSequence.diff(transportSeq, (int) highest);
    }

    long highestSeq() {
        return highest;
    }

    long sendNanos(int slot) {
        return sendNanos[slot];
    }

    int size(int slot) {
        return sizes[slot];
    }

    int cluster(int slot) {
        return clusters[slot];
    }

    byte state(int slot) {
        return states[slot];
    }

    void setState(int slot, byte state) {
        states[slot] = state;
    }
}
