package dev.sfu.rtp.rtcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Picture loss indication, RFC 4585 section 6.3.1. */
class PliPacketTest {
    private static final String PLI = """
            81 ce 00 02   # V=2 P=0 FMT=1 PLI, PT=206 PSFB, length=2 (12 bytes)
            00 00 00 01   # SSRC of packet sender
            5b 0c 3a 1d   # SSRC of media source: the stream that needs a keyframe
            """;
    private final PliPacket pli = new PliPacket();

    @Test
    void rfc4585PliIsReadAndBuilt() {
        byte[] b = Hex.parse(PLI);
        assertTrue(pli.wrap(b, 0, b.length));
        assertEquals(1, pli.senderSsrc());
        assertEquals(0x5b0c3a1dL, pli.mediaSsrc());
        assertEquals(0, pli.fciLength());
        byte[] out = new byte[12];
        assertEquals(12, PliPacket.write(out, 0, 12, 1, 0x5b0c3a1dL));
        assertArrayEquals(b, out);
        assertEquals(-1, PliPacket.write(out, 1, 11, 1, 2));
        assertEquals(-1, PliPacket.write(out, 0, 11, 1, 2));
    }

    @Test
    void truncatedOrOtherFeedbackIsRejected() {
        byte[] b = Hex.parse(PLI);
        for (int len = 0; len < b.length; len++) {
            assertFalse(pli.wrap(b, 0, len), "length " + len);
        }
        b[0] = (byte) 0x84;   // FMT=4 is FIR
        assertFalse(pli.wrap(b, 0, b.length));
        byte[] shortPli = Hex.parse("""
                81 ce 00 01   # PLI with length=1 (8 bytes): no media SSRC
                00 00 00 01   # SSRC of packet sender
                """);
        assertFalse(pli.wrap(shortPli, 0, shortPli.length));
    }
}
