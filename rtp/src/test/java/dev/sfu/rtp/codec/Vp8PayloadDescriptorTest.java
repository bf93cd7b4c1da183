package dev.sfu.rtp.codec;

import static dev.sfu.rtp.PacketFixtures.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.rtp.PacketFixtures;
import dev.sfu.rtp.RtpPacket;
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
}
