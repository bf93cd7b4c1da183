package dev.sfu.rtp.rtcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Sender and receiver reports and their report blocks, RFC 3550 sections 6.4.1 and 6.4.2. */
class ReportTest {
    private final SenderReport sr = new SenderReport();
    private final ReceiverReport rr = new ReceiverReport();
    private final ReportBlock block = new ReportBlock();

    @Test
    void rfc3550SenderReportFieldsAreRead() {
        byte[] b = Hex.embed(Hex.parse(Fixtures.SR), 3, 5);
        assertTrue(sr.wrap(b, 3, b.length - 8));
        assertEquals(52, sr.length());
        assertEquals(0x5b0c3a1dL, sr.senderSsrc());
        assertEquals(0xe9a2c4b14fdf3b64L, sr.ntpTimestamp());
        assertEquals(0xc4b14fdfL, sr.compactNtp());
        assertEquals(0x9e3d1c20L, sr.rtpTimestamp());
        assertEquals(1234, sr.packetCount());
        assertEquals(990000, sr.octetCount());
        assertEquals(1, sr.reportCount());
        assertTrue(sr.reportBlock(0, block));
        assertEquals(0x0a1b2c3dL, block.ssrc());
        assertEquals(25, block.fractionLost());
        assertEquals(3, block.cumulativeLost());
        assertEquals(0x1ffd2L, block.highestSequence());
        assertEquals(33, block.jitter());
        assertEquals(0xc4b14fdfL, block.lastSr());
        assertEquals(65536, block.delaySinceLastSr());
        assertFalse(sr.reportBlock(1, block));
        assertFalse(sr.reportBlock(-1, block));
    }

    @Test
    void senderReportBuildMatchesTheFixture() {
        byte[] fixture = Hex.parse(Fixtures.SR);
        byte[] out = new byte[60];
        int n = SenderReport.write(out, 2, 58, 0x5b0c3a1dL, 0xe9a2c4b14fdf3b64L, 0x9e3d1c20L, 1234, 990000, 1);
        assertEquals(52, n);
        assertEquals(24, ReportBlock.write(out, SenderReport.blockOffset(2, 0), 24,
                0x0a1b2c3dL, 25, 3, 0x1ffd2L, 33, 0xc4b14fdfL, 65536));
        assertArrayEquals(fixture, Arrays.copyOfRange(out, 2, 54));
        assertEquals(-1, SenderReport.write(out, 10, 50, 1, 2, 3, 4, 5, 1));
        assertEquals(-1, SenderReport.write(out, 0, 60, 1, 2, 3, 4, 5, 32));
    }

    @Test
    void receiverReportWithNegativeCumulativeLossIsRead() {
        byte[] b = Hex.parse(Fixtures.RR);
        assertTrue(rr.wrap(b, 0, b.length));
        assertEquals(1, rr.senderSsrc());
        assertTrue(rr.reportBlock(0, block));
        assertEquals(0x5b0c3a1dL, block.ssrc());
        assertEquals(0, block.fractionLost());
        assertEquals(-2, block.cumulativeLost());
        assertEquals(12345, block.highestSequence());
        assertEquals(300, block.jitter());
        assertFalse(sr.wrap(b, 0, b.length), "an RR is not an SR");
    }

    @Test
    void receiverReportBuildMatchesTheFixtureAndClampsLoss() {
        byte[] out = new byte[32];
        assertEquals(32, ReceiverReport.write(out, 0, 32, 1, 1));
        ReportBlock.write(out, ReceiverReport.blockOffset(0, 0), 24, 0x5b0c3a1dL, 0, -2, 12345, 300, 0, 0);
        assertArrayEquals(Hex.parse(Fixtures.RR), out);
        ReportBlock.write(out, 8, 24, 1, 0, -50_000_000, 0, 0, 0, 0);
        assertTrue(block.wrap(out, 8, 24));
        assertEquals(-0x800000, block.cumulativeLost());
        ReportBlock.write(out, 8, 24, 1, 0, 50_000_000, 0, 0, 0, 0);
        assertEquals(0x7fffff, block.cumulativeLost());
        assertEquals(-1, ReportBlock.write(out, 9, 24, 1, 0, 0, 0, 0, 0, 0));
        assertEquals(8, ReceiverReport.write(out, 0, 8, 7, 0));
        assertTrue(rr.wrap(out, 0, 8));
        assertEquals(0, rr.reportCount());
    }

    @Test
    void reportCountLargerThanTheLengthAllowsIsRejected() {
        byte[] b = Hex.parse("""
                82 c9 00 07   # RR, RC=2 but length=7 leaves room for one block
                00 00 00 01   # SSRC of packet sender
                5b 0c 3a 1d   # block 1
                00 00 00 00
                00 00 30 39
                00 00 01 2c
                00 00 00 00
                00 00 00 00
                """);
        assertFalse(rr.wrap(b, 0, b.length));
        byte[] s = Hex.parse(Fixtures.SR);
        s[0] = (byte) 0x82;   // RC=2 in a 52-byte SR
        assertFalse(sr.wrap(s, 0, s.length));
    }

    @Test
    void paddingIsNotCountedAsReportBlockSpace() {
        byte[] b = Hex.parse("""
                a1 c9 00 07   # V=2 P=1 RC=1 RR, length=7 (32 bytes)
                00 00 00 01   # SSRC of packet sender
                5b 0c 3a 1d   # a block would need 24 bytes, but the last 4 are padding
                00 00 00 00
                00 00 30 39
                00 00 01 2c
                00 00 00 00
                00 00 00 04   # padding count 4
                """);
        assertFalse(rr.wrap(b, 0, b.length));
    }

    @Test
    void truncatedReportsAreRejected() {
        byte[] s = Hex.parse(Fixtures.SR);
        for (int len = 0; len < s.length; len++) {
            assertFalse(sr.wrap(s, 0, len), "length " + len);
        }
        byte[] r = Hex.parse(Fixtures.RR);
        for (int len = 0; len < r.length; len++) {
            assertFalse(rr.wrap(r, 0, len), "length " + len);
        }
        assertFalse(block.wrap(r, 8, 23));
    }
}
