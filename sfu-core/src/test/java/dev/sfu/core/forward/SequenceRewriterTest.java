package dev.sfu.core.forward;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static dev.sfu.core.testutil.RtpFixtures.rtp;
import static dev.sfu.core.testutil.RtpFixtures.seq;
import static dev.sfu.core.testutil.RtpFixtures.ts;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 3550 section 5.1 fields rewritten per subscriber, across wraps and source switches. */
class SequenceRewriterTest {
    private static final long MS = 1_000_000L;

    private static byte[] packet(int seq, long ts, long ssrc) {
        return rtp(96, seq, ts, ssrc, new int[0], new byte[] {1});
    }

    @ParameterizedTest(name = "in seq {0} ts {1} -> out starts at seq {2} ts {3}")
    @CsvSource({
            // source seq, source ts, first out seq, first out ts
            "65534, 4294967000, 65535, 4294967295", // Both cross their wrap on the next packets.
            "0, 0, 65530, 4294966000",
            "40000, 100, 3, 5",
    })
    void continuesAcrossSixteenAndThirtyTwoBitWraps(int seq, long ts, int outSeq, long outTs) {
        SequenceRewriter rw = new SequenceRewriter(90000, outSeq, outTs);
        long now = 0;
        int expectSeq = outSeq;
        long expectTs = outTs;
        for (int i = 0; i < 5; i++) {
            byte[] b = packet((seq + i) & 0xFFFF, (ts + 3000L * i) & 0xFFFFFFFFL, 1);
            rw.rewrite(b, 0, 1, now);
            assertEquals(expectSeq, seq(b));
            assertEquals(expectTs, ts(b));
            expectSeq = (expectSeq + 1) & 0xFFFF;
            expectTs = (expectTs + 3000) & 0xFFFFFFFFL;
            now += 33 * MS;
        }
    }

    @Test
    void aNewSourceContinuesRightAfterTheLastPacket() {
        SequenceRewriter rw = new SequenceRewriter(90000, 65534, 4294967000L);
        byte[] a = packet(100, 1000, 0xA);
        rw.rewrite(a, 0, 0xA, 0);
        byte[] b = packet(101, 4000, 0xA);
        rw.rewrite(b, 0, 0xA, 33 * MS);
        assertEquals(65535, seq(b));
        assertEquals((4294967000L + 3000) & 0xFFFFFFFFL, ts(b), "timestamp wraps");
        // The publisher restarts with another SSRC and unrelated numbers, 100 ms later.
        byte[] c = packet(7, 123456789, 0xB);
        rw.rewrite(c, 0, 0xB, 133 * MS);
        assertEquals(0, seq(c), "sequence continues across the 16-bit wrap");
        assertEquals((4294967000L + 3000 + 9000) & 0xFFFFFFFFL, ts(c), "timestamp advances by the 100 ms elapsed");
        byte[] d = packet(8, 123456789 + 3000, 0xB);
        rw.rewrite(d, 0, 0xB, 166 * MS);
        assertEquals(1, seq(d));
        assertEquals((ts(c) + 3000) & 0xFFFFFFFFL, ts(d));
        assertEquals(8, rw.toSource(1), "NACKs map back to the current source");
    }

    @Test
    void reorderedPacketsKeepTheirOffsetAndDoNotMoveTheLastMark() {
        SequenceRewriter rw = new SequenceRewriter(48000, 10, 0);
        byte[] a = packet(500, 960, 1);
        rw.rewrite(a, 0, 1, 0);
        byte[] c = packet(502, 2880, 1);
        rw.rewrite(c, 0, 1, 40 * MS);
        byte[] b = packet(501, 1920, 1);
        rw.rewrite(b, 0, 1, 41 * MS);
        assertEquals(11, seq(b));
        assertEquals(12, rw.lastSequence());
    }

    @ParameterizedTest(name = "aligned {0} after out ts {1}: first ts {2}")
    @CsvSource({
            // aligned timestamp, last out ts before the switch, expected first out ts after it
            "100, 4294967000, 100",              // forward across the 32-bit wrap: used
            "4294967100, 4294967000, 4294967100", // forward, no wrap: used
            "4294966000, 4294967000, 4294967090", // backwards: wall time (1 ms = 90 ticks) instead
            "450296, 4294967000, 4294967090",     // over 5 s ahead: wall time instead
            "-1, 4294967295, 89",                 // no sender reports: wall time, across the wrap
    })
    void aLayerSwitchTakesTheSenderReportAlignedTimestampWhenPlausible(long aligned, long lastOut, long expected) {
        SequenceRewriter rw = new SequenceRewriter(90000, 65535, lastOut);
        byte[] a = packet(500, 7000, 0xA);
        rw.rewrite(a, 0, 0xA, 0);
        assertEquals(lastOut, ts(a));
        rw.restart(aligned);
        byte[] b = packet(9000, 123456, 0xB);
        rw.rewrite(b, 0, 0xB, MS);
        assertEquals(0, seq(b), "sequence continues across the 16-bit wrap");
        assertEquals(expected, ts(b));
        byte[] c = packet(9001, 126456, 0xB);
        rw.rewrite(c, 0, 0xB, 34 * MS);
        assertEquals(1, seq(c));
        assertEquals((expected + 3000) & 0xFFFFFFFFL, ts(c), "then the new source's own spacing");
    }

    @Test
    void skippedPacketsLeaveNoGapAcrossTheSixteenBitWrap() {
        SequenceRewriter rw = new SequenceRewriter(90000, 65534, 0);
        // Source 65533 .. 2; 65535 and 1 belong to a dropped temporal layer.
        int expected = 65534;
        for (int s = 65533; s != 3; s = (s + 1) & 0xFFFF) {
            if (s == 65535 || s == 1) {
                rw.skip(0xA, s);
                continue;
            }
            byte[] p = packet(s, 1000, 0xA);
            rw.rewrite(p, 0, 0xA, 0);
            assertEquals(expected, seq(p), "source " + s);
            expected = (expected + 1) & 0xFFFF;
        }
        assertEquals(1, rw.lastSequence());
        // A reordered old packet skipped late changes nothing.
        rw.skip(0xA, 65535);
        byte[] p = packet(3, 1000, 0xA);
        rw.rewrite(p, 0, 0xA, 0);
        assertEquals(2, seq(p));
    }
}
