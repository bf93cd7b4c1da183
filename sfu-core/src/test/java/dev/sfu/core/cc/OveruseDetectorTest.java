package dev.sfu.core.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** draft-ietf-rmcat-gcc-02 sections 5.4 and 5.5, with libwebrtc's trendline constants. */
class OveruseDetectorTest {
    @Test
    void overuseMustLastMoreThan10msAndMoreThanOneGroup() {
        OveruseDetector d = new OveruseDetector();
        d.detect(0, 0, 10, 5, 0);
        // Above the 12.5 ms initial threshold: first group counts half its 5 ms send delta.
        assertEquals(BandwidthUsage.NORMAL, d.detect(20, 0.1, 10, 5, 5));
        assertEquals(BandwidthUsage.NORMAL, d.detect(20, 0.1, 11, 5, 10), "7.5 ms over: not yet");
        assertEquals(BandwidthUsage.OVERUSING, d.detect(20, 0.1, 12, 5, 15), "12.5 ms and three groups");
    }

    @Test
    void aFallingTrendDoesNotSignalOveruse() {
        OveruseDetector d = new OveruseDetector();
        d.detect(20, 0.3, 10, 5, 0);
        d.detect(20, 0.2, 11, 5, 5);
        assertEquals(BandwidthUsage.NORMAL, d.detect(20, 0.1, 12, 5, 10));
    }

    @Test
    void belowMinusThresholdIsUnderuse() {
        OveruseDetector d = new OveruseDetector();
        d.detect(0, 0, 10, 5, 0);
        assertEquals(BandwidthUsage.UNDERUSING, d.detect(-13, -0.1, 11, 5, 5));
    }

    @Test
    void theThresholdDecaysTowardTheTrendAndIsClampedAt6ms() {
        OveruseDetector d = new OveruseDetector();
        for (int i = 0; i < 1000; i++) {
            d.detect(0, 0, 100, 5, i * 5.0);
        }
        assertEquals(OveruseDetector.MIN_THRESHOLD_MS, d.thresholdMs(), 1e-9);
    }

    @Test
    void theThresholdRisesSlowlyWithATrendAboveItButIgnoresSpikes() {
        OveruseDetector d = new OveruseDetector();
        d.detect(0, 0, 100, 5, 0);
        d.detect(15, 0, 100, 5, 10);
        // k_up 0.0087 x (15 - 12.5) x 10 ms.
        assertEquals(12.5 + 0.0087 * 2.5 * 10, d.thresholdMs(), 1e-9);
        double before = d.thresholdMs();
        d.detect(before + 16, 0, 100, 5, 20);
        assertEquals(before, d.thresholdMs(), 1e-9, "more than 15 ms above: not adapted");
        assertTrue(d.thresholdMs() <= OveruseDetector.MAX_THRESHOLD_MS);
    }
}
