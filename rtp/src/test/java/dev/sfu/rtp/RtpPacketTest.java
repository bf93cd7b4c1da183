package dev.sfu.rtp;

import static dev.sfu.rtp.PacketFixtures.embed;
import static dev.sfu.rtp.PacketFixtures.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RtpPacketTest {

    @Test
    void rfc3550FixedHeaderFieldsAreRead() {
        byte[] b = PacketFixtures.vp8WithExtensions();
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(b, 0, b.length));
        assertEquals(2, p.version());
        assertFalse(p.hasPadding());
        assertTrue(p.hasExtension());
        assertEquals(0, p.csrcCount());
        assertTrue(p.marker());
        assertEquals(96, p.payloadType());
        assertEquals(8000, p.sequenceNumber());
        assertEquals(123456L, p.timestamp());
        assertEquals(0x12345678, p.ssrc());
        assertEquals(12 + 4 + 12, p.headerLength());
        assertEquals(28, p.payloadOffset());
        assertEquals(b.length - 28, p.payloadLength());
        assertEquals(0, p.paddingLength());
        assertEquals(0xBEDE, p.extensionProfile());
        assertEquals(16, p.extensionDataOffset());
        assertEquals(12, p.extensionDataLength());
    }

    @Test
    void viewAtAnOffsetReportsAbsolutePayloadOffset() {
        byte[] pkt = PacketFixtures.vp8WithExtensions();
        byte[] b = embed(pkt, 7, 9, 1);
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(b, 7, pkt.length));
        assertEquals(7 + 28, p.payloadOffset());
        assertEquals(pkt.length - 28, p.payloadLength());
        assertEquals(0x12345678, RtpPacket.ssrc(b, 7));
        assertEquals(8000, RtpPacket.sequenceNumber(b, 7));
    }

    @Test
    void rfc3550PaddingIsExcludedFromThePayload() {
        byte[] b = PacketFixtures.opusWithTwoByteExtensions();
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(b, 0, b.length));
        assertTrue(p.hasPadding());
        assertEquals(4, p.paddingLength());
        assertEquals(4, p.payloadLength());
        assertEquals(28, p.payloadOffset());
        assertEquals(0xCAFEBABE, p.ssrc());
        assertEquals(960L, p.timestamp());
        assertEquals(0x1000, p.extensionProfile());
    }

    @Test
    void csrcListIsReadInOrder() {
        byte[] b = hex(
                "82 08 00 05", // V=2 CC=2 | M=0 PT=8 | seq 5
                "ff ff ff ff", // timestamp 2^32-1
                "00 00 00 01", // SSRC 1
                "aa aa aa aa", // CSRC 0
                "bb bb bb bb", // CSRC 1
                "01 02");      // payload
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(b, 0, b.length));
        assertEquals(2, p.csrcCount());
        assertEquals(0xAAAAAAAA, p.csrc(0));
        assertEquals(0xBBBBBBBB, p.csrc(1));
        assertEquals(0xFFFF_FFFFL, p.timestamp());
        assertEquals(20, p.payloadOffset());
        assertEquals(2, p.payloadLength());
        assertEquals(-1, p.extensionProfile());
        assertEquals(0, p.extensionDataLength());
        assertThrows(IndexOutOfBoundsException.class, () -> p.csrc(2));
    }

    @Test
    void settersWriteThroughAndLeaveOtherBitsAlone() {
        byte[] b = PacketFixtures.vp8WithExtensions();
        byte[] before = b.clone();
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(b, 0, b.length));
        p.setSsrc(0xDEADBEEF);
        p.setSequenceNumber(65535);
        p.setTimestamp(0xFFFF_FFFEL);
        p.setPayloadType(100);
        p.setMarker(false);
        assertEquals(0xDEADBEEF, RtpPacket.ssrc(b, 0));
        assertEquals(65535, RtpPacket.sequenceNumber(b, 0));
        assertEquals(0xFFFF_FFFEL, RtpPacket.timestamp(b, 0));
        assertEquals(100, RtpPacket.payloadType(b, 0));
        assertFalse(RtpPacket.marker(b, 0));
        assertEquals(before[0], b[0]);
        p.setMarker(true);
        assertEquals((byte) 0xE4, b[1]);
        for (int i = 12; i < b.length; i++) {
            assertEquals(before[i], b[i], "byte " + i + " changed");
        }
    }

    @Test
    void writeHeaderProducesAParseablePacket() {
        byte[] b = new byte[RtpPacket.BUFFER_SIZE];
        int n = RtpPacket.writeHeader(b, 0, true, 111, 65000, 4_000_000_000L, 0x01020304);
        assertEquals(12, n);
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(b, 0, 12 + 20));
        assertTrue(p.marker());
        assertEquals(111, p.payloadType());
        assertEquals(65000, p.sequenceNumber());
        assertEquals(4_000_000_000L, p.timestamp());
        assertEquals(0x01020304, p.ssrc());
        assertEquals(20, p.payloadLength());
    }

    @Test
    void bufferConstantsLeaveRoomForSrtpTags() {
        assertEquals(1500, RtpPacket.MTU);
        assertTrue(RtpPacket.TAIL_ROOM >= 16 + 4, "GCM tag or HMAC-SHA1-80 tag plus MKI must fit");
        assertEquals(RtpPacket.MTU + RtpPacket.TAIL_ROOM, RtpPacket.BUFFER_SIZE);
    }

    @Test
    void failedWrapEmptiesTheView() {
        byte[] good = PacketFixtures.vp8WithExtensions();
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(good, 0, good.length));
        assertFalse(p.wrap(good, 0, 5));
        assertFalse(p.isWrapped());
        assertEquals(null, p.buffer());
        assertArrayEquals(PacketFixtures.vp8WithExtensions(), good);
    }
}
