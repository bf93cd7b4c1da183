package dev.sfu.rtp.util;

/**
 * Extends a stream's 16-bit sequence numbers to a monotonic 64-bit count, after the algorithm of
 * RFC 3550 appendix A.1: a packet up to {@link #MAX_DROPOUT} ahead of the highest advances it
 * (counting a cycle on wrap); one up to {@link #MAX_MISORDER} behind is a late packet and gets
 * its extended number in the cycle it belongs to; anything else is a jump, rejected unless the
 * next packet follows it in sequence (the source restarted), in which case tracking resyncs.
 * Extended numbers stay increasing across resyncs. One owner thread; not thread-safe.
 */
public final class ExtendedSequenceTracker {
    /** Largest forward gap accepted without confirmation. */
    public static final int MAX_DROPOUT = 3000;
    /** Largest backward distance accepted as reordering. */
    public static final int MAX_MISORDER = 100;
    /** Returned by {@link #accept} for a rejected packet. */
    public static final long REJECTED = -1;

    private boolean started;
    private int maxSeq;
    private long cycles;
    private long baseExtended;
    private int badSeq = -1;
    private long received;
    private long rejected;
    private long resyncs;

    /**
     * Records {@code seq} (0-65535).
     *
     * @return its extended sequence number, or {@link #REJECTED} for an unconfirmed jump or a
     *     late packet from before the first one
     */
    public long accept(int seq) {
        seq &= 0xFFFF;
        if (!started) {
            started = true;
            maxSeq = seq;
            cycles = 0;
            baseExtended = seq;
            received = 1;
            return seq;
        }
        int udelta = (seq - maxSeq) & 0xFFFF;
        if (udelta < MAX_DROPOUT) {
            if (seq < maxSeq) {
                cycles += RtpSequence.MODULUS;
            }
            maxSeq = seq;
            badSeq = -1;
            received++;
            return cycles + seq;
        }
        if (udelta <= RtpSequence.MODULUS - MAX_MISORDER) {
            if (seq != badSeq) {
                badSeq = (seq + 1) & 0xFFFF;
                rejected++;
                return REJECTED;
            }
            // Two packets in sequence after a jump: the source restarted; resync.
            long previous = highest();
            long extended = cycles + seq;
            while (extended <= previous) {
                cycles += RtpSequence.MODULUS;
                extended += RtpSequence.MODULUS;
            }
            maxSeq = seq;
            badSeq = -1;
            resyncs++;
            received++;
            return extended;
        }
        // A late or duplicate packet within MAX_MISORDER behind the highest.
        long extended = cycles + seq - (seq > maxSeq ? RtpSequence.MODULUS : 0);
        if (extended < baseExtended) {
            rejected++;
            return REJECTED;
        }
        received++;
        return extended;
    }

    /** The highest extended sequence number accepted, or -1 before the first packet. */
    public long highest() {
        return started ? cycles + maxSeq : -1;
    }

    /** The extended sequence number of the first packet, or -1 before it. */
    public long base() {
        return started ? baseExtended : -1;
    }

    /** Sequence number cycles counted, shifted left by 16 as in RFC 3550 A.1. */
    public long cycles() {
        return cycles;
    }

    /** Packets expected between the first and the highest, inclusive (RFC 3550 A.3). */
    public long expected() {
        return started ? highest() - baseExtended + 1 : 0;
    }

    /** Packets accepted, duplicates included. */
    public long received() {
        return received;
    }

    /** Packets rejected as unconfirmed jumps or too old. */
    public long rejected() {
        return rejected;
    }

    /** Times tracking resynced after a confirmed jump. */
    public long resyncs() {
        return resyncs;
    }
}
