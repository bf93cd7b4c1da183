package dev.sfu.core.cc;

/**
 * Tunables of per-subscriber congestion control (issue 13).
 *
 * @param enabled              estimate subscribers' downlinks and allocate to fit (false: forward
 *                             what the tile needs, as before, with no stamping and no pacing)
 * @param initialBitrateBps    the estimate before any feedback
 * @param minBitrateBps        the estimate never goes below this
 * @param maxBitrateBps        the estimate never goes above this
 * @param pacingFactor         the pacer sends at this multiple of the estimate, so that a burst
 *                             (a keyframe) drains quickly while still being spread out; libwebrtc's
 *                             {@code PacingController::kDefaultPaceMultiplier} is 2.5
 * @param pacerBurstNanos      unused pacing budget builds up to at most this much send time (and
 *                             at least one packet), so an idle subscriber cannot burst more
 * @param pacerQueuePackets    the pacer queue holds at most this many packets; more are dropped
 * @param pacerMaxDelayNanos   a queued packet older than this is dropped instead of sent: it
 *                             would arrive too late to be played, and the receiver's NACK or
 *                             keyframe request repairs the loss
 */
public record CongestionControlConfig(boolean enabled, long initialBitrateBps, long minBitrateBps,
                                      long maxBitrateBps, double pacingFactor, long pacerBurstNanos,
                                      int pacerQueuePackets, long pacerMaxDelayNanos) {
    private static final long MS = 1_000_000L;
    /** libwebrtc {@code PacingController::kDefaultPaceMultiplier}. */
    public static final double DEFAULT_PACING_FACTOR = 2.5;
    /** A few milliseconds of send time; libwebrtc's pacer works in 5 ms steps (kMinPacketLimit). */
    public static final long DEFAULT_PACER_BURST_NANOS = 5 * MS;
    public static final int DEFAULT_PACER_QUEUE_PACKETS = 512;
    /** Past this a video packet is too late for a real-time jitter buffer anyway. */
    public static final long DEFAULT_PACER_MAX_DELAY_NANOS = 500 * MS;

    public CongestionControlConfig {
        if (minBitrateBps <= 0 || maxBitrateBps < minBitrateBps || initialBitrateBps < minBitrateBps
                || initialBitrateBps > maxBitrateBps) {
            throw new IllegalArgumentException("congestion control bitrates must satisfy 0 < min <= initial <= max, not "
                    + minBitrateBps + ", " + initialBitrateBps + ", " + maxBitrateBps);
        }
        if (!(pacingFactor >= 1 && pacingFactor <= 10)) {
            throw new IllegalArgumentException("the pacing factor must be between 1 and 10, not " + pacingFactor);
        }
        if (pacerBurstNanos < 0 || pacerQueuePackets < 1 || pacerMaxDelayNanos <= 0) {
            throw new IllegalArgumentException("the pacer burst must be >= 0, its queue >= 1 packet and its delay > 0");
        }
    }

    /** The estimator's tunables with the default pacer. */
    public CongestionControlConfig(boolean enabled, long initialBitrateBps, long minBitrateBps, long maxBitrateBps) {
        this(enabled, initialBitrateBps, minBitrateBps, maxBitrateBps, DEFAULT_PACING_FACTOR,
                DEFAULT_PACER_BURST_NANOS, DEFAULT_PACER_QUEUE_PACKETS, DEFAULT_PACER_MAX_DELAY_NANOS);
    }

    public static CongestionControlConfig defaults() {
        return new CongestionControlConfig(true, 1_000_000L, 100_000L, 20_000_000L);
    }

    /** Congestion control off: packets go out as they come, unstamped and unpaced. */
    public static CongestionControlConfig disabled() {
        return defaults().withEnabled(false);
    }

    public CongestionControlConfig withEnabled(boolean on) {
        return new CongestionControlConfig(on, initialBitrateBps, minBitrateBps, maxBitrateBps, pacingFactor,
                pacerBurstNanos, pacerQueuePackets, pacerMaxDelayNanos);
    }

    /** A copy with other bitrates (tests, benchmarks). */
    public CongestionControlConfig withBitrates(long initialBps, long minBps, long maxBps) {
        return new CongestionControlConfig(enabled, initialBps, minBps, maxBps, pacingFactor,
                pacerBurstNanos, pacerQueuePackets, pacerMaxDelayNanos);
    }

    /** A copy with another pacer queue bound (tests). */
    public CongestionControlConfig withPacerQueue(int packets, long maxDelayNanos) {
        return new CongestionControlConfig(enabled, initialBitrateBps, minBitrateBps, maxBitrateBps, pacingFactor,
                pacerBurstNanos, packets, maxDelayNanos);
    }
}
