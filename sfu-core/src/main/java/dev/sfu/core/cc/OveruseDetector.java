package dev.sfu.core.cc;

/**
 * Turns the delay trend into a verdict, with an adaptive threshold (draft-ietf-rmcat-gcc-02
 * sections 5.4 and 5.5). Overuse is signalled only when the trend has stayed above the
 * threshold for more than {@link #OVERUSE_TIME_MS} and more than one group, and is not falling.
 * The threshold follows the trend slowly upward ({@link #K_UP}) and faster downward
 * ({@link #K_DOWN}), so that a competing TCP flow's queue does not starve us, yet a steady
 * queue stays visible; trend spikes far above it (more than {@link #MAX_ADAPT_OFFSET_MS}) do not
 * move it.
 *
 * <p>Constants from the draft (section 5.4: overuse time 10 ms; section 5.5: K_u 0.01, K_d
 * 0.00018) as libwebrtc tunes them for its trendline in modules/remote_bitrate_estimator/
 * overuse_detector.cc and goog_cc/trendline_estimator.cc: k_up 0.0087, k_down 0.039, initial
 * threshold 12.5 ms, clamped to 6-600 ms, kMaxAdaptOffsetMs 15, kMaxTimeDeltaMs 100,
 * kOverUsingTimeThreshold 10 ms.
 */
final class OveruseDetector {
    static final double K_UP = 0.0087;
    static final double K_DOWN = 0.039;
    static final double INITIAL_THRESHOLD_MS = 12.5;
    static final double MIN_THRESHOLD_MS = 6;
    static final double MAX_THRESHOLD_MS = 600;
    static final double MAX_ADAPT_OFFSET_MS = 15;
    static final double MAX_TIME_DELTA_MS = 100;
    static final double OVERUSE_TIME_MS = 10;

    private double threshold = INITIAL_THRESHOLD_MS;
    private double lastUpdateMs = Double.NaN;
    private double timeOverUsingMs = -1;
    private int overuseCounter;
    private double prevTrend;
    private BandwidthUsage state = BandwidthUsage.NORMAL;

    /**
     * Judges one new trend value.
     *
     * @param modifiedTrend the trendline's scaled trend, ms
     * @param trend         its raw slope, to see whether it still rises
     * @param numDeltas     groups seen so far
     * @param sendDeltaMs   the inter-departure time of the group just added
     * @param nowMs         arrival time of the group just added
     */
    BandwidthUsage detect(double modifiedTrend, double trend, int numDeltas, double sendDeltaMs, double nowMs) {
        if (numDeltas < 2) {
            state = BandwidthUsage.NORMAL;
            return state;
        }
        if (modifiedTrend > threshold) {
            if (timeOverUsingMs == -1) {
                // Assume the overuse started halfway between this group and the last one.
                timeOverUsingMs = sendDeltaMs / 2;
            } else {
                timeOverUsingMs += sendDeltaMs;
            }
            overuseCounter++;
            if (timeOverUsingMs > OVERUSE_TIME_MS && overuseCounter > 1 && trend >= prevTrend) {
                timeOverUsingMs = 0;
                overuseCounter = 0;
                state = BandwidthUsage.OVERUSING;
            }
        } else if (modifiedTrend < -threshold) {
            timeOverUsingMs = -1;
            overuseCounter = 0;
            state = BandwidthUsage.UNDERUSING;
        } else {
            timeOverUsingMs = -1;
            overuseCounter = 0;
            state = BandwidthUsage.NORMAL;
        }
        prevTrend = trend;
        updateThreshold(modifiedTrend, nowMs);
        return state;
    }

    BandwidthUsage state() {
        return state;
    }

    double thresholdMs() {
        return threshold;
    }

    private void updateThreshold(double modifiedTrend, double nowMs) {
        if (Double.isNaN(lastUpdateMs)) {
            lastUpdateMs = nowMs;
        }
        double magnitude = Math.abs(modifiedTrend);
        if (magnitude > threshold + MAX_ADAPT_OFFSET_MS) {
            lastUpdateMs = nowMs;
            return;
        }
        double k = magnitude < threshold ? K_DOWN : K_UP;
        double dt = Math.min(Math.max(nowMs - lastUpdateMs, 0), MAX_TIME_DELTA_MS);
        threshold += k * (magnitude - threshold) * dt;
        threshold = Math.max(MIN_THRESHOLD_MS, Math.min(MAX_THRESHOLD_MS, threshold));
        lastUpdateMs = nowMs;
    }
}
