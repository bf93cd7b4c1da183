package dev.sfu.core.cc;

/**
 * The delay-based estimate: additive-increase, multiplicative-decrease driven by the overuse
 * detector (draft-ietf-rmcat-gcc-02 section 5.5). A state machine: NORMAL from the detector
 * moves HOLD to INCREASE, OVERUSING moves to DECREASE, UNDERUSING to HOLD (the queue is
 * draining; wait for it). Increase is multiplicative, 8 % per second, while the estimate is far
 * from where the link was last found ({@link LinkCapacityEstimator}), and additive, about one
 * packet per response time (RTT + 100 ms), near it. Decrease sets the estimate to
 * {@link #BETA} x the acknowledged bitrate, at most once per RTT; when the acknowledged bitrate is
 * under {@link #APP_LIMITED} of the estimate it backs off from the estimate instead (see
 * {@link #update}). The estimate never climbs
 * above 1.5 x acknowledged + 10 kbit/s, so an application-limited sender does not inflate it.
 *
 * <p>Constants from libwebrtc modules/remote_bitrate_estimator/aimd_rate_control.cc:
 * kDefaultBackoffFactor 0.85 (draft: beta 0.85), 1.08 per second (draft: eta 1.08),
 * kMinIncreaseRateBpsPerSecond 4000, 30 fps frames of 1200-byte packets for the additive step,
 * kDefaultRtt 200 ms, bitrate reduction interval RTT clamped to 10-200 ms, throughput limit
 * 1.5 x acked + 10 kbit/s, minimum multiplicative step 1000 bit/s, kInitializationTime 5 s
 * (the initial estimate is held, not increased, until a probe, an overuse or 5 s of acknowledged
 * bitrate measures the link: a blind increase from a start value that already fills the link
 * builds a queue before the trendline has the 20 groups it needs; after 5 s the estimate becomes
 * the acknowledged rate only when that is higher, see {@link #update}).
 */
final class AimdRateControl {
    private static final org.slf4j.Logger TRACE = org.slf4j.LoggerFactory.getLogger(AimdRateControl.class);
    static final double BETA = 0.85;
    /** Sending under this share of the estimate counts as application limited (see {@link #update}). */
    static final double APP_LIMITED = 0.5;
    /** ... unless the link delivered under this share of what was sent (see {@link #update}). */
    static final double LINK_LIMITED = 0.8;
    static final double MULTIPLICATIVE_PER_SECOND = 1.08;
    static final long MIN_ADDITIVE_BPS_PER_SECOND = 4_000;
    static final double FRAME_INTERVAL_S = 1.0 / 30;
    static final int PACKET_SIZE_BYTES = 1200;
    static final long DEFAULT_RTT_NANOS = 200_000_000L;
    static final long RESPONSE_EXTRA_NANOS = 100_000_000L;
    static final long MIN_REDUCTION_INTERVAL_NANOS = 10_000_000L;
    static final long MAX_REDUCTION_INTERVAL_NANOS = 200_000_000L;
    static final long INITIALIZATION_NANOS = 5_000_000_000L;
    /**
     * The acknowledged rate must stay above the link capacity's upper bound this long before the
     * capacity is forgotten. libwebrtc forgets it on one such sample; its acknowledged rate is a
     * Bayesian estimate over 150-500 ms windows, ours a plain 250 ms window, which a shaper's
     * token bucket fills with one burst (seen behind a tc tbf with 10 KB of burst: a refilled
     * bucket passed 1.4 Mbit/s for 250 ms over an 800 kbit/s link, the capacity was forgotten,
     * probes became short again and the next one "found" 1.7 Mbit/s). A bucket empties within a
     * few hundred milliseconds; a link that really got faster keeps its higher rate.
     */
    static final long CAPACITY_RESET_NANOS = 1_000_000_000L;
    /** A dip under the capacity's upper bound shorter than this does not restart {@link #CAPACITY_RESET_NANOS}. */
    static final long CAPACITY_RESET_GAP_NANOS = 300_000_000L;

    private enum State { HOLD, INCREASE, DECREASE }

    private final long minBps;
    private final long maxBps;
    private final LinkCapacityEstimator linkCapacity = new LinkCapacityEstimator();
    private State state = State.INCREASE;
    private long current;
    private long rttNanos = DEFAULT_RTT_NANOS;
    private long lastChange = Long.MIN_VALUE;
    private long latestThroughput = -1;
    private int decreases;
    private boolean initialized;
    private long firstThroughputAt = Long.MIN_VALUE;
    private long aboveCapacitySince = Long.MIN_VALUE;
    private long lastAboveCapacity = Long.MIN_VALUE;

    AimdRateControl(long initialBps, long minBps, long maxBps) {
        this.minBps = minBps;
        this.maxBps = maxBps;
        this.current = clamp(initialBps);
    }

    long estimateBps() {
        return current;
    }

    /** Where the link was last found congested (acknowledged bitrate at overuse), or -1. */
    long linkCapacityBps() {
        return linkCapacity.hasEstimate() ? linkCapacity.estimateBps() : -1;
    }

    /**
     * A long probe, judged by its tail, measured more than the link capacity found earlier: the
     * capacity is where that probe found the link now. Not forgotten: with no capacity known the
     * probes are short again, and a shaper's bucket fools short probes (seen behind a tc tbf: a
     * long probe measured 754 kbit/s over a capacity of 703 kbit/s on an 800 kbit/s link, the
     * capacity was forgotten, and the next short probe "found" 1.7 Mbit/s).
     */
    void raiseLinkCapacity(long bps) {
        linkCapacity.reset();
        linkCapacity.onOveruse(bps);
    }

    int decreases() {
        return decreases;
    }

    void setRtt(long rttNanos) {
        this.rttNanos = rttNanos;
    }

    /** Sets the estimate directly, as a probe result or a loss-based cut does. */
    void setEstimate(long bps, long nowNanos) {
        current = clamp(bps);
        lastChange = nowNanos;
        initialized = true;
    }

    /**
     * Whether the estimate rests on a measurement yet: a probe result, an overuse, or
     * {@link #INITIALIZATION_NANOS} of acknowledged bitrate. Until then the configured initial
     * estimate is held, not increased.
     */
    boolean initialized() {
        return initialized;
    }

    /** Lowers the estimate to {@code bps} if above it, as the loss-based limit requires. */
    void capAt(long bps) {
        if (bps < current) {
            current = clamp(bps);
            initialized = true;
        }
    }

    /**
     * Whether an overuse may decrease again: one RTT (10-200 ms) after the last change, or at
     * once when the acknowledged rate has fallen under half the estimate.
     */
    boolean timeToReduceFurther(long nowNanos, long ackedBps) {
        long interval = Math.max(MIN_REDUCTION_INTERVAL_NANOS, Math.min(MAX_REDUCTION_INTERVAL_NANOS, rttNanos));
        if (lastChange == Long.MIN_VALUE || nowNanos - lastChange >= interval) {
            return true;
        }
        return ackedBps >= 0 && ackedBps < current / 2;
    }

    /** Applies one detector verdict; ackedBps is -1 when not known yet. Returns the estimate. */
    long update(BandwidthUsage usage, long ackedBps, long nowNanos) {
        return update(usage, ackedBps, -1, nowNanos);
    }

    /**
     * As {@link #update(BandwidthUsage, long, long)}; {@code sentBps}, what media was sent at
     * lately (-1: unknown), tells a link that dropped from an application-limited sender: an
     * acknowledged rate under {@link #LINK_LIMITED} of what was sent is the link's, however far
     * below the estimate.
     */
    long update(BandwidthUsage usage, long ackedBps, long sentBps, long nowNanos) {
        if (ackedBps >= 0) {
            latestThroughput = ackedBps;
        }
        long throughput = latestThroughput >= 0 ? latestThroughput : current;
        if (!initialized) {
            if (ackedBps >= 0 && firstThroughputAt == Long.MIN_VALUE) {
                firstThroughputAt = nowNanos;
            } else if (ackedBps >= 0 && nowNanos - firstThroughputAt > INITIALIZATION_NANOS) {
                // libwebrtc sets the estimate to the acknowledged rate here. Its sender is an
                // encoder that fills the estimate; an SFU sends what the tiles need, often far
                // less, and would then take that for the link's capacity (seen in Chromium calls
                // on loopback: 1 Mbit/s lowered to 300-500 kbit/s 5 s into the call, with no
                // sign of congestion, and a new participant's video paused for bandwidth).
                // Only a higher acknowledged rate says more than the initial estimate.
                current = clamp(Math.max(current, ackedBps));
                initialized = true;
                lastChange = nowNanos;
                return current;
            }
            if (!initialized && usage != BandwidthUsage.OVERUSING) {
                return current;
            }
        }
        switch (usage) {
            case NORMAL -> {
                if (state == State.HOLD) {
                    lastChange = nowNanos;
                    state = State.INCREASE;
                }
            }
            case OVERUSING -> state = State.DECREASE;
            case UNDERUSING -> state = State.HOLD;
        }
        long throughputLimit = (long) (1.5 * throughput) + 10_000;
        long next = current;
        switch (state) {
            case HOLD -> {
            }
            case INCREASE -> {
                forgetCapacityIfExceeded(throughput, nowNanos);
                if (current < throughputLimit) {
                    long step = linkCapacity.hasEstimate()
                            ? additiveIncrease(nowNanos) : multiplicativeIncrease(nowNanos);
                    next = Math.min(current + step, throughputLimit);
                }
                lastChange = nowNanos;
            }
            case DECREASE -> {
                long decreased;
                // Not when the link delivered clearly less than was sent: then the link dropped
                // (seen when an 800 kbit/s tbf came on under an estimate of 2.4 Mbit/s: 1.5 Mbit/s
                // sent, 760 kbit/s acknowledged, taken for an application-limited sender; the
                // estimate went to 0.85 x the old 2.3 Mbit/s capacity, the capacity stayed
                // 2.3 Mbit/s, and short probes under it "found" 2.3 Mbit/s in the tbf's bucket
                // for the next 20 s, each followed by an overflow).
                boolean linkLimited = sentBps > 0 && throughput < LINK_LIMITED * sentBps;
                if (throughput < APP_LIMITED * current && !linkLimited) {
                    // Application limited: an SFU sends what its allocation chose, often far
                    // below the estimate. Cut to the acknowledged rate then, and each cut lowers
                    // the allocation, the next acknowledged rate and the next cut: a spiral to
                    // the minimum (seen behind an 800 kbit/s tbf: 250 kbit/s sent, estimate
                    // 210 kbit/s; and on loopback at the start of Chromium calls, where one
                    // overuse read from a starved receiver took 1 Mbit/s to 0.85 x the first
                    // video's 100 kbit/s and paused it). Back off from the link's last measured
                    // capacity instead, or, before one is known, from the estimate, as
                    // libwebrtc's WebRTC-Bwe-AlrLimitedBackoff does in its application-limited
                    // region. Such an acknowledged rate says nothing of the capacity: not kept.
                    decreased = linkCapacity.hasEstimate()
                            ? Math.min(current, (long) (BETA * linkCapacity.estimateBps()))
                            : (long) (BETA * current);
                } else {
                    decreased = (long) (BETA * throughput);
                    if (decreased > current && linkCapacity.hasEstimate()) {
                        decreased = (long) (BETA * linkCapacity.estimateBps());
                    }
                    if (throughput < linkCapacity.lowerBoundBps()) {
                        linkCapacity.reset();
                    }
                    linkCapacity.onOveruse(throughput);
                }
                if (decreased < current) {
                    next = decreased;
                    decreases++;
                }
                initialized = true;
                state = State.HOLD;
                lastChange = nowNanos;
            }
        }
        current = clamp(next);
        return current;
    }

    /**
     * Forgets the link capacity once the acknowledged rate has stayed above it for
     * {@link #CAPACITY_RESET_NANOS}; dips shorter than {@link #CAPACITY_RESET_GAP_NANOS} (a late
     * or reordered feedback leaves a hole in the acknowledged rate) do not restart the count.
     */
    private void forgetCapacityIfExceeded(long throughput, long nowNanos) {
        if (throughput <= linkCapacity.upperBoundBps()) {
            return;
        }
        if (aboveCapacitySince == Long.MIN_VALUE || nowNanos - lastAboveCapacity > CAPACITY_RESET_GAP_NANOS) {
            aboveCapacitySince = nowNanos;
        }
        lastAboveCapacity = nowNanos;
        if (nowNanos - aboveCapacitySince >= CAPACITY_RESET_NANOS) {
            if (TRACE.isDebugEnabled()) {
                TRACE.debug("{} link capacity {} forgotten: acknowledged {} above its upper bound {} for {} ms",
                        System.identityHashCode(this), linkCapacity.estimateBps(), throughput,
                        linkCapacity.upperBoundBps(), (nowNanos - aboveCapacitySince) / 1_000_000);
            }
            linkCapacity.reset();
            aboveCapacitySince = Long.MIN_VALUE;
        }
    }

    private long multiplicativeIncrease(long nowNanos) {
        double alpha = MULTIPLICATIVE_PER_SECOND;
        if (lastChange != Long.MIN_VALUE) {
            double seconds = Math.min((nowNanos - lastChange) / 1e9, 1.0);
            alpha = Math.pow(alpha, Math.max(seconds, 0));
        }
        return Math.max((long) (current * (alpha - 1.0)), 1000);
    }

    private long additiveIncrease(long nowNanos) {
        if (lastChange == Long.MIN_VALUE) {
            return 0;
        }
        double seconds = Math.max(nowNanos - lastChange, 0) / 1e9;
        return (long) (nearMaxIncreaseBpsPerSecond() * seconds);
    }

    /** About one average packet per response time (RTT + 100 ms). */
    private double nearMaxIncreaseBpsPerSecond() {
        double bitsPerFrame = current * FRAME_INTERVAL_S;
        double packetsPerFrame = Math.ceil(bitsPerFrame / (8.0 * PACKET_SIZE_BYTES));
        double avgPacketBits = bitsPerFrame / Math.max(packetsPerFrame, 1);
        double responseSeconds = (rttNanos + RESPONSE_EXTRA_NANOS) / 1e9;
        return Math.max(MIN_ADDITIVE_BPS_PER_SECOND, avgPacketBits / responseSeconds);
    }

    private long clamp(long bps) {
        return Math.max(minBps, Math.min(maxBps, bps));
    }
}
