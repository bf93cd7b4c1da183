package dev.sfu.rtp.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sfu.rtp.rtcp.FirPacket;
import dev.sfu.rtp.rtcp.NackPacket;
import dev.sfu.rtp.rtcp.PliPacket;
import dev.sfu.rtp.rtcp.ReceiverReport;
import dev.sfu.rtp.rtcp.RembPacket;
import dev.sfu.rtp.rtcp.ReportBlock;
import dev.sfu.rtp.rtcp.RtcpCompoundIterator;
import dev.sfu.rtp.rtcp.RtcpHeader;
import dev.sfu.rtp.rtcp.RtcpReport;
import dev.sfu.rtp.rtcp.Sdes;
import dev.sfu.rtp.rtcp.SenderReport;
import dev.sfu.rtp.rtcp.TransportCcFeedback;

/**
 * Feeds arbitrary datagrams to the compound iterator and every RTCP view. The input sits at the
 * end of the array after a prefix, so a read past the window throws; nothing may throw, the
 * packets must tile the window, and every accessor of a view that accepted a packet must stay
 * inside that packet.
 */
class RtcpCompoundFuzzTest {
    private static final int PREFIX = 3;
    private final RtcpCompoundIterator it = new RtcpCompoundIterator();
    private final SenderReport sr = new SenderReport();
    private final ReceiverReport rr = new ReceiverReport();
    private final ReportBlock block = new ReportBlock();
    private final Sdes sdes = new Sdes();
    private final NackPacket nack = new NackPacket();
    private final PliPacket pli = new PliPacket();
    private final FirPacket fir = new FirPacket();
    private final RembPacket remb = new RembPacket();
    private final TransportCcFeedback tcc = new TransportCcFeedback();
    private final int[] seqs = new int[65536];
    private final int[] statuses = new int[65536];
    private final int[] deltas = new int[65536];
    private final int[] lost = new int[17 * 16384];

    @FuzzTest(maxDuration = "10s")
    void compoundAndEveryView(byte[] data) {
        byte[] buf = new byte[PREFIX + data.length];
        System.arraycopy(data, 0, buf, PREFIX, data.length);
        if (!it.reset(buf, PREFIX, data.length)) {
            assertTrue(it.failure() != RtcpCompoundIterator.Failure.NONE);
            // Views must reject or accept on their own, whatever the iterator thought.
            visit(buf, PREFIX, data.length);
            return;
        }
        int expected = PREFIX;
        int packets = 0;
        while (it.next()) {
            assertEquals(expected, it.packetOffset());
            assertTrue(it.packetLength() >= RtcpHeader.SIZE);
            expected += it.packetLength();
            packets++;
            visit(buf, it.packetOffset(), it.packetLength());
        }
        assertEquals(PREFIX + data.length, expected);
        assertEquals(it.packetCount(), packets);
    }

    private void visit(byte[] buf, int off, int len) {
        int end = off + len;
        if (sr.wrap(buf, off, len)) {
            sr.ntpTimestamp();
            sr.rtpTimestamp();
            sr.packetCount();
            sr.octetCount();
            blocks(sr, end);
        }
        if (rr.wrap(buf, off, len)) {
            blocks(rr, end);
        }
        if (sdes.wrap(buf, off, len)) {
            for (int i = 0; i < sdes.chunkCount(); i++) {
                sdes.chunkSsrc(i);
                sdes.cname(i);
            }
            sdes.forEachItem((ssrc, type, b, o, l) -> assertTrue(o >= off && o + l <= end && type != 0));
        }
        if (nack.wrap(buf, off, len)) {
            assertTrue(nack.entryCount() >= 1);
            assertEquals(nack.lostCount(), nack.lostSequenceNumbers(lost, 0));
            int[] n = {0};
            nack.forEachLost(seq -> assertEquals(lost[n[0]++], seq));
            assertEquals(nack.lostCount(), n[0]);
        }
        if (pli.wrap(buf, off, len)) {
            pli.senderSsrc();
            pli.mediaSsrc();
        }
        if (fir.wrap(buf, off, len)) {
            for (int i = 0; i < fir.entryCount(); i++) {
                fir.entrySsrc(i);
                fir.entrySequence(i);
            }
        }
        if (remb.wrap(buf, off, len)) {
            assertTrue(remb.bitrate() >= 0);
            for (int i = 0; i < remb.ssrcCount(); i++) {
                remb.ssrc(i);
            }
        }
        if (tcc.wrap(buf, off, len)) {
            int count = tcc.packetStatusCount();
            assertEquals(count, tcc.packets(seqs, statuses, deltas));
            for (int i = 0; i < count; i++) {
                assertEquals((tcc.baseSequence() + i) & 0xFFFF, seqs[i]);
                assertTrue(statuses[i] >= 0 && statuses[i] <= 2);
            }
        }
    }

    private void blocks(RtcpReport report, int end) {
        for (int i = 0; i < report.reportCount(); i++) {
            assertTrue(report.reportBlock(i, block));
            assertTrue(report.reportBlockOffset(i) + ReportBlock.SIZE <= end);
            block.ssrc();
            block.cumulativeLost();
            block.delaySinceLastSr();
        }
    }
}
