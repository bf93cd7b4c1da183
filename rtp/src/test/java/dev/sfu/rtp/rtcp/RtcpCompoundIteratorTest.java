package dev.sfu.rtp.rtcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.rtp.rtcp.RtcpCompoundIterator.Failure;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtcpCompoundIteratorTest {
    private final RtcpCompoundIterator it = new RtcpCompoundIterator();

    private static byte[] compound() {
        return Hex.parse(Fixtures.RR + Fixtures.SDES + Fixtures.NACK + Fixtures.TCC);
    }

    private List<Integer> types(byte[] b, int off, int len) {
        assertTrue(it.reset(b, off, len), () -> "rejected: " + it.failure());
        List<Integer> types = new ArrayList<>();
        while (it.next()) {
            types.add(it.packetType() * 100 + it.count());
        }
        return types;
    }

    @Test
    void rfc3550CompoundRrSdesNackTransportCcIsWalkedInOrder() {
        byte[] b = compound();
        assertEquals(List.of(20101, 20201, 20501, 20515), types(b, 0, b.length));
        assertEquals(4, it.packetCount());
        assertFalse(it.isReducedSize());
        assertEquals(Failure.NONE, it.failure());
    }

    @Test
    void packetOffsetsAndLengthsTileTheDatagram() {
        byte[] b = Hex.embed(compound(), 7, 9);
        assertTrue(it.reset(b, 7, b.length - 16));
        int[] offsets = new int[4];
        int[] lengths = new int[4];
        int i = 0;
        while (it.next()) {
            offsets[i] = it.packetOffset();
            lengths[i++] = it.packetLength();
        }
        assertArrayEquals(new int[] {7, 39, 67, 87}, offsets);
        assertArrayEquals(new int[] {32, 28, 20, 36}, lengths);
        it.rewind();
        assertTrue(it.next());
        assertEquals(7, it.packetOffset());
    }

    @Test
    void rfc5506ReducedSizeSingleFeedbackIsAccepted() {
        byte[] b = Hex.parse(Fixtures.TCC);
        assertEquals(List.of(20515), types(b, 0, b.length));
        assertTrue(it.isReducedSize());
        byte[] pli = new byte[12];
        PliPacket.write(pli, 0, 12, 1, 2);
        assertEquals(List.of(20601), types(pli, 0, 12));
        assertTrue(it.isReducedSize());
    }

    @Test
    void firstPacketMustBeReportOrFeedback() {
        byte[] b = Hex.parse(Fixtures.SDES + Fixtures.RR);
        assertFalse(it.reset(b, 0, b.length));
        assertEquals(Failure.BAD_FIRST_PACKET, it.failure());
        assertFalse(it.next());
    }

    @Test
    void lengthFieldThatLiesIsRejected() {
        byte[] b = Hex.parse("""
                81 c9 00 07   # RR, length=7 claims 32 bytes
                00 00 00 01   # SSRC, then the datagram ends after 8 bytes
                """);
        assertFalse(it.reset(b, 0, b.length));
        assertEquals(Failure.LENGTH_OVERRUN, it.failure());
    }

    @Test
    void lengthFieldPastTheWindowButInsideTheArrayIsRejected() {
        byte[] b = compound();
        // The window stops 4 bytes into the transport-cc packet; its length reaches past it.
        assertFalse(it.reset(b, 0, 87 + 4));
        assertEquals(Failure.LENGTH_OVERRUN, it.failure());
    }

    @Test
    void trailingBytesShorterThanAHeaderAreRejected() {
        byte[] b = Hex.parse(Fixtures.RR + "80 c9   # two stray bytes");
        assertFalse(it.reset(b, 0, b.length));
        assertEquals(Failure.TRUNCATED, it.failure());
    }

    @Test
    void versionOtherThanTwoIsRejectedAnywhereInTheCompound() {
        byte[] b = Hex.parse(Fixtures.RR + """
                41 ca 00 00   # V=1 SDES, length 0
                """);
        assertFalse(it.reset(b, 0, b.length));
        assertEquals(Failure.BAD_VERSION, it.failure());
    }

    @Test
    void lengthZeroPacketsAlwaysAdvanceByOneWord() {
        byte[] b = Hex.parse("""
                80 c9 00 00   # RR, length=0: header only (4 bytes)
                80 c9 00 00   # again
                80 c9 00 00   # again
                """);
        assertEquals(List.of(20100, 20100, 20100), types(b, 0, b.length));
        // The RR view needs its SSRC, so it rejects such a packet.
        assertFalse(new ReceiverReport().wrap(b, 0, 4));
    }

    @Test
    void paddingCountOfZeroOrLargerThanThePacketIsRejected() {
        byte[] zero = Hex.parse("""
                a1 c9 00 01   # V=2 P=1 RR, length=1 (8 bytes)
                00 00 00 00   # SSRC 0 ... last octet is the padding count 0
                """);
        assertFalse(it.reset(zero, 0, zero.length));
        assertEquals(Failure.BAD_PADDING, it.failure());
        byte[] big = Hex.parse("""
                a1 c9 00 01   # V=2 P=1 RR, length=1 (8 bytes)
                00 00 00 09   # padding count 9 > 4 bytes after the header
                """);
        assertFalse(it.reset(big, 0, big.length));
        assertEquals(Failure.BAD_PADDING, it.failure());
    }

    @Test
    void emptyNullAndOutOfRangeWindowsAreRejected() {
        byte[] b = compound();
        assertFalse(it.reset(b, 0, 0));
        assertEquals(Failure.TRUNCATED, it.failure());
        assertFalse(it.reset(null, 0, 10));
        assertFalse(it.reset(b, -1, 8));
        assertFalse(it.reset(b, 4, b.length));
        assertFalse(it.reset(b, 0, -4));
        assertFalse(it.next());
    }

    @Test
    void aRejectedDatagramForgetsThePreviousOne() {
        byte[] good = compound();
        assertTrue(it.reset(good, 0, good.length));
        assertFalse(it.reset(good, 0, 3));
        assertFalse(it.next());
    }

    @Test
    void headerAccessorsReadTheFixture() {
        byte[] b = Hex.parse(Fixtures.TCC);
        assertEquals(2, RtcpHeader.version(b, 0));
        assertTrue(RtcpHeader.hasPadding(b, 0));
        assertEquals(15, RtcpHeader.count(b, 0));
        assertEquals(RtcpHeader.PT_RTPFB, RtcpHeader.packetType(b, 0));
        assertEquals(8, RtcpHeader.lengthField(b, 0));
        assertEquals(36, RtcpHeader.validLength(b, 0, b.length));
        assertEquals(2, RtcpHeader.paddingLength(b, 0));
        assertEquals(-1, RtcpHeader.validLength(b, 0, 35));
    }

    @Test
    void headerWriterRejectsBadArguments() {
        byte[] b = new byte[8];
        assertEquals(4, RtcpHeader.write(b, 0, 8, 31, 206, 8));
        assertArrayEquals(Hex.parse("9f ce 00 01"), java.util.Arrays.copyOf(b, 4));
        assertEquals(-1, RtcpHeader.write(b, 0, 8, 32, 206, 8));
        assertEquals(-1, RtcpHeader.write(b, 0, 8, 0, 206, 6));
        assertEquals(-1, RtcpHeader.write(b, 0, 8, 0, 206, 0));
        assertEquals(-1, RtcpHeader.write(b, 6, 4, 0, 206, 8));
        assertEquals(-1, RtcpHeader.write(b, 0, 3, 0, 206, 8));
    }
}
