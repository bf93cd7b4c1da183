package dev.sfu.core.forward;

import dev.sfu.rtp.rtcp.ReportBlock;
import dev.sfu.rtp.util.ExtendedSequenceTracker;

/**
 * Reception statistics of one incoming RTP stream, as RFC 3550 appendix A.1 (sequence
 * validation), A.3 (expected and lost packets) and A.8 (interarrival jitter) define them. The
 * values fill the report block of the server's receiver reports. Sequence validation is
 * {@link ExtendedSequenceTracker} (rtp module); this class adds jitter and the report intervals:
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
    private final int clockRate;
    /** Sequence validation and extension (A.1) and the packets received (A.3). */
    private final ExtendedSequenceTracker sequence = new ExtendedSequenceTracker();
    private boolean initialized;
    private long ssrc = -1;
    private long expectedPrior;
    private long receivedPrior;
    private long transit;
    private boolean haveTransit;
    private double jitter;
    private long lastSrMiddle;
    private long lastSrNanos;
    private int lastFractionLost;

    public ReceiveStatistics(int clockRate) {
        this.clockRate = clockRate;
    }

    /** Starts a new reporting history: a new source, or the same one restarted. */
    private void resetIntervals() {
        receivedPrior = 0;
        expectedPrior = 0;
        haveTransit = false;
        jitter = 0;
    }

    /**
     * Records one packet. Returns the number of sequence numbers skipped ahead of it (a gap:
     * candidates for a NACK), 0 when in order, or -1 when the packet is a duplicate, reordered,
     * or not yet validated.
     */
    public int update(long ssrc, int seq, long rtpTimestamp, long arrivalNanos) {
        if (!initialized || ssrc != this.ssrc) {
            this.ssrc = ssrc;
            initialized = true;
            sequence.reset();
            resetIntervals();
        }
        int r = sequence.update(seq);
        if (r == ExtendedSequenceTracker.IGNORED) {
            return -1;
        }
        if (r == ExtendedSequenceTracker.STARTED) {
            resetIntervals();
        }
        jitter(rtpTimestamp, arrivalNanos);
        return r >= 0 ? r : r == ExtendedSequenceTracker.STARTED ? 0 : -1;
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
        return sequence.isValid();
    }

    public long ssrc() {
        return ssrc;
    }

    public long extendedHighestSequence() {
        return sequence.highest();
    }

    public long expected() {
        return sequence.expected();
    }

    /** Cumulative packets lost (may be negative with duplicates), clamped to 24 bits signed. */
    public long cumulativeLost() {
        long lost = expected() - sequence.received();
        return Math.max(-0x800000, Math.min(0x7FFFFF, lost));
    }

    public long received() {
        return sequence.received();
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
        long received = sequence.received();
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
