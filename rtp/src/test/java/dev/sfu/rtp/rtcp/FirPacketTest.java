package dev.sfu.rtp.rtcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Full intra request, RFC 5104 section 4.3.1. */
class FirPacketTest {
    private static final String FIR = """
            84 ce 00 06   # V=2 P=0 FMT=4 FIR, PT=206 PSFB, length=6 (28 bytes)
            00 00 00 01   # SSRC of packet sender
            00 00 00 00   # SSRC of media source: unused, 0
            5b 0c 3a 1d   # entry 1: SSRC
            07 00 00 00   # command seq nr 7, reserved
            0a 1b 2c 3d   # entry 2: SSRC
            ff 00 00 00   # command seq nr 255, reserved
            """;
    private final FirPacket fir = new FirPacket();

    @Test
    void rfc5104FirEntriesAreRead() {
        byte[] b = Hex.parse(FIR);
        assertTrue(fir.wrap(b, 0, b.length));
        assertEquals(1, fir.senderSsrc());
        assertEquals(0, fir.mediaSsrc());
        assertEquals(2, fir.entryCount());
        assertEquals(0x5b0c3a1dL, fir.entrySsrc(0));
        assertEquals(7, fir.entrySequence(0));
        assertEquals(0x0a1b2c3dL, fir.entrySsrc(1));
        assertEquals(255, fir.entrySequence(1));
    }

    @Test
    void buildMatchesTheFirstEntry() {
        byte[] out = new byte[20];
        assertEquals(20, FirPacket.write(out, 0, 20, 1, 0x5b0c3a1dL, 7));
        byte[] expected = Hex.parse("""
                84 ce 00 04   # FIR, length=4 (20 bytes)
                00 00 00 01   # SSRC of packet sender
                00 00 00 00   # SSRC of media source: 0
                5b 0c 3a 1d   # entry: SSRC
                07 00 00 00   # seq nr 7
                """);
        assertArrayEquals(expected, out);
        assertEquals(-1, FirPacket.write(out, 0, 19, 1, 2, 3));
    }

    @Test
    void firWithoutEntriesOrTruncatedIsRejected() {
        byte[] b = Hex.parse(FIR);
        for (int len = 0; len < b.length; len++) {
            assertFalse(fir.wrap(b, 0, len), "length " + len);
        }
        byte[] empty = Hex.parse("""
                84 ce 00 02   # FIR, length=2 (12 bytes): no FCI entry
                00 00 00 01
                00 00 00 00
                """);
        assertFalse(fir.wrap(empty, 0, empty.length));
    }
}
