package dev.sfu.core.forward;

import org.junit.jupiter.api.Test;

import static dev.sfu.core.testutil.RtpFixtures.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 3550 appendix A.3 (loss) and A.8 (jitter) on crafted arrival patterns. */
class ReceiveStatisticsTest {
    private static final long MS = 1_000_000L;

    @Test
    void fractionAndCumulativeLostForALossPatternAcrossTheSequenceWrap() {
        ReceiveStatistics s = new ReceiveStatistics(90000);
        long t = 0;
        // 2 packets of probation, then seq 65530..65535, 0..13 with every 4th packet lost.
        int received = 0;
        int first = 65528;
        for (int i = 0; i < 22; i++) {
            int seq = (first + i) & 0xFFFF;
            if (i >= 2 && i % 4 == 3) {
                continue;
            }
            s.update(0xABC, seq, 3000L * i, t + i * 33 * MS);
            received++;
        }
        // Base: the second packet (65529, RFC 3550 A.1). Highest: 65528 + 21 = 13 after one wrap.
        assertEquals(65536 + 13, s.extendedHighestSequence());
        long expected = (65536 + 13) - 65529 + 1;
        assertEquals(21, expected);
        long lost = expected - (received - 1);
        assertEquals(5, lost);
        assertEquals(lost, s.cumulativeLost());
        byte[] rb = new byte[24];
        s.writeReportBlock(rb, 0, 0);
        assertEquals(0xABC, u32(rb, 0));
        assertEquals((int) (5 * 256 / 21), rb[4] & 0xFF, "fraction lost = lost/expected in 1/256");
        assertEquals(5, ((rb[5] & 0xFF) << 16) | ((rb[6] & 0xFF) << 8) | (rb[7] & 0xFF));
        assertEquals(65536 + 13, u32(rb, 8));
        // Next interval: 8 in order, nothing lost.
        for (int i = 22; i < 30; i++) {
            s.update(0xABC, (first + i) & 0xFFFF, 3000L * i, i * 33 * MS);
        }
        s.writeReportBlock(rb, 0, 0);
        assertEquals(0, rb[4] & 0xFF);
        assertEquals(5, rb[7] & 0xFF, "cumulative loss stays");
    }

    @Test
    void jitterIsZeroForPerfectPacingAndFollowsTheA8Filter() {
        ReceiveStatistics s = new ReceiveStatistics(90000);
        for (int i = 0; i < 50; i++) {
            s.update(1, i, 3000L * i, i * 33_333_333L + 333);
        }
        assertEquals(0, s.jitter(), "arrivals exactly 1/30 s apart: no jitter");

        ReceiveStatistics j = new ReceiveStatistics(90000);
        // Every other packet arrives 10 ms (900 ticks) late: |D| = 900 from the first pair after probation.
        double expected = 0;
        for (int i = 0; i < 40; i++) {
            long arrival = i * 33_333_333L + (i % 2 == 1 ? 10 * MS : 0);
            j.update(1, i, 3000L * i, arrival);
            if (i >= 2) {
                expected += (900 - expected) / 16.0;
            }
        }
        assertEquals((long) expected, j.jitter(), 2.0);
    }

    @Test
    void lastSenderReportAndDelayAreEchoed() {
        ReceiveStatistics s = new ReceiveStatistics(48000);
        s.update(7, 1, 0, 0);
        s.update(7, 2, 960, 20 * MS);
        s.onSenderReport(0x12345678L, 0x9ABCDEF0L, 100 * MS);
        byte[] rb = new byte[24];
        s.writeReportBlock(rb, 0, 600 * MS);
        assertEquals(0x56789ABCL, u32(rb, 16), "LSR: middle 32 bits of the NTP timestamp");
        assertEquals(32768, u32(rb, 20), "DLSR: 0.5 s in 1/65536 s");
    }
}
