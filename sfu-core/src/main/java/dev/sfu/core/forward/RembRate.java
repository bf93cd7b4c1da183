package dev.sfu.core.forward;

/**
 * The REMB value (draft-alvestrand-rmcat-remb) the server sends to a publisher whose video did
 * not negotiate transport-cc, so has no feedback to estimate its uplink from. It is computed
 * once per receiver report from what actually arrives:
 * <ul>
 *   <li>R: the publisher's incoming video bitrate over the report interval (headers and padding
 *       included: what the uplink carried);</li>
 *   <li>p: the highest fraction lost among the report blocks of that video, as the server's own
 *       receive statistics just wrote them.</li>
 * </ul>
 * Rule, after the loss-based controller of draft-ietf-rmcat-gcc-02 section 6 and the cap of its
 * section 5.5:
 * <pre>
 *   p &gt; 10 %        A = R * (1 - 0.5 p)                      cut below what arrives
 *   2 % &lt;= p &lt;= 10 % A = A_prev                              hold
 *   p &lt; 2 %         A = max(A_prev * 1.08, 1.5 * R)          raise
 *   A = min(max(A, min), max)                                   configured bounds
 * </pre>
 * The thresholds and the 0.5 and 1.08 factors are the draft's (section 6); 1.5 R is the
 * draft's bound on how far an estimate may run ahead of the incoming rate (section 5.5), used
 * here as the floor of a raise, so a publisher whose loss is low is never held below half again
 * what it already sends. The browser keeps its own loss-based estimate and uses the REMB as an
 * upper limit, so A only has to leave it room when the link is clean and pull it down when it
 * is not. The first interval is measured from the endpoint's creation.
 */
final class RembRate {
    /** Loss below which the value rises (draft-ietf-rmcat-gcc-02 section 6: 2 %). */
    static final double LOW_LOSS = 0.02;
    /** Loss above which the value is cut (the same section: 10 %). */
    static final double HIGH_LOSS = 0.10;
    /** Factor of a raise per report (the same section: 1.05, and libwebrtc's 1.08; we take 1.08). */
    static final double INCREASE = 1.08;
    /** How far above the arriving rate a raise reaches at once (draft-ietf-rmcat-gcc-02 section 5.5). */
    static final double HEADROOM = 1.5;

    private final long minBps;
    private final long maxBps;
    private long valueBps;
    private long lastBytes;
    private long lastNanos;
    private long incomingBps = -1;

    RembRate(long minBps, long maxBps, long nowNanos) {
        this.minBps = minBps;
        this.maxBps = Math.max(minBps, maxBps);
        this.valueBps = minBps;
        this.lastNanos = nowNanos;
    }

    /**
     * Updates the value from one report.
     *
     * @param totalBytes   bytes of the REMB-controlled video received so far (a running total)
     * @param fractionLost the highest RFC 3550 fraction lost (0-255) of its report blocks
     * @return the value to send, bits/s
     */
    long update(long totalBytes, int fractionLost, long now) {
        if (totalBytes < lastBytes || now <= lastNanos) {
            // A track went away (or no time passed): measure from here.
            lastBytes = totalBytes;
            lastNanos = now;
            return valueBps;
        }
        long r = (totalBytes - lastBytes) * 8L * 1_000_000_000L / (now - lastNanos);
        lastBytes = totalBytes;
        lastNanos = now;
        incomingBps = r;
        double p = fractionLost / 256.0;
        double a;
        if (p > HIGH_LOSS) {
            a = r * (1 - 0.5 * p);
        } else if (p < LOW_LOSS) {
            a = Math.max(valueBps * INCREASE, HEADROOM * r);
        } else {
            a = valueBps;
        }
        valueBps = Math.min(Math.max((long) a, minBps), maxBps);
        return valueBps;
    }

    /** The last value computed, bits/s. */
    long valueBps() {
        return valueBps;
    }

    /** The incoming bitrate measured at the last report, bits/s; -1 before the first. */
    long incomingBps() {
        return incomingBps;
    }
}
