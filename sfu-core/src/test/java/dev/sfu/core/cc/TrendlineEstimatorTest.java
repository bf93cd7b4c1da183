package dev.sfu.core.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TrendlineEstimatorTest {
    @Test
    void aSteadyQueueHasNoTrend() {
        TrendlineEstimator t = new TrendlineEstimator();
        for (int i = 0; i < 100; i++) {
            t.update(10, 10, i * 10.0);
        }
        assertEquals(0, t.trend(), 1e-9);
    }

    @Test
    void aQueueGrowing1msPer10msHasASlopeNear01AndTheScaledTrendUsesGain4AndAtMost60Deltas() {
        TrendlineEstimator t = new TrendlineEstimator();
        for (int i = 0; i < 200; i++) {
            t.update(11, 10, i * 11.0);
        }
        // Delay grows 1 ms per 11 ms of arrival time.
        assertEquals(1.0 / 11, t.trend(), 0.005);
        assertEquals(60 * t.trend() * 4, t.modifiedTrend(), 1e-9);
    }

    @Test
    void noTrendUntilTheWindowOf20IsFull() {
        TrendlineEstimator t = new TrendlineEstimator();
        for (int i = 0; i < TrendlineEstimator.WINDOW - 1; i++) {
            t.update(15, 10, i * 15.0);
        }
        assertEquals(0, t.trend());
        t.update(15, 10, 19 * 15.0);
        assertEquals(true, t.trend() > 0);
    }
}
