package dev.sfu.core.forward;

/**
 * Tunables of the forwarding path. Times are in nanoseconds.
 *
 * @param pliMinIntervalNanos      at most one PLI per publisher track within this interval
 * @param keyframeRetryNanos       re-request a keyframe when a subscriber still waits this long
 * @param cacheSize                retransmission cache packets per video track (power of two)
 * @param cacheMaxAgeNanos         cached packets older than this are not resent
 * @param resendMinIntervalNanos   one packet is resent to one subscriber at most this often
 * @param receiverReportIntervalNanos how often receiver reports go to each publisher
 * @param rembMinBitrate           lower bound of the REMB sent to a publisher without transport-cc, bits/s
 * @param rembMaxBitrate           upper bound of that REMB, bits/s (the rule: {@link RembRate})
 * @param maxNackGap               gaps up to this many packets are NACKed to the publisher
 */
public record ForwardingConfig(long pliMinIntervalNanos, long keyframeRetryNanos, int cacheSize,
                               long cacheMaxAgeNanos, long resendMinIntervalNanos,
                               long receiverReportIntervalNanos, long rembMinBitrate, long rembMaxBitrate,
                               int maxNackGap) {
    private static final long MS = 1_000_000L;

    /**
     * REMB bounds: 150 kbit/s, the call page's lowest simulcast layer, so a lossy link never
     * starves a publisher below one layer; 5 Mbit/s, twice what the page's three layers add up
     * to (150 + 500 + 1500 kbit/s), so the bound never limits a clean link.
     */
    public static ForwardingConfig defaults() {
        return new ForwardingConfig(300 * MS, 1000 * MS, 512, 1000 * MS, 100 * MS, 1000 * MS,
                150_000L, 5_000_000L, 32);
    }
}
