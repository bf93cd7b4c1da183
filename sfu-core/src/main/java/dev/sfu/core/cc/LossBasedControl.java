package dev.sfu.core.cc;

/**
 * The loss-based limit (draft-ietf-rmcat-gcc-02 section 6): from the lost and received counts
 * that feedback reported over the last second, more than {@link #HIGH_LOSS} lost cuts the
 * rate to rate x (1 - 0.5 x loss); between {@link #LOW_LOSS} and {@link #HIGH_LOSS} the target
 * holds (the limit is set to it, if there was none); below {@link #LOW_LOSS} it may grow. Without
 * loss it imposes no limit ({@link #limitBps} is {@code Long.MAX_VALUE}). The estimator keeps
 * the delay-based estimate at or below the limit, so that when the limit is lifted the target
 * grows on from where it was, at the delay-based pace, instead of jumping.
 *
 * <p>Growth differs from libwebrtc's (x1.08 + 1 kbit/s once a second, blind to delay): once
 * loss has been judged low for {@link #INCREASE_INTERVAL_NANOS} since the last cut or hold
 * judgement, the limit is lifted, so the delay-based increase, which watches the queue, takes
 * over. (Judged on every feedback, a window of 100 packets at 5 % loss would now and then show
 * under 2 %; a whole second of such windows does not.) An 8 % step past the capacity of a shallow
 * tail-drop queue (50 ms, as {@code tc tbf} is set up) fills it before the trendline sees a
 * slope, and the sender then sits above capacity with 2-10 % loss that the hold band never
 * corrects: measured in the simulation, 524 kbit/s on a 500 kbit/s link with 4-5 % loss.
 *
 * <p>Constants from the draft (2 % and 10 %) as libwebrtc uses them in
 * modules/congestion_controller/goog_cc/send_side_bandwidth_estimation.cc:
 * kDefaultLowLossThreshold 0.02, kDefaultHighLossThreshold 0.1, kBweIncreaseInterval 1 s, a cut
 * at most once per kBweDecreaseInterval 300 ms + RTT, kLimitNumPackets 20 before loss is judged.
 * Loss is counted in ten 100 ms slots; after a cut the slots are cleared, so the same losses do
 * not cut twice, and loss is judged again only over at least {@link #MIN_WINDOW_NANOS} of fresh
 * feedback (a judgement over the bare 20 packets would often see no loss at 5 % and lift).
 *
 * <p>A cut never leaves the limit above the acknowledged bitrate (libwebrtc's experimental
 * loss-based control, loss_based_bandwidth_estimation.cc, likewise decreases to a fraction of
 * the acknowledged rate). Without that, x(1 - 0.5 x loss) cuts from far above a tail-drop
 * link's capacity stop where loss falls just under 10 %, about 5 % above capacity, with the
 * queue full so that the delay-based detector sees no slope: the hold band then keeps it there
 * (measured in the simulation: starting at 2.5 Mbit/s on a 1 Mbit/s link, stuck at 1.046
 * Mbit/s with 4.5 % loss).
 */
final class LossBasedControl {
    static final double LOW_LOSS = 0.02;
    static final double HIGH_LOSS = 0.10;
    static final long INCREASE_INTERVAL_NANOS = 1_000_000_000L;
    static final long DECREASE_INTERVAL_NANOS = 300_000_000L;
    static final int MIN_PACKETS = 20;
    static final int SLOTS = 10;
    /** After a cut, loss is judged again only over at least this much fresh feedback. */
    static final long MIN_WINDOW_NANOS = 500_000_000L;
    static final long SLOT_NANOS = 100_000_000L;

    private final long[] slotEpoch = new long[SLOTS];
    private final int[] slotLost = new int[SLOTS];
    private final int[] slotReceived = new int[SLOTS];
    private long limit = Long.MAX_VALUE;
    private long lastDecrease = Long.MIN_VALUE;
    private long lastHold = Long.MIN_VALUE;
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
     * @param targetBps the current target (a cut starts from it)
     */
    long update(long targetBps, long ackedBps, long rttNanos, long nowNanos) {
        long epoch = Math.floorDiv(nowNanos, SLOT_NANOS);
        long lost = 0;
        long total = 0;
        for (int i = 0; i < SLOTS; i++) {
            if (slotEpoch[i] != Long.MIN_VALUE && epoch - slotEpoch[i] < SLOTS) {
                lost += Math.max(slotLost[i], 0);
                total += Math.max(slotLost[i], 0) + slotReceived[i];
            }
        }
        if (total < MIN_PACKETS || (lastDecrease != Long.MIN_VALUE && nowNanos - lastDecrease < MIN_WINDOW_NANOS)) {
            return limit;
        }
        loss = (double) lost / total;
        if (loss > HIGH_LOSS) {
            if (lastDecrease == Long.MIN_VALUE || nowNanos - lastDecrease >= DECREASE_INTERVAL_NANOS + rttNanos) {
                long cut = (long) (Math.min(limit, targetBps) * (1 - 0.5 * loss));
                if (ackedBps > 0) {
                    // Not above what got through: see the class comment.
                    cut = Math.min(cut, ackedBps);
                }
                limit = cut;
                lastDecrease = nowNanos;
                decreases++;
                java.util.Arrays.fill(slotEpoch, Long.MIN_VALUE);
            }
        } else if (loss >= LOW_LOSS) {
            if (limit == Long.MAX_VALUE) {
                // Hold: the target stops growing where it is.
                limit = targetBps;
            }
            lastHold = nowNanos;
        } else if (limit != Long.MAX_VALUE && nowNanos - Math.max(lastDecrease, lastHold) >= INCREASE_INTERVAL_NANOS) {
            limit = Long.MAX_VALUE;
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
