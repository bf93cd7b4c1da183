package dev.sfu.rtp.codec;

import static dev.sfu.rtp.PacketFixtures.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class H264KeyframesTest {

    private static boolean key(byte[] b) {
        return H264Keyframes.isKeyframe(b, 0, b.length);
    }

    @Test
    void rfc6184SingleNalUnits() {
        assertTrue(key(hex("65 88 84 00")), "type 5 IDR slice, NRI=3");
        assertTrue(key(hex("67 42 c0 1f")), "type 7 SPS, profile 66");
        assertFalse(key(hex("68 ce 3c 80")), "type 8 PPS alone");
        assertFalse(key(hex("41 9a 02 03")), "type 1 non-IDR slice");
        assertFalse(key(hex("06 05 ff")), "type 6 SEI");
        assertEquals(5, H264Keyframes.nalType(hex("65"), 0, 1));
        assertEquals(-1, H264Keyframes.nalType(hex(""), 0, 0));
    }

    @Test
    void rfc6184StapAWithSpsPpsIdr() {
        byte[] b = hex(
                "78", // STAP-A, NRI=3
                "00 04 67 42 c0 1f", // size 4: SPS
                "00 03 68 ce 3c", // size 3: PPS
                "00 02 65 88"); // size 2: IDR
        assertTrue(key(b));
        byte[] interOnly = hex(
                "78", // STAP-A
                "00 02 06 05", // SEI
                "00 02 41 9a"); // non-IDR slice
        assertFalse(key(interOnly));
        byte[] idrLast = hex(
                "18", // STAP-A, NRI=0
                "00 01 09", // access unit delimiter
                "00 02 65 88"); // IDR
        assertTrue(key(idrLast));
    }

    @Test
    void rfc6184StapAMalformedSizesStopTheWalk() {
        assertFalse(key(hex("78 00 09 41 9a 65")), "size 9 overruns, the 65 byte is not a NAL header");
        assertFalse(key(hex("78 00 00 65 88")), "size 0 is invalid");
        assertFalse(key(hex("78 00")), "size field cut");
        assertFalse(key(hex("78")), "empty aggregate");
    }

    @Test
    void rfc6184FuAStartOfIdr() {
        assertTrue(key(hex("7c 85 88 84")), "FU-A indicator, S=1 type 5");
        assertFalse(key(hex("7c 05 88 84")), "middle fragment of an IDR");
        assertFalse(key(hex("7c 45 88 84")), "end fragment of an IDR");
        assertFalse(key(hex("7c 81 9a 00")), "start of a non-IDR slice");
        assertFalse(key(hex("7c")), "FU header missing");
    }

    @Test
    void windowIsRespected() {
        byte[] b = hex("ff ff 41 65 ff");
        assertFalse(H264Keyframes.isKeyframe(b, 2, 1));
        assertTrue(H264Keyframes.isKeyframe(b, 3, 1));
        assertFalse(H264Keyframes.isKeyframe(b, 3, 0));
    }
}
