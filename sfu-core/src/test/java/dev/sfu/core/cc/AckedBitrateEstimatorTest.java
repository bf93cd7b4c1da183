package dev.sfu.core.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AckedBitrateEstimatorTest {
    private static final long MS = 1_000_000L;

    @Test
    void measuresASteadyRateAndForgetsOlderThan250ms() {
        AckedBitrateEstimator a = new AckedBitrateEstimator();
        // 1200 bytes every 10 ms: 960 kbit/s.
        for (int i = 0; i < 100; i++) {
            a.onPacket(i * 10 * MS, 1200);
        }
        assertEquals(960_000, a.bitrateBps(), 960_000 * 0.03);
        // Then 1200 bytes every 20 ms: after 250 ms only the new rate counts.
        for (int i = 0; i < 20; i++) {
            a.onPacket(990 * MS + (i + 1) * 20 * MS, 1200);
        }
        assertEquals(480_000, a.bitrateBps(), 480_000 * 0.05);
    }

    @Test
    void unknownUntil100msOfArrivals() {
        AckedBitrateEstimator a = new AckedBitrateEstimator();
        assertEquals(-1, a.bitrateBps());
        a.onPacket(0, 1200);
        a.onPacket(50 * MS, 1200);
        assertEquals(-1, a.bitrateBps());
        a.onPacket(100 * MS, 1200);
        assertEquals(25 * 1200 * 8, a.bitrateBps(), "2.5 packets' bytes over 100 ms");
    }

    @Test
    void latePacketsFromReorderedFeedbackCountWhereTheyArrived() {
        AckedBitrateEstimator inOrder = new AckedBitrateEstimator();
        AckedBitrateEstimator reordered = new AckedBitrateEstimator();
        for (int i = 0; i < 50; i++) {
            inOrder.onPacket(i * 10 * MS, 1200);
        }
        for (int i = 0; i < 50; i++) {
            if (i < 40 || i >= 45) {
                reordered.onPacket(i * 10 * MS, 1200);
            }
        }
        for (int i = 40; i < 45; i++) {
            reordered.onPacket(i * 10 * MS, 1200);
        }
        assertEquals(inOrder.bitrateBps(), reordered.bitrateBps());
    }

    @Test
    void aReceiverClockJumpStartsTheMeasurementOver() {
        AckedBitrateEstimator a = new AckedBitrateEstimator();
        for (int i = 0; i < 50; i++) {
            a.onPacket(i * 10 * MS, 1200);
        }
        a.onPacket(1_000_000 * MS, 1200); // 1000 s later
        assertEquals(-1, a.bitrateBps());
        for (int i = 1; i <= 30; i++) {
            a.onPacket(1_000_000 * MS + i * 10 * MS, 1200);
        }
        assertEquals(960_000, a.bitrateBps(), 960_000 * 0.03);
    }
}
