package dev.sfu.bench.loadtest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.rtp.rtcp.NackPacket;
import dev.sfu.rtp.rtcp.ReportBlock;
import dev.sfu.rtp.rtcp.RtcpCompoundIterator;
import dev.sfu.rtp.rtcp.RtcpHeader;
import dev.sfu.rtp.rtcp.RtcpReport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The load tester's receiver RTCP: RFC 4585 generic NACKs for sequence gaps (also across the
 * 16-bit wrap), retried every 100 ms up to three times and stopped once the packet arrives, and
 * RFC 3550 receiver reports with the lost count and extended highest sequence.
 */
class ReceiverFeedbackTest {
    private static final int SSRC = 0x0A0B0C0D;
    private final byte[] buf = new byte[1500];

    @Test
    void gapIsNackedAtOnceThenRetriedUntilItArrives() {
        ReceiverFeedback f = new ReceiverFeedback(77, 4);
        long t = 5_000_000_000L;
        f.tick(t, buf, buf.length); // first report, no streams yet
        f.onOriginal(1, SSRC, 65534, t);
        f.onOriginal(1, SSRC, 65535, t);
        f.onOriginal(1, SSRC, 2, t); // 0 and 1 missing, across the wrap
        assertEquals(List.of(0, 1), nacked(f.tick(t + 1_000_000, buf, buf.length)));
        assertEquals(List.of(), nacked(f.tick(t + 50_000_000, buf, buf.length)), "not before the retry interval");
        f.onRetransmission(1, 0);
        assertEquals(List.of(1), nacked(f.tick(t + 110_000_000, buf, buf.length)), "0 came as RTX");
        f.onOriginal(1, SSRC, 1, t + 150_000_000); // late original
        assertEquals(0, f.tick(t + 300_000_000, buf, buf.length), "nothing left to ask for");
        assertEquals(3, f.nacksSent());
    }

    @Test
    void givesUpAfterThreeTries() {
        ReceiverFeedback f = new ReceiverFeedback(77, 1);
        long t = 5_000_000_000L;
        f.tick(t, buf, buf.length);
        f.onOriginal(0, SSRC, 10, t);
        f.onOriginal(0, SSRC, 12, t);
        int tries = 0;
        for (int i = 1; i <= 10; i++) {
            tries += nacked(f.tick(t + i * 101_000_000L, buf, buf.length)).size();
        }
        assertEquals(ReceiverFeedback.MAX_TRIES, tries);
    }

    @Test
    void receiverReportCarriesLostCountAndExtendedHighestSequence() {
        ReceiverFeedback f = new ReceiverFeedback(77, 2);
        long t = 5_000_000_000L;
        for (int seq = 65530; seq < 65536 + 10; seq++) {
            if (seq % 5 != 0) {
                f.onOriginal(0, SSRC, seq & 0xFFFF, t);
            }
        }
        int len = f.tick(t, buf, buf.length);
        RtcpCompoundIterator it = new RtcpCompoundIterator();
        assertTrue(it.reset(buf, 0, len));
        assertTrue(it.next());
        assertEquals(RtcpHeader.PT_RR, it.packetType());
        assertEquals(1, it.count());
        int block = it.packetOffset() + 8;
        ReportBlock rb = new ReportBlock();
        assertTrue(rb.wrap(buf, block, ReportBlock.SIZE));
        assertEquals(SSRC & 0xFFFFFFFFL, rb.ssrc());
        // Sent 65530 .. 65545 across the wrap without every fifth: first received 65531, highest
        // 65544 (= 8 after the wrap), missing in between 65535 and 65540 (= 4).
        assertEquals(65536 + 8, rb.highestSequence());
        assertEquals(2, rb.cumulativeLost());
    }

    private List<Integer> nacked(int len) {
        List<Integer> out = new ArrayList<>();
        if (len <= 0) {
            return out;
        }
        RtcpCompoundIterator it = new RtcpCompoundIterator();
        assertTrue(it.reset(buf, 0, len));
        NackPacket nack = new NackPacket();
        while (it.next()) {
            if (it.packetType() == RtcpHeader.PT_RTPFB && nack.wrap(buf, it.packetOffset(), it.packetLength())) {
                assertEquals(SSRC & 0xFFFFFFFFL, nack.mediaSsrc());
                nack.forEachLost(out::add);
            }
        }
        return out;
    }

    @Test
    void deliveryCountsWhatTheServerSentOnceWhetherOriginalOrRepaired() {
        ReceiverFeedback f = new ReceiverFeedback(77, 2);
        long t = 5_000_000_000L;
        // Stream 0: 100..109 sent; 103 and 105 lost; 103 repaired by RTX, 105 never; 107 duplicated.
        for (int seq = 100; seq < 110; seq++) {
            if (seq != 103 && seq != 105) {
                f.onOriginal(0, SSRC, seq, t);
            }
        }
        f.onOriginal(0, SSRC, 107, t);
        f.onRetransmission(0, 103);
        f.onRetransmission(0, 103);
        assertArrayEquals(new long[] {10, 9}, f.deliveryCounts());
        // A new SSRC on the stream (the server's m-line now carries another source): the old
        // stream's figures are kept, the new one starts afresh.
        f.onOriginal(0, SSRC + 1, 5000, t);
        f.onOriginal(0, SSRC + 1, 5001, t);
        assertArrayEquals(new long[] {12, 11}, f.deliveryCounts());
        // A jump wider than a restart's threshold is not loss: the sequence numbers in between were never sent.
        f.onOriginal(0, SSRC + 1, 5001 + 4000, t);
        f.onOriginal(0, SSRC + 1, 5002 + 4000, t);
        assertArrayEquals(new long[] {14, 13}, f.deliveryCounts());
    }

    @Test
    void aGapThatOpenedBeforeTheWindowIsNotChargedToIt() {
        ReceiverFeedback f = new ReceiverFeedback(77, 2);
        long t = 5_000_000_000L;
        // Stream 0 (a video the server paused after the joins): 100..110 arrive before the window,
        // then nothing until its resume at 150: 111..149 were sent (and lost) before the pause.
        for (int seq = 100; seq <= 110; seq++) {
            f.onOriginal(0, SSRC, seq, t);
        }
        // Stream 1 flows through the window's start and loses 205 and 206 inside it.
        f.onOriginal(1, SSRC + 1, 200, t);
        long start = t + 1_000_000_000L;
        f.markWindowStart(start);
        long[] before = f.deliveryCounts();
        f.onOriginal(1, SSRC + 1, 201, start + 10);
        for (int seq = 202; seq <= 209; seq++) {
            if (seq != 205 && seq != 206) {
                f.onOriginal(1, SSRC + 1, seq, start + 10 * seq);
            }
        }
        f.onOriginal(0, SSRC, 150, start + 5_000_000_000L);
        f.onOriginal(0, SSRC, 151, start + 5_000_000_000L);
        // The 39 numbers missing since before the window are not expected in it, and a late
        // repair of one of them is not counted as delivered in it either.
        f.onRetransmission(0, 120);
        long[] after = f.deliveryCounts();
        assertArrayEquals(new long[] {9 + 2, 7 + 2}, new long[] {after[0] - before[0], after[1] - before[1]},
                "window: stream 1's 201..209 (205, 206 lost) and stream 0's 150, 151");
    }
}
