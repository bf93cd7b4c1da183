package dev.sfu.bench.loadtest;

/**
 * What one receiver measured on one publisher stream, from the {@link ProbeTrailer} of each
 * packet (never from the RTP header, which the server rewrites).
 * <ul>
 *   <li>Loss: expected = highest probe sequence - first + 1; lost = expected - distinct
 *       sequences received. A window of the last {@link #WINDOW} sequences tells duplicates
 *       (counted apart) from late packets (reordered: they fill their gap and are not lost).
 *       A packet older than the window is too late to count.</li>
 *   <li>Jitter: RFC 3550 section 6.4.1, J += (|D| - J) / 16 over the transit time (receive
 *       time minus send time) of consecutive original packets, in nanoseconds.</li>
 * </ul>
 * A simulcast layer reaches a receiver in segments (the server forwards another layer in
 * between): {@link #startSegment} makes the next packet start a new segment, so the sequences
 * the layer sent to others meanwhile are not counted as expected.
 *
 * <p>One writer thread (the receiving transport's); readers on other threads see counters that
 * may be one packet old.
 */
public final class StreamReceiveStats {
    /** Sequences remembered for duplicate and reorder detection. */
    public static final int WINDOW = 2048;

    private final int streamId;
    private final int ssrc;
    private final long[] seen = new long[WINDOW / 64];
    private boolean started;
    private long first;
    private long highest;
    private long lastTransit;
    private boolean haveTransit;
    private double jitterNanos;
    private long priorExpected;
    private volatile long highestSeen;
    private volatile long distinct;
    private volatile long expected;
    private volatile long duplicates;
    private volatile long reordered;
    private volatile long tooLate;
    private volatile long retransmitted;
    private volatile long bytes;
    private volatile long misrouted;
    private volatile double jitter;

    public StreamReceiveStats(int streamId, int ssrc) {
        this.streamId = streamId;
        this.ssrc = ssrc;
    }

    public int streamId() {
        return streamId;
    }

    /** The SSRC this stream arrived on first (the server's rewritten SSRC). */
    public int ssrc() {
        return ssrc;
    }

    /**
     * Records one packet.
     *
     * @param sequence      the probe sequence (unsigned 32-bit, as sent)
     * @param transitNanos  receive time minus send time
     * @param retransmission true for an RTX packet (or a resend), kept out of the jitter
     * @return true when the packet is new (not a duplicate nor too late)
     */
    public boolean onPacket(int sequence, long transitNanos, boolean retransmission, int length) {
        long s = sequence & 0xFFFFFFFFL;
        bytes += length;
        if (retransmission) {
            retransmitted++;
        }
        if (!started) {
            started = true;
            first = s;
            highest = s;
            highestSeen = s;
            mark(s);
            distinct++;
            expected = priorExpected + 1;
            jitterStep(transitNanos, retransmission);
            return true;
        }
        if (s > highest) {
            long gap = s - highest;
            if (gap >= WINDOW) {
                java.util.Arrays.fill(seen, 0);
            } else {
                for (long q = highest + 1; q < s; q++) {
                    clear(q);
                }
            }
            highest = s;
            highestSeen = s;
            mark(s);
            distinct++;
            expected = priorExpected + highest - first + 1;
            jitterStep(transitNanos, retransmission);
            return true;
        }
        if (s < first || highest - s >= WINDOW) {
            tooLate++;
            return false;
        }
        if (isMarked(s)) {
            duplicates++;
            return false;
        }
        mark(s);
        distinct++;
        if (!retransmission) {
            reordered++;
        }
        jitterStep(transitNanos, retransmission);
        return true;
    }

    /**
     * The receiver gets this stream again after another one (a simulcast layer switch): the next
     * packet starts a new segment. Packets of the earlier segments arriving later are too late.
     */
    public void startSegment() {
        if (!started) {
            return;
        }
        priorExpected = expected;
        started = false;
        java.util.Arrays.fill(seen, 0);
    }

    /** A packet whose SSRC carried another stream before: the server mixed streams up. */
    public void onMisrouted() {
        misrouted++;
    }

    private void jitterStep(long transit, boolean retransmission) {
        if (retransmission) {
            return;
        }
        if (haveTransit) {
            long d = Math.abs(transit - lastTransit);
            jitterNanos += (d - jitterNanos) / 16.0;
            jitter = jitterNanos;
        }
        lastTransit = transit;
        haveTransit = true;
    }

    private void mark(long s) {
        int i = (int) (s & (WINDOW - 1));
        seen[i >>> 6] |= 1L << (i & 63);
    }

    private void clear(long s) {
        int i = (int) (s & (WINDOW - 1));
        seen[i >>> 6] &= ~(1L << (i & 63));
    }

    private boolean isMarked(long s) {
        int i = (int) (s & (WINDOW - 1));
        return (seen[i >>> 6] & (1L << (i & 63))) != 0;
    }

    /** Distinct probe sequences received. */
    public long received() {
        return distinct;
    }

    /** Sequences from the first to the highest received, summed over segments. */
    public long expected() {
        return expected;
    }

    /** The highest probe sequence received in the current segment (meaningless before the first packet). */
    public long highest() {
        return highestSeen;
    }

    /** Expected minus received, never negative. */
    public long lost() {
        return Math.max(0, expected - distinct);
    }

    public long duplicates() {
        return duplicates;
    }

    public long reordered() {
        return reordered;
    }

    public long tooLate() {
        return tooLate;
    }

    public long retransmitted() {
        return retransmitted;
    }

    public long bytes() {
        return bytes;
    }

    public long misrouted() {
        return misrouted;
    }

    /** RFC 3550 interarrival jitter in nanoseconds. */
    public double jitterNanos() {
        return jitter;
    }
}
