package dev.sfu.rtp.codec;

import static dev.sfu.rtp.PacketFixtures.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.rtp.PacketFixtures;
import dev.sfu.rtp.RtpPacket;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Vp8PayloadDescriptorTest {

    @Test
    void rfc7741MinimalDescriptorIsOneByte() {
        byte[] b = hex("10", // X=0 N=0 S=1 PID=0
                "11 22 33"); // VP8 payload (interframe tag: P=1)
        assertEquals(1, Vp8PayloadDescriptor.length(b, 0, b.length));
        assertTrue(Vp8PayloadDescriptor.isStartOfPartition(b, 0, b.length));
        assertTrue(Vp8PayloadDescriptor.isStartOfFrame(b, 0, b.length));
        assertEquals(0, Vp8PayloadDescriptor.partitionIndex(b, 0, b.length));
        assertEquals(-1, Vp8PayloadDescriptor.pictureId(b, 0, b.length));
        assertEquals(-1, Vp8PayloadDescriptor.tl0PicIdx(b, 0, b.length));
        assertEquals(-1, Vp8PayloadDescriptor.temporalLayer(b, 0, b.length));
        assertEquals(-1, Vp8PayloadDescriptor.keyIndex(b, 0, b.length));
        assertFalse(Vp8PayloadDescriptor.isKeyframe(b, 0, b.length));
    }

    @Test
    void rfc7741AllExtensionFields() {
        byte[] b = hex(
                "a3", // X=1 N=1 S=0 PID=3
                "f0", // I=1 L=1 T=1 K=1
                "ab cd", // M=1 picture id 0x2bcd
                "7f", // TL0PICIDX 127
                "b5", // TID=2 Y=1 KEYIDX=21
                "00"); // payload
        assertEquals(6, Vp8PayloadDescriptor.length(b, 0, b.length));
        assertTrue(Vp8PayloadDescriptor.isNonReference(b, 0, b.length));
        assertFalse(Vp8PayloadDescriptor.isStartOfPartition(b, 0, b.length));
        assertEquals(3, Vp8PayloadDescriptor.partitionIndex(b, 0, b.length));
        assertEquals(0x2BCD, Vp8PayloadDescriptor.pictureId(b, 0, b.length));
        assertTrue(Vp8PayloadDescriptor.hasLongPictureId(b, 0, b.length));
        assertEquals(127, Vp8PayloadDescriptor.tl0PicIdx(b, 0, b.length));
        assertEquals(2, Vp8PayloadDescriptor.temporalLayer(b, 0, b.length));
        assertTrue(Vp8PayloadDescriptor.isLayerSync(b, 0, b.length));
        assertEquals(21, Vp8PayloadDescriptor.keyIndex(b, 0, b.length));
    }

    @Test
    void sevenBitPictureIdAndKOnly() {
        byte[] b = hex(
                "90", // X=1 S=1 PID=0
                "90", // I=1 K=1 (no T: TID unknown)
                "55", // M=0 picture id 0x55
                "c7", // TID bits set but T=0, KEYIDX=7
                "00");
        assertEquals(4, Vp8PayloadDescriptor.length(b, 0, b.length));
        assertEquals(0x55, Vp8PayloadDescriptor.pictureId(b, 0, b.length));
        assertFalse(Vp8PayloadDescriptor.hasLongPictureId(b, 0, b.length));
        assertEquals(-1, Vp8PayloadDescriptor.temporalLayer(b, 0, b.length), "T=0");
        assertEquals(7, Vp8PayloadDescriptor.keyIndex(b, 0, b.length));
    }

    @Test
    void keyframeIsDetectedFromTheChromiumFixture() {
        byte[] b = PacketFixtures.vp8WithExtensions();
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(b, 0, b.length));
        int off = p.payloadOffset();
        int len = p.payloadLength();
        assertEquals(4, Vp8PayloadDescriptor.length(b, off, len));
        assertEquals(0x0123, Vp8PayloadDescriptor.pictureId(b, off, len));
        assertTrue(Vp8PayloadDescriptor.isKeyframe(b, off, len));
        b[off + 4] |= 0x01; // P=1: interframe
        assertFalse(Vp8PayloadDescriptor.isKeyframe(b, off, len));
        b[off + 4] &= ~0x01;
        b[off] = (byte) 0x91; // PID=1: not the first partition
        assertFalse(Vp8PayloadDescriptor.isKeyframe(b, off, len));
    }

    @Test
    void truncatedDescriptorsReturnMinusOne() {
        byte[][] cases = {
            hex(""), // empty
            hex("80"), // X=1, extension byte missing
            hex("80 80"), // I=1, picture id missing
            hex("80 80 80"), // M=1, second picture id byte missing
            hex("80 40"), // L=1, TL0PICIDX missing
            hex("80 20"), // T=1, TID byte missing
            hex("80 f0 81 01 7f"), // all fields, T/K byte missing
        };
        for (byte[] b : cases) {
            assertEquals(-1, Vp8PayloadDescriptor.length(b, 0, b.length), PacketFixtures.toHex(b, 0, b.length));
            assertEquals(-1, Vp8PayloadDescriptor.pictureId(b, 0, b.length));
            assertEquals(-1, Vp8PayloadDescriptor.temporalLayer(b, 0, b.length));
            assertFalse(Vp8PayloadDescriptor.isKeyframe(b, 0, b.length));
        }
        byte[] shortKeyframe = hex("10", "10 02 00 9d 01 2a 80 02 e0"); // 9 of 10 header bytes
        assertFalse(Vp8PayloadDescriptor.isKeyframe(shortKeyframe, 0, shortKeyframe.length));
    }

    @Test
    void writerRoundTrips() {
        byte[] b = new byte[32];
        int n = Vp8PayloadDescriptor.write(b, 3, true, false, 2, 300, false, 9, 1, true, 4);
        assertEquals(6, n);
        assertEquals(Vp8PayloadDescriptor.length(300, 9, 1, 4), n);
        assertEquals(6, Vp8PayloadDescriptor.length(b, 3, n));
        assertTrue(Vp8PayloadDescriptor.isNonReference(b, 3, n));
        assertEquals(2, Vp8PayloadDescriptor.partitionIndex(b, 3, n));
        assertEquals(300, Vp8PayloadDescriptor.pictureId(b, 3, n));
        assertEquals(9, Vp8PayloadDescriptor.tl0PicIdx(b, 3, n));
        assertEquals(1, Vp8PayloadDescriptor.temporalLayer(b, 3, n));
        assertTrue(Vp8PayloadDescriptor.isLayerSync(b, 3, n));
        assertEquals(4, Vp8PayloadDescriptor.keyIndex(b, 3, n));

        assertEquals(1, Vp8PayloadDescriptor.write(b, 0, false, true, 0, -1, false, -1, -1, false, -1));
        assertEquals(0x10, b[0]);
        assertEquals(-1, Vp8PayloadDescriptor.write(b, 30, false, true, 0, 5, true, 1, 1, false, -1));
    }

    @Test
    void loadTesterKeyframeAndInterframeAreRecognised() {
        byte[] b = new byte[64];
        int d = Vp8PayloadDescriptor.writeStartOfFrame(b, 0, 0x7FFF + 5);
        assertEquals(4, d);
        assertEquals(4, Vp8PayloadDescriptor.pictureId(b, 0, d), "picture id wraps at 15 bits");
        int h = Vp8PayloadDescriptor.writePayloadHeader(b, d, true, 1000, 640, 480);
        assertEquals(Vp8PayloadDescriptor.KEYFRAME_HEADER_LENGTH, h);
        assertTrue(Vp8PayloadDescriptor.isKeyframe(b, 0, d + h + 20));
        assertEquals(640, (b[d + 6] & 0xFF) | ((b[d + 7] & 0x3F) << 8));
        assertEquals(480, (b[d + 8] & 0xFF) | ((b[d + 9] & 0x3F) << 8));
        h = Vp8PayloadDescriptor.writePayloadHeader(b, d, false, 1000, 0, 0);
        assertEquals(Vp8PayloadDescriptor.INTERFRAME_HEADER_LENGTH, h);
        assertFalse(Vp8PayloadDescriptor.isKeyframe(b, 0, d + 20));
        d = Vp8PayloadDescriptor.writeStartOfFrame(b, 0, 3);
        assertEquals(4, d, "browsers always send the 15-bit form");
        assertTrue(Vp8PayloadDescriptor.hasLongPictureId(b, 0, d));
    }

    /**
     * The first packet of a 320x180 key frame from the lowest layer of a three-layer simulcast
     * (L1T3 per layer), with both scale fields set to show they are not part of the size.
     */
    private static byte[] simulcastKeyframe() {
        return hex(
                "90", // X=1 N=0 S=1 PID=0
                "e0", // I=1 L=1 T=1 K=0
                "9a 3c", // M=1 picture id 0x1a3c
                "07", // TL0PICIDX 7
                "00", // TID=0 Y=0 (KEYIDX bits unused: K=0)
                "30 2a 00", // frame tag: P=0 (key frame), version 0, show_frame, first partition 0x151
                "9d 01 2a", // start code
                "40 41", // width 320 (0x140), horizontal scale 1
                "b4 80", // height 180 (0xb4), vertical scale 2
                "aa bb"); // first partition bytes
    }

    @Test
    void rfc6386KeyframeSizeIsReadAfterTheDescriptor() {
        byte[] b = simulcastKeyframe();
        assertEquals(320, Vp8PayloadDescriptor.keyframeWidth(b, 0, b.length));
        assertEquals(180, Vp8PayloadDescriptor.keyframeHeight(b, 0, b.length));
        byte[] embedded = PacketFixtures.embed(b, 7, 9, 42);
        assertEquals(320, Vp8PayloadDescriptor.keyframeWidth(embedded, 7, b.length));
        assertEquals(180, Vp8PayloadDescriptor.keyframeHeight(embedded, 7, b.length));

        byte[] p = PacketFixtures.vp8WithExtensions();
        RtpPacket rtp = new RtpPacket();
        assertTrue(rtp.wrap(p, 0, p.length));
        assertEquals(640, Vp8PayloadDescriptor.keyframeWidth(p, rtp.payloadOffset(), rtp.payloadLength()));
        assertEquals(480, Vp8PayloadDescriptor.keyframeHeight(p, rtp.payloadOffset(), rtp.payloadLength()));
    }

    @Test
    void keyframeSizeIsMinusOneUnlessThePacketStartsACompleteKeyframeHeader() {
        byte[] key = simulcastKeyframe();
        byte[][] cases = {
            hex("90 e0 9a 3d 07 40", // as above, picture 0x1a3d, TID=1
                    "31 2a 00 9d 01 2a 40 41 b4 80"), // frame tag P=1: interframe
            hex("80 e0 9a 3c 07 00", // S=0: a later packet of the key frame
                    "30 2a 00 9d 01 2a 40 41 b4 80"),
            hex("91 e0 9a 3c 07 00", // S=1 but PID=1: second partition
                    "30 2a 00 9d 01 2a 40 41 b4 80"),
            hex("90 e0 9a 3c 07 00", // key frame tag, start code corrupted
                    "30 2a 00 9d 01 2b 40 41 b4 80"),
            Arrays.copyOf(key, 15), // height's second byte cut off
            Arrays.copyOf(key, 4), // descriptor truncated
            hex(""), // empty
        };
        for (byte[] b : cases) {
            String name = PacketFixtures.toHex(b, 0, b.length);
            assertEquals(-1, Vp8PayloadDescriptor.keyframeWidth(b, 0, b.length), name);
            assertEquals(-1, Vp8PayloadDescriptor.keyframeHeight(b, 0, b.length), name);
        }
        assertEquals(-1, Vp8PayloadDescriptor.keyframeWidth(key, 0, 15), "window shorter than the array");
    }

    @Test
    void setPictureIdKeepsTheFifteenBitWidthAndTouchesNothingElse() {
        byte[] b = simulcastKeyframe();
        byte[] expected = b.clone();
        assertTrue(Vp8PayloadDescriptor.setPictureId(b, 0, b.length, 0x8000 + 0x0102)); // wraps to 0x0102
        expected[2] = (byte) 0x81; // M=1, high 7 bits 0x01
        expected[3] = 0x02;
        assertArrayEquals(expected, b);
        assertEquals(0x0102, Vp8PayloadDescriptor.pictureId(b, 0, b.length));
        assertTrue(Vp8PayloadDescriptor.hasLongPictureId(b, 0, b.length));
        assertTrue(Vp8PayloadDescriptor.setPictureId(b, 0, b.length, 5));
        assertTrue(Vp8PayloadDescriptor.hasLongPictureId(b, 0, b.length), "a small id stays 15-bit");
        assertEquals(6, Vp8PayloadDescriptor.length(b, 0, b.length));
    }

    @Test
    void setPictureIdKeepsTheSevenBitWidth() {
        byte[] b = hex(
                "90", // X=1 S=1 PID=0
                "90", // I=1 K=1
                "55", // M=0 picture id 0x55
                "c7", // KEYIDX=7
                "00"); // payload
        assertTrue(Vp8PayloadDescriptor.setPictureId(b, 0, b.length, 200)); // 200 mod 128 = 72
        assertArrayEquals(hex("90 90", "48", "c7 00"), b); // picture id 0x48, M still 0
        assertEquals(72, Vp8PayloadDescriptor.pictureId(b, 0, b.length));
        assertFalse(Vp8PayloadDescriptor.hasLongPictureId(b, 0, b.length));
    }

    @Test
    void setTl0PicIdxAndKeyIndexWrapToTheirWidthsAndKeepTidAndY() {
        byte[] b = hex(
                "a3", // X=1 N=1 S=0 PID=3
                "f0", // I=1 L=1 T=1 K=1
                "ab cd", // M=1 picture id 0x2bcd
                "7f", // TL0PICIDX 127
                "b5", // TID=2 Y=1 KEYIDX=21
                "00"); // payload
        assertTrue(Vp8PayloadDescriptor.setTl0PicIdx(b, 0, b.length, 256 + 3));
        assertTrue(Vp8PayloadDescriptor.setKeyIndex(b, 0, b.length, 32 + 30));
        assertArrayEquals(hex("a3 f0 ab cd",
                "03", // TL0PICIDX 3
                "be", // TID=2 Y=1 KEYIDX=30
                "00"), b);
        assertEquals(2, Vp8PayloadDescriptor.temporalLayer(b, 0, b.length));
        assertTrue(Vp8PayloadDescriptor.isLayerSync(b, 0, b.length));
        assertEquals(30, Vp8PayloadDescriptor.keyIndex(b, 0, b.length));
    }

    @Test
    void settersReturnFalseAndWriteNothingWhenTheFieldIsAbsentOrTruncated() {
        byte[][] cases = {
            hex("10", "11 22 33"), // X=0: no optional field
            hex("80 20", "40"), // X=1, only T (TID=1): no picture id, TL0PICIDX or KEYIDX
            hex("80 f0 81 01 7f"), // all fields announced, T/K byte missing
            hex("80 80 80"), // M=1, second picture id byte missing
            hex(""), // empty
        };
        for (byte[] c : cases) {
            byte[] b = c.clone();
            String name = PacketFixtures.toHex(c, 0, c.length);
            assertFalse(Vp8PayloadDescriptor.setPictureId(b, 0, b.length, 9), name);
            assertFalse(Vp8PayloadDescriptor.setTl0PicIdx(b, 0, b.length, 9), name);
            assertFalse(Vp8PayloadDescriptor.setKeyIndex(b, 0, b.length, 9), name);
            assertArrayEquals(c, b, name);
        }
        byte[] b = simulcastKeyframe();
        assertFalse(Vp8PayloadDescriptor.setKeyIndex(b, 0, b.length, 9), "T=1 but K=0");
        assertArrayEquals(simulcastKeyframe(), b);
    }

    @Test
    void settersRewriteInsideAnRtpPacket() {
        byte[] p = PacketFixtures.vp8WithExtensions();
        RtpPacket rtp = new RtpPacket();
        assertTrue(rtp.wrap(p, 0, p.length));
        int off = rtp.payloadOffset();
        int len = rtp.payloadLength();
        byte[] expected = p.clone();
        assertTrue(Vp8PayloadDescriptor.setPictureId(p, off, len, 0x7FFF));
        expected[off + 2] = (byte) 0xFF; // M=1, picture id 0x7fff
        expected[off + 3] = (byte) 0xFF;
        assertArrayEquals(expected, p);
        assertFalse(Vp8PayloadDescriptor.setTl0PicIdx(p, off, len, 1), "L=0");
        assertTrue(Vp8PayloadDescriptor.isKeyframe(p, off, len));
    }
}
