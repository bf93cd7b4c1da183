package dev.sfu.core.forward;

import dev.sfu.rtp.rtcp.ReportBlock;

/**
 * Reception statistics of one incoming RTP stream, as RFC 3550 appendix A.1 (sequence
 * validation), A.3 (expected and lost packets) and A.8 (interarrival jitter) define them. The
 * values fill the report block of the server's receiver reports:
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 SSRC_1 (SSRC of first source)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | fraction lost |       cumulative number of packets lost       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           extended highest sequence number received           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      interarrival jitter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         last SR (LSR)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   delay since last SR (DLSR)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Owned by the publisher's serial executor; not thread-safe.
 */
public final class ReceiveStatistics {
    private static final int MAX_DROPOUT = 3000;
    private static final int MAX_MISORDER = 100;
    private static final int MIN_SEQUENTIAL = 2;
    private static final long RTP_SEQ_MOD = 1 << 16;

    private final int clockRate;
    private long ssrc = -1;
    private int maxSeq;
    private long cycles;
    private long baseSeq;
    private long badSeq = RTP_SEQ_MOD + 1;
    private int probation = MIN_SEQUENTIAL;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private long transit;
    private boolean haveTransit;
    private double jitter;
    private long lastSrMiddle;
    private long lastSrNanos;
    private boolean initialized;
    private int lastFractionLost;

    public ReceiveStatistics(int clockRate) {
        this.clockRate = clockRate;
    }

    /** Resets for a new source (RFC 3550 A.1 init_seq plus the counters). */
    private void init(long ssrc, int seq) {
        this.ssrc = ssrc;
        baseSeq = seq;
        maxSeq = seq;
        badSeq = RTP_SEQ_MOD + 1;
        cycles = 0;
        received = 0;
        receivedPrior = 0;
        expectedPrior = 0;
        haveTransit = false;
        jitter = 0;
        initialized = true;
    }

    /**
     * Records one packet. Returns the number of sequence numbers skipped ahead of it (a gap:
     * candidates for a NACK), 0 when in order, or -1 when the packet is a duplicate, reordered,
     * or not yet validated.
     */
    public int update(long ssrc, int seq, long rtpTimestamp, long arrivalNanos) {
        if (!initialized || ssrc != this.ssrc) {
            init(ssrc, seq);
            maxSeq = (seq - 1) & 0xFFFF;
            probation = MIN_SEQUENTIAL;
        }
        int gap = -1;
        int udelta = (seq - maxSeq) & 0xFFFF;
        if (probation > 0) {
            if (seq == ((maxSeq + 1) & 0xFFFF)) {
                probation--;
                maxSeq = seq;
                if (probation == 0) {
                    init(ssrc, seq);
                    received++;
                    jitter(rtpTimestamp, arrivalNanos);
                    return 0;
                }
            } else {
                probation = MIN_SEQUENTIAL - 1;
                maxSeq = seq;
            }
            return -1;
        } else if (udelta < MAX_DROPOUT) {
            if (udelta == 0) {
                return -1; // Duplicate.
            }
            if (seq < maxSeq) {
                cycles += RTP_SEQ_MOD;
            }
            gap = udelta - 1;
            maxSeq = seq;
        } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
            if (seq == badSeq) {
                init(ssrc, seq); // Two sequential packets: the source restarted.
                received++;
                jitter(rtpTimestamp, arrivalNanos);
                return 0;
            }
            badSeq = (seq + 1) & (RTP_SEQ_MOD - 1);
            return -1;
        }
        received++;
        jitter(rtpTimestamp, arrivalNanos);
        return gap;
    }

    /** RFC 3550 A.8: J += (|D| - J) / 16, D in timestamp units. */
    private void jitter(long rtpTimestamp, long arrivalNanos) {
        long arrival = arrivalNanos * clockRate / 1_000_000_000L;
        long t = arrival - rtpTimestamp;
        if (haveTransit) {
            long d = Math.abs(t - transit);
            jitter += (d - jitter) / 16.0;
        }
        transit = t;
        haveTransit = true;
    }

    /** Remembers a sender report of this stream for LSR/DLSR (RFC 3550 section 6.4.1). */
    public void onSenderReport(long ntpSeconds, long ntpFraction, long arrivalNanos) {
        lastSrMiddle = ((ntpSeconds & 0xFFFF) << 16) | ((ntpFraction >>> 16) & 0xFFFF);
        lastSrNanos = arrivalNanos;
    }

    public boolean hasData() {
        return initialized && probation == 0;
    }

    public long ssrc() {
        return ssrc;
    }

    public long extendedHighestSequence() {
        return cycles + maxSeq;
    }

    public long expected() {
        return extendedHighestSequence() - baseSeq + 1;
    }

    /** Cumulative packets lost (may be negative with duplicates), clamped to 24 bits signed. */
    public long cumulativeLost() {
        long lost = expected() - received;
        return Math.max(-0x800000, Math.min(0x7FFFFF, lost));
    }

    public long received() {
        return received;
    }

    /** Interarrival jitter in timestamp units. */
    public long jitter() {
        return (long) jitter;
    }

    /** The fraction lost of the last report, as an 8-bit fixed point number. */
    public int lastFractionLost() {
        return lastFractionLost;
    }

    /**
     * Writes one 24-byte report block at {@code at} and starts a new reporting interval (the
     * fraction lost is computed since the previous call, RFC 3550 A.3).
     */
    public void writeReportBlock(byte[] b, int at, long nowNanos) {
        long expected = expected();
        long expectedInterval = expected - expectedPrior;
        expectedPrior = expected;
        long receivedInterval = received - receivedPrior;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        int fraction = expectedInterval == 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
        lastFractionLost = Math.min(fraction, 255);
        long dlsr = lastSrMiddle == 0 ? 0 : ((nowNanos - lastSrNanos) * 65536 / 1_000_000_000L) & 0xFFFFFFFFL;
        ReportBlock.write(b, at, b.length - at, ssrc, lastFractionLost, (int) cumulativeLost(),
                extendedHighestSequence() & 0xFFFFFFFFL, jitter() & 0xFFFFFFFFL, lastSrMiddle, dlsr);
    }
}
