package dev.sfu.core.cc;

/**
 * The loss-based limit (draft-ietf-rmcat-gcc-02 section 6): from the lost and received counts
 * that feedback reported over the last second, more than {@link #HIGH_LOSS} lost cuts the
 * rate to rate x (1 - 0.5 x loss), less than {@link #LOW_LOSS} lets it grow 8 % a second, and
 * anything between holds it. Without loss it imposes no limit ({@link #limitBps} is
 * {@code Long.MAX_VALUE}); once a cut has grown back above the delay-based estimate, the limit
 * is lifted again.
 *
 * <p>Constants from the draft (2 % and 10 %, 1.05 growth) as libwebrtc tunes them in
 * modules/congestion_controller/goog_cc/send_side_bandwidth_estimation.cc:
 * kDefaultLowLossThreshold 0.02, kDefaultHighLossThreshold 0.1, growth x1.08 + 1 kbit/s once
 * per kBweIncreaseInterval 1 s, a cut at most once per kBweDecreaseInterval 300 ms + RTT,
 * kLimitNumPackets 20 before loss is judged. Loss is counted in ten 100 ms slots; after a cut
 * the slots are cleared, so the same losses do not cut twice.
 */
final class LossBasedControl {
    static final double LOW_LOSS = 0.02;
    static final double HIGH_LOSS = 0.10;
    static final double INCREASE_FACTOR = 1.08;
    static final long INCREASE_STEP_BPS = 1000;
    static final long INCREASE_INTERVAL_NANOS = 1_000_000_000L;
    static final long DECREASE_INTERVAL_NANOS = 300_000_000L;
    static final int MIN_PACKETS = 20;
    static final int SLOTS = 10;
    static final long SLOT_NANOS = 100_000_000L;

    private final long[] slotEpoch = new long[SLOTS];
    private final int[] slotLost = new int[SLOTS];
    private final int[] slotReceived = new int[SLOTS];
    private long limit = Long.MAX_VALUE;
    private long lastDecrease = Long.MIN_VALUE;
    private long lastIncrease = Long.MIN_VALUE;
    private double loss;
    private int decreases;

    LossBasedControl() {
        java.util.Arrays.fill(slotEpoch, Long.MIN_VALUE);
    }

    /** Adds what one feedback message newly reported: packets lost (net of late arrivals) and received. */
    void onFeedback(int lost, int received, long nowNanos) {
        long epoch = Math.floorDiv(nowNanos, SLOT_NANOS);
        int i = (int) Math.floorMod(epoch, SLOTS);
        if (slotEpoch[i] != epoch) {
            slotEpoch[i] = epoch;
            slotLost[i] = 0;
            slotReceived[i] = 0;
        }
        slotLost[i] += lost;
        slotReceived[i] += received;
    }

    /**
     * Updates the limit.
     *
     * @param targetBps     the current target (a cut starts from it)
     * @param delayBasedBps the delay-based estimate (the limit is lifted once above it)
     */
    long update(long targetBps, long delayBasedBps, long rttNanos, long nowNanos) {
        long epoch = Math.floorDiv(nowNanos, SLOT_NANOS);
        long lost = 0;
        long total = 0;
        for (int i = 0; i < SLOTS; i++) {
            if (slotEpoch[i] != Long.MIN_VALUE && epoch - slotEpoch[i] < SLOTS) {
                lost += Math.max(slotLost[i], 0);
                total += Math.max(slotLost[i], 0) + slotReceived[i];
            }
        }
        if (total < MIN_PACKETS) {
            return limit;
        }
        loss = (double) lost / total;
        if (loss > HIGH_LOSS) {
            if (lastDecrease == Long.MIN_VALUE || nowNanos - lastDecrease >= DECREASE_INTERVAL_NANOS + rttNanos) {
                limit = (long) (Math.min(limit, targetBps) * (1 - 0.5 * loss));
                lastDecrease = nowNanos;
                lastIncrease = nowNanos;
                decreases++;
                java.util.Arrays.fill(slotEpoch, Long.MIN_VALUE);
            }
        } else if (loss < LOW_LOSS && limit != Long.MAX_VALUE) {
            if (nowNanos - lastIncrease >= INCREASE_INTERVAL_NANOS) {
                limit = (long) (limit * INCREASE_FACTOR) + INCREASE_STEP_BPS;
                lastIncrease = nowNanos;
                if (limit >= delayBasedBps) {
                    limit = Long.MAX_VALUE;
                }
            }
        }
        return limit;
    }

    /** The limit now; {@code Long.MAX_VALUE} when loss imposes none. */
    long limitBps() {
        return limit;
    }

    /** A successful probe measured the link: the limit does not stay below what it found. */
    void onProbe(long bps) {
        if (limit != Long.MAX_VALUE && bps > limit) {
            limit = bps;
        }
    }

    /** Fraction lost over the window at the last judgement (0-1). */
    double lossFraction() {
        return loss;
    }

    int decreases() {
        return decreases;
    }
}
