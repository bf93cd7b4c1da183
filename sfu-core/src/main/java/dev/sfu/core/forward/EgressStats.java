package dev.sfu.core.forward;

/**
 * What one subscriber's {@link SubscriberEgress} did so far, read in one go
 * ({@link SubscriberEgress#stats}). Packet counts are whole RTP packets; bytes are RTP bytes
 * before SRTP. Direct, queued and paced count only while congestion control is on for the
 * subscriber (otherwise every packet goes straight out and is counted in the endpoint's
 * {@code packetsDown}).
 *
 * @param active             stamping and pacing now (congestion control on and negotiated)
 * @param queueLength        packets waiting in the pacer queue now
 * @param packetsQueued      packets that had to wait (copied into the queue)
 * @param bytesQueued        their bytes
 * @param packetsSentDirect  packets sent at once from the forwarding thread's buffer
 * @param bytesSentDirect    their bytes
 * @param packetsSentPaced   queued packets the pacer thread sent
 * @param bytesSentPaced     their bytes
 * @param droppedQueueFull   packets dropped because the queue was full
 * @param droppedExpired     packets dropped after waiting too long
 * @param droppedRefused     packets the transport refused (not connected, send failed)
 * @param probeClusters      probe clusters started
 * @param probePackets       padding packets sent for probes
 * @param probeBytes         their bytes
 * @param probesWithoutRtx   probe clusters abandoned: no active video with RTX to carry them
 * @param feedbacks          transport-cc feedback messages given to the estimator
 * @param unstamped          packets sent without a sequence number (no room for it, or a
 *                           malformed extension block)
 * @param estimator          what the estimator's parts say now
 */
public record EgressStats(boolean active, int queueLength, long packetsQueued, long bytesQueued,
                          long packetsSentDirect, long bytesSentDirect, long packetsSentPaced,
                          long bytesSentPaced, long droppedQueueFull, long droppedExpired,
                          long droppedRefused, long probeClusters, long probePackets, long probeBytes,
                          long probesWithoutRtx, long feedbacks, long unstamped, Estimator estimator) {
    /**
     * The estimator's parts (docs/congestion-control.md).
     *
     * @param delayBasedBps  the delay-based (AIMD) estimate, bits/s
     * @param lossBasedBps   the loss-based limit, bits/s; -1 when loss imposes none
     * @param ackedBps       what the subscriber acknowledged receiving lately, bits/s; -1 before known
     * @param lossPermille   packets lost in the last second of feedback, thousandths
     * @param delayState     normal, overusing or underusing
     * @param delayDecreases decreases the delay-based side made
     * @param lossDecreases  decreases the loss-based side made
     * @param probeResults   probe clusters measured (enough of them acknowledged)
     * @param probeFailures  probe clusters that could not be measured
     * @param probeRaises    probe results that raised the estimate
     */
    public record Estimator(long delayBasedBps, long lossBasedBps, long ackedBps, int lossPermille, String delayState,
                            int delayDecreases, int lossDecreases, int probeResults, int probeFailures, int probeRaises) {
    }
}
