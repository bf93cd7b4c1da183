package dev.sfu.core.cc;

/**
 * Where the link's capacity was last found: an exponential average (and variance) of the
 * acknowledged bitrate at each overuse. Rate control increases additively while the estimate
 * is within three standard deviations of it, multiplicatively otherwise
 * (draft-ietf-rmcat-gcc-02 section 5.5: "close to the convergence point").
 *
 * <p>Constants from libwebrtc modules/remote_bitrate_estimator/link_capacity_estimator.cc:
 * smoothing 0.05, deviation (normalized variance, kbit/s) starting at 0.4 and clamped to
 * 0.4-2.5.
 */
final class LinkCapacityEstimator {
    static final double ALPHA = 0.05;
    static final double MIN_DEVIATION = 0.4;
    static final double MAX_DEVIATION = 2.5;

    private double estimateKbps = -1;
    private double deviationKbps = MIN_DEVIATION;

    void onOveruse(long ackedBps) {
        double sample = ackedBps / 1000.0;
        if (estimateKbps < 0) {
            estimateKbps = sample;
        } else {
            estimateKbps = (1 - ALPHA) * estimateKbps + ALPHA * sample;
        }
        double norm = Math.max(estimateKbps, 1.0);
        double error = estimateKbps - sample;
        deviationKbps = (1 - ALPHA) * deviationKbps + ALPHA * error * error / norm;
        deviationKbps = Math.max(MIN_DEVIATION, Math.min(MAX_DEVIATION, deviationKbps));
    }

    boolean hasEstimate() {
        return estimateKbps >= 0;
    }

    long estimateBps() {
        return (long) (estimateKbps * 1000);
    }

    long upperBoundBps() {
        return hasEstimate() ? (long) ((estimateKbps + 3 * stdKbps()) * 1000) : Long.MAX_VALUE;
    }

    long lowerBoundBps() {
        return hasEstimate() ? (long) (Math.max(0, estimateKbps - 3 * stdKbps()) * 1000) : 0;
    }

    void reset() {
        estimateKbps = -1;
    }

    private double stdKbps() {
        return Math.sqrt(deviationKbps * estimateKbps);
    }
}
