package dev.sfu.core.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** draft-ietf-rmcat-gcc-02 section 6: over 10 % cut, 2-10 % hold, under 2 % grow. */
class LossBasedControlTest {
    private static final long MS = 1_000_000L;
    private static final long NONE = Long.MAX_VALUE;

    @Test
    void over10PercentCutsByHalfTheLossAtMostOncePer300msPlusRtt() {
        LossBasedControl l = new LossBasedControl();
        l.onFeedback(20, 80, 0);
        assertEquals(900_000, l.update(1_000_000, -1, 50 * MS, 0));
        l.onFeedback(20, 80, 100 * MS);
        assertEquals(900_000, l.update(900_000, -1, 50 * MS, 100 * MS), "too soon");
        l.onFeedback(20, 80, 600 * MS);
        assertEquals(810_000, l.update(900_000, -1, 50 * MS, 600 * MS));
        assertEquals(2, l.decreases());
    }

    @Test
    void aCutDoesNotLeaveTheLimitAboveTheAcknowledgedBitrate() {
        LossBasedControl l = new LossBasedControl();
        l.onFeedback(40, 60, 0);
        assertEquals(600_000, l.update(1_000_000, 600_000, 0, 0));
    }

    @Test
    void between2And10PercentTheTargetHolds() {
        LossBasedControl l = new LossBasedControl();
        l.onFeedback(5, 95, 0);
        assertEquals(1_000_000, l.update(1_000_000, 950_000, 0, 0));
        l.onFeedback(5, 95, 2_000 * MS);
        assertEquals(1_000_000, l.update(1_200_000, 950_000, 0, 2_000 * MS));
    }

    @Test
    void under2PercentTheLimitLiftsOneSecondAfterTheLastCut() {
        LossBasedControl l = new LossBasedControl();
        l.onFeedback(50, 50, 0);
        l.update(1_000_000, -1, 0, 0);
        l.onFeedback(0, 100, 600 * MS);
        assertEquals(750_000, l.update(750_000, -1, 0, 600 * MS));
        l.onFeedback(0, 100, 1_000 * MS);
        assertEquals(NONE, l.update(750_000, -1, 0, 1_000 * MS));
    }

    @Test
    void fewerThan20PacketsAreNotJudged() {
        LossBasedControl l = new LossBasedControl();
        l.onFeedback(10, 9, 0);
        assertEquals(NONE, l.update(1_000_000, -1, 0, 0));
    }

    @Test
    void lossOlderThanOneSecondIsForgotten() {
        LossBasedControl l = new LossBasedControl();
        l.onFeedback(5, 95, 0);
        l.onFeedback(0, 100, 1_500 * MS);
        assertEquals(NONE, l.update(1_000_000, -1, 0, 1_500 * MS));
        assertEquals(0, l.lossFraction());
    }
}
