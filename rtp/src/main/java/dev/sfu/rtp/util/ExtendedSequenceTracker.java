package dev.sfu.rtp.util;

/**
 * Validates one stream's 16-bit sequence numbers and extends them to a count that does not wrap,
 * as RFC 3550 appendix A.1 ({@code init_seq}, {@code update_seq}) does: a new source is on
 * probation until {@link #MIN_SEQUENTIAL} packets arrived in sequence; after that a packet up to
 * {@link #MAX_DROPOUT} ahead of the highest advances it (counting a cycle on wrap), one up to
 * {@link #MAX_MISORDER} behind is a late packet, a repeat of the highest is a duplicate, and
 * anything else is a jump, ignored unless the next packet follows it in sequence (the source
 * restarted), in which case the stream starts over from there. It also counts the packets
 * received (A.3), so reception statistics can compute what was lost.
 *
 * <p>The one copy of this algorithm: {@code ReceiveStatistics} in sfu-core keeps its jitter and
 * report intervals on top of it. One owner thread; not thread-safe; allocates nothing.
 */
public final class ExtendedSequenceTracker {
    /** Largest forward gap accepted without confirmation. */
    public static final int MAX_DROPOUT = 3000;
    /** Largest backward distance accepted as reordering. */
    public static final int MAX_MISORDER = 100;
    /** Packets in sequence a new source needs before it counts. */
    public static final int MIN_SEQUENTIAL = 2;

    /** {@link #update}: a duplicate, a packet on probation, or an unconfirmed jump; not counted. */
    public static final int IGNORED = -1;
    /** {@link #update}: a late (reordered) packet; counted. */
    public static final int LATE = -2;
    /** {@link #update}: the stream (re)started at this packet (after probation or a confirmed jump); counted. */
    public static final int STARTED = -3;

    private boolean initialized;
    private int maxSeq;
    private long cycles;
    private long baseSeq;
    private long badSeq = RtpSequence.MODULUS + 1;
    private int probation = MIN_SEQUENTIAL;
    private long received;

    /** Forgets the stream; the next packet starts a new source on probation. */
    public void reset() {
        initialized = false;
    }

    /**
     * Records one packet's sequence number (0-65535).
     *
     * @return the number of sequence numbers skipped ahead of it (0 when in order; candidates for
     *     a NACK), or {@link #LATE}, {@link #STARTED} (both counted) or {@link #IGNORED}
     */
    public int update(int seq) {
        seq &= 0xFFFF;
        if (!initialized) {
            init(seq);
            maxSeq = (seq - 1) & 0xFFFF;
            probation = MIN_SEQUENTIAL;
        }
        int udelta = (seq - maxSeq) & 0xFFFF;
        if (probation > 0) {
            if (seq == ((maxSeq + 1) & 0xFFFF)) {
                probation--;
                maxSeq = seq;
                if (probation == 0) {
                    init(seq);
                    received++;
                    return STARTED;
                }
            } else {
                probation = MIN_SEQUENTIAL - 1;
                maxSeq = seq;
            }
            return IGNORED;
        }
        if (udelta < MAX_DROPOUT) {
            if (udelta == 0) {
                return IGNORED; // Duplicate.
            }
            if (seq < maxSeq) {
                cycles += RtpSequence.MODULUS;
            }
            maxSeq = seq;
            received++;
            return udelta - 1;
        }
        if (udelta <= RtpSequence.MODULUS - MAX_MISORDER) {
            if (seq == badSeq) {
                init(seq); // Two sequential packets: the source restarted.
                received++;
                return STARTED;
            }
            badSeq = (seq + 1) & (RtpSequence.MODULUS - 1);
            return IGNORED;
        }
        received++;
        return LATE;
    }

    /** RFC 3550 A.1 init_seq. */
    private void init(int seq) {
        baseSeq = seq;
        maxSeq = seq;
        badSeq = RtpSequence.MODULUS + 1;
        cycles = 0;
        received = 0;
        initialized = true;
    }

    /** True once the source passed probation. */
    public boolean isValid() {
        return initialized && probation == 0;
    }

    /** The highest extended sequence number: cycles plus the highest 16-bit number. */
    public long highest() {
        return cycles + maxSeq;
    }

    /** The extended sequence number of the first counted packet. */
    public long base() {
        return baseSeq;
    }

    /** Sequence number cycles counted, shifted left by 16 as in RFC 3550 A.1. */
    public long cycles() {
        return cycles;
    }

    /** Packets expected between the first counted and the highest, inclusive (RFC 3550 A.3). */
    public long expected() {
        return highest() - baseSeq + 1;
    }

    /** Packets counted: in order, after a gap, or late (not duplicates of the highest). */
    public long received() {
        return received;
    }
}
