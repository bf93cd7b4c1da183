package dev.sfu.core.forward;

import org.junit.jupiter.api.Test;

import static dev.sfu.core.testutil.RtpFixtures.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keyframe detection (RFC 7741, RFC 6184) and header extension id mapping (RFC 8285). */
class PayloadInspectionTest {
    @Test
    void vp8KeyframeNeedsStartOfPartitionZeroAndPBitClear() {
        // 90 80 9e 2f: X S, I, 15-bit picture id | 50: P=0
        byte[] key = hex("90809e2f" + "500400" + "9d012a");
        assertTrue(KeyframeDetector.isKeyframe(KeyframeDetector.Format.VP8, key, 0, key.length));
        // 51: P=1, an interframe.
        byte[] delta = hex("90809e2f" + "510400");
        assertFalse(KeyframeDetector.isKeyframe(KeyframeDetector.Format.VP8, delta, 0, delta.length));
        // S=0: a continuation packet.
        byte[] cont = hex("80809e2f" + "500400");
        assertFalse(KeyframeDetector.isKeyframe(KeyframeDetector.Format.VP8, cont, 0, cont.length));
        // Truncated descriptor.
        assertFalse(KeyframeDetector.isKeyframe(KeyframeDetector.Format.VP8, hex("9080"), 0, 2));
    }

    @Test
    void h264KeyframesAreIdrSpsStapAAndFuAStarts() {
        assertTrue(KeyframeDetector.isH264Keyframe(hex("65888400"), 0, 4), "NAL 5: IDR slice");
        assertTrue(KeyframeDetector.isH264Keyframe(hex("6742c01f"), 0, 4), "NAL 7: SPS");
        // STAP-A (24): size 4, SPS 67 42 c0 1f; size 2, PPS 68 ce
        assertTrue(KeyframeDetector.isH264Keyframe(hex("78" + "0004" + "6742c01f" + "0002" + "68ce"), 0, 11));
        assertTrue(KeyframeDetector.isH264Keyframe(hex("7c85"), 0, 2), "FU-A, S=1, type 5");
        assertFalse(KeyframeDetector.isH264Keyframe(hex("7c05"), 0, 2), "FU-A continuation");
        assertFalse(KeyframeDetector.isH264Keyframe(hex("419a"), 0, 2), "NAL 1: non-IDR");
    }

    @Test
    void twoByteExtensionsAreRenamedOrPadded() {
        // 10 00 00 02 | 05 01 aa (id 5, 1 byte) | 07 02 bb cc (id 7, 2 bytes) | 00
        byte[] p = hex("900000010000000000000001" + "10000002" + "0501aa" + "0702bbcc" + "00");
        int[] map = new int[256];
        map[5] = 200;
        assertTrue(HeaderExtensionRewriter.rewrite(p, 0, p.length, map));
        assertArrayEquals(hex("10000002" + "c801aa" + "00000000" + "00"), java.util.Arrays.copyOfRange(p, 12, 24));
        assertEquals(-1, HeaderExtensionRewriter.find(p, 0, p.length, 7));
        long f = HeaderExtensionRewriter.find(p, 0, p.length, 200);
        assertEquals(18, f >>> 16);
        assertEquals(1, f & 0xFFFF);
    }

    @Test
    void oneByteElementsOverrunningTheBlockAreMalformed() {
        // be de 00 01 | 13 aa bb cc: id 1 claims 4 bytes but only 3 remain.
        byte[] p = hex("900000010000000000000001" + "bede0001" + "13aabbcc");
        assertFalse(HeaderExtensionRewriter.rewrite(p, 0, p.length, new int[16]));
    }
}
