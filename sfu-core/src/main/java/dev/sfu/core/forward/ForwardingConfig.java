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
 * @param rembBitrate              REMB value sent with the receiver reports, bits/s; 0: none
 * @param maxNackGap               gaps up to this many packets are NACKed to the publisher
 */
public record ForwardingConfig(long pliMinIntervalNanos, long keyframeRetryNanos, int cacheSize,
                               long cacheMaxAgeNanos, long resendMinIntervalNanos,
                               long receiverReportIntervalNanos, long rembBitrate, int maxNackGap) {
    private static final long MS = 1_000_000L;

    public static ForwardingConfig defaults() {
        return new ForwardingConfig(300 * MS, 1000 * MS, 512, 1000 * MS, 100 * MS, 1000 * MS,
                2_500_000L, 32);
    }
}
