package dev.sfu.core.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** draft-ietf-rmcat-gcc-02 section 5.5 with libwebrtc's aimd_rate_control.cc constants. */
class AimdRateControlTest {
    private static final long MS = 1_000_000L;

    private static AimdRateControl measured(long bps) {
        AimdRateControl a = new AimdRateControl(bps, 10_000, 100_000_000);
        a.setEstimate(bps, 0);
        return a;
    }

    @Test
    void overuseDecreasesTo085TimesTheAcknowledgedBitrate() {
        AimdRateControl a = measured(2_000_000);
        assertEquals(850_000, a.update(BandwidthUsage.OVERUSING, 1_000_000, 100 * MS));
        assertEquals(1, a.decreases());
    }

    @Test
    void anOveruseWhileApplicationLimitedBacksOffFromTheEstimateNotFromTheLittleThatWasSent() {
        // 1 Mbit/s estimate, 100 kbit/s sent (the first video of a call): 0.85 x 1 Mbit/s, not
        // 85 kbit/s, and the 100 kbit/s is not taken for the link's capacity.
        AimdRateControl a = measured(1_000_000);
        assertEquals(850_000, a.update(BandwidthUsage.OVERUSING, 100_000, 100 * MS));
        assertEquals(-1, a.linkCapacityBps());
        assertEquals(1, a.decreases());
    }

    @Test
    void anOveruseWhereTheLinkDeliversFarLessThanWasSentIsTheLinkNotAnApplicationLimitedSender() {
        // An 800 kbit/s limit comes on under a 2.4 Mbit/s estimate: 1.5 Mbit/s sent, 760 kbit/s
        // acknowledged. Under half the estimate, but the link, not the sender, is the limit.
        AimdRateControl a = measured(2_400_000);
        assertEquals(646_000, a.update(BandwidthUsage.OVERUSING, 760_000, 1_500_000, 100 * MS));
        assertEquals(760_000, a.linkCapacityBps(), "the link's new capacity is learnt");
        // What was sent arrived (an application-limited sender): backs off from the estimate.
        AimdRateControl b = measured(1_000_000);
        assertEquals(850_000, b.update(BandwidthUsage.OVERUSING, 100_000, 110_000, 100 * MS));
        assertEquals(-1, b.linkCapacityBps());
    }

    @Test
    void repeatedOverusesWhileApplicationLimitedStillBringTheEstimateDownToWhatIsSent() {
        // A real link that cannot carry even the 300 kbit/s sent: each overuse takes 15 % until
        // the estimate is within twice what is sent, then it goes to 0.85 x the acknowledged rate.
        AimdRateControl a = measured(1_000_000);
        long t = 0;
        for (int i = 0; i < 10; i++) {
            t += 300 * MS;
            a.update(BandwidthUsage.OVERUSING, 200_000, t);
        }
        assertEquals(170_000, a.estimateBps());
        assertEquals(200_000, a.linkCapacityBps());
    }

    @Test
    void farFromAnyCongestionItGrowsAbout8PercentPerSecond() {
        AimdRateControl a = measured(1_000_000);
        long t = 0;
        for (int i = 0; i < 20; i++) {
            t += 50 * MS;
            a.update(BandwidthUsage.NORMAL, 1_000_000, t);
        }
        // One second of 50 ms steps: 1.08 per second, plus rounding.
        assertEquals(1_080_000, a.estimateBps(), 2_000);
    }

    @Test
    void nearTheLastCongestionPointItGrowsAboutOnePacketPerResponseTime() {
        AimdRateControl a = measured(1_000_000);
        a.setRtt(100 * MS);
        a.update(BandwidthUsage.OVERUSING, 700_000, 0); // congestion found at 700 kbit/s
        long after = a.estimateBps();
        a.update(BandwidthUsage.NORMAL, 595_000, 50 * MS); // hold -> increase
        long t = 50 * MS;
        for (int i = 0; i < 20; i++) {
            t += 50 * MS;
            a.update(BandwidthUsage.NORMAL, 595_000, t);
        }
        // 595 kbit/s at 30 fps: 19.8 kbit frames of 3 packets (of at most 9.6 kbit), one packet
        // per RTT + 100 ms.
        double perSecond = after / 30.0 / 3 / 0.2;
        assertEquals(after + perSecond, a.estimateBps(), perSecond * 0.1);
    }

    @Test
    void theLinkCapacityIsForgottenOnlyAfterOneSecondAboveIt() {
        AimdRateControl a = measured(1_000_000);
        a.update(BandwidthUsage.OVERUSING, 700_000, 0); // congestion found at 700 kbit/s
        a.update(BandwidthUsage.NORMAL, 600_000, 50 * MS); // hold -> increase
        // A shaper's bucket: 250 ms of acknowledged rate far above the capacity, then back.
        long t = 50 * MS;
        for (int i = 0; i < 5; i++) {
            t += 50 * MS;
            a.update(BandwidthUsage.NORMAL, 1_400_000, t);
        }
        for (int i = 0; i < 10; i++) {
            t += 50 * MS;
            a.update(BandwidthUsage.NORMAL, 600_000, t);
        }
        assertEquals(700_000, a.linkCapacityBps(), "a burst does not forget the capacity");
        // A link that got faster: above it for a second, with one short dip under 300 ms.
        for (int i = 0; i < 22; i++) {
            t += 50 * MS;
            a.update(BandwidthUsage.NORMAL, i == 8 ? 600_000 : 1_400_000, t);
            if (i < 19) {
                assertEquals(700_000, a.linkCapacityBps(), "still known after " + (i + 1) * 50 + " ms");
            }
        }
        assertEquals(-1, a.linkCapacityBps(), "forgotten after 1 s above it");
    }

    @Test
    void underuseHolds() {
        AimdRateControl a = measured(1_000_000);
        assertEquals(1_000_000, a.update(BandwidthUsage.UNDERUSING, 1_000_000, 50 * MS));
        assertEquals(1_000_000, a.update(BandwidthUsage.UNDERUSING, 1_000_000, 500 * MS));
    }

    @Test
    void neverGrowsAbove15TimesTheAcknowledgedBitratePlus10kbps() {
        AimdRateControl a = measured(100_000);
        for (int i = 1; i <= 400; i++) {
            a.update(BandwidthUsage.NORMAL, 100_000, i * 100 * MS);
        }
        assertEquals(160_000, a.estimateBps());
    }

    @Test
    void holdsTheInitialEstimateUntilMeasured() {
        AimdRateControl a = new AimdRateControl(1_000_000, 10_000, 100_000_000);
        a.update(BandwidthUsage.NORMAL, 900_000, 0);
        assertEquals(1_000_000, a.update(BandwidthUsage.NORMAL, 900_000, 4_000 * MS));
        assertEquals(1_000_000, a.update(BandwidthUsage.NORMAL, 900_000, 5_100 * MS),
                "5 s of acked bitrate below the estimate: application limited, says nothing of the link");
        assertTrue(a.initialized());
    }

    @Test
    void fiveSecondsOfAcknowledgedBitrateAboveTheInitialEstimateRaiseIt() {
        AimdRateControl a = new AimdRateControl(1_000_000, 10_000, 100_000_000);
        a.update(BandwidthUsage.NORMAL, 1_400_000, 0);
        assertEquals(1_400_000, a.update(BandwidthUsage.NORMAL, 1_400_000, 5_100 * MS));
        assertTrue(a.initialized());
    }

    @Test
    void decreasesAgainOnlyAfterAnRtt() {
        AimdRateControl a = measured(2_000_000);
        a.setRtt(100 * MS);
        a.update(BandwidthUsage.OVERUSING, 2_000_000, 0);
        assertEquals(false, a.timeToReduceFurther(50 * MS, 1_500_000));
        assertEquals(true, a.timeToReduceFurther(100 * MS, 1_500_000));
        assertEquals(true, a.timeToReduceFurther(50 * MS, 800_000), "acked under half the estimate");
    }
}
