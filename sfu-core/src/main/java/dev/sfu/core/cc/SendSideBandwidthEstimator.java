package dev.sfu.core.cc;

import dev.sfu.rtp.rtcp.TransportCcFeedback;

/**
 * One subscriber's downlink estimate from transport-wide congestion control feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01): the server stamps every packet it sends
 * the subscriber with a transport-wide sequence number ({@link #onPacketSent}), the subscriber
 * reports when each arrived ({@link #onFeedback}), and this class turns send and arrival times
 * into a target bitrate ({@link #targetBitrateBps}).
 *
 * <p>Not thread-safe: its owner (the subscriber's egress) calls it under one lock. Allocates
 * nothing per packet or per feedback.
 *
 * <p>API SKELETON: the estimator itself is being written (issue 13); until then the estimate
 * is a constant.
 */
public final class SendSideBandwidthEstimator {
    private final CongestionControlConfig config;
    private long desired;

    public SendSideBandwidthEstimator(CongestionControlConfig config, long nowNanos) {
        this.config = config;
    }

    /**
     * Records one RTP packet sent to the subscriber.
     *
     * @param transportSeq the transport-wide sequence number it carries (16 bits)
     * @param sizeBytes    the packet's size on the wire before SRTP (RTP header included)
     * @param nowNanos     send time
     * @param probeCluster the probe cluster it belongs to, or -1 for media
     */
    public void onPacketSent(int transportSeq, int sizeBytes, long nowNanos, int probeCluster) {
    }

    /** Processes one transport-cc feedback message (already wrapped and valid). */
    public void onFeedback(TransportCcFeedback feedback, long nowNanos) {
    }

    /** The bitrate the subscriber's link is estimated to carry now, bits/s. */
    public long targetBitrateBps() {
        return config.initialBitrateBps();
    }

    /**
     * What the allocation would send if the estimate allowed it, bits/s. When it is above the
     * estimate the estimator asks for probes ({@link #pollProbe}).
     */
    public void setDesiredBitrate(long bps) {
        desired = bps;
    }

    /**
     * Called by the pacer on each of its ticks: the id of a probe cluster to start now (send
     * {@link #probeBytes} bytes of padding at {@link #probeRateBps} bits/s, each packet recorded
     * with that cluster id), or -1 when no probe is due.
     */
    public int pollProbe(long nowNanos) {
        return -1;
    }

    /** The rate of the probe cluster {@link #pollProbe} last started, bits/s. */
    public long probeRateBps() {
        return 0;
    }

    /** Bytes the probe cluster {@link #pollProbe} last started should send. */
    public int probeBytes() {
        return 0;
    }
}
