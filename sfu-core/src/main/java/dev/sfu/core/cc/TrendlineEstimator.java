package dev.sfu.core.cc;

/**
 * Slope of the queueing delay over time (draft-ietf-rmcat-gcc-02 section 5.3 describes a
 * Kalman filter; libwebrtc replaced it with this trendline filter, modules/congestion_controller/
 * goog_cc/trendline_estimator.cc): each group's delay gradient (inter-arrival minus
 * inter-departure) is accumulated into a one-way queueing delay, smoothed exponentially, and a
 * least-squares line is fitted over the last {@link #WINDOW} points against arrival time. A
 * positive slope means the queue is growing.
 *
 * <p>Constants from libwebrtc: kDefaultTrendlineWindowSize 20, kDefaultTrendlineSmoothingCoeff
 * 0.9, kDefaultTrendlineThresholdGain 4, kMinNumDeltas 60, kDeltaCounterMax 1000.
 */
final class TrendlineEstimator {
    static final int WINDOW = 20;
    static final double SMOOTHING = 0.9;
    static final double THRESHOLD_GAIN = 4.0;
    /** The trend is scaled by the number of deltas seen, up to this many. */
    static final int MIN_NUM_DELTAS = 60;
    private static final int DELTA_COUNTER_MAX = 1000;

    private final double[] xs = new double[WINDOW];
    private final double[] ys = new double[WINDOW];
    private int count;
    private int head;
    private int numDeltas;
    private double firstArrivalMs = Double.NaN;
    private double accumulatedDelayMs;
    private double smoothedDelayMs;
    private double trend;

    /**
     * Adds one group's deltas.
     *
     * @return the trend scaled for the detector: min(deltas seen, 60) x slope x gain, in ms
     */
    double update(double arrivalDeltaMs, double sendDeltaMs, double arrivalTimeMs) {
        double deltaMs = arrivalDeltaMs - sendDeltaMs;
        numDeltas = Math.min(numDeltas + 1, DELTA_COUNTER_MAX);
        if (Double.isNaN(firstArrivalMs)) {
            firstArrivalMs = arrivalTimeMs;
        }
        accumulatedDelayMs += deltaMs;
        smoothedDelayMs = SMOOTHING * smoothedDelayMs + (1 - SMOOTHING) * accumulatedDelayMs;
        xs[head] = arrivalTimeMs - firstArrivalMs;
        ys[head] = smoothedDelayMs;
        head = (head + 1) % WINDOW;
        if (count < WINDOW) {
            count++;
        }
        if (count == WINDOW) {
            double slope = slope();
            if (!Double.isNaN(slope)) {
                trend = slope;
            }
        }
        return modifiedTrend();
    }

    /** The last fitted slope, ms of delay per ms. */
    double trend() {
        return trend;
    }

    int numDeltas() {
        return numDeltas;
    }

    /** The trend as the overuse detector compares it with its threshold. */
    double modifiedTrend() {
        return Math.min(numDeltas, MIN_NUM_DELTAS) * trend * THRESHOLD_GAIN;
    }

    private double slope() {
        double sumX = 0;
        double sumY = 0;
        for (int i = 0; i < WINDOW; i++) {
            sumX += xs[i];
            sumY += ys[i];
        }
        double meanX = sumX / WINDOW;
        double meanY = sumY / WINDOW;
        double num = 0;
        double den = 0;
        for (int i = 0; i < WINDOW; i++) {
            double dx = xs[i] - meanX;
            num += dx * (ys[i] - meanY);
            den += dx * dx;
        }
        return den == 0 ? Double.NaN : num / den;
    }
}
