package dev.sfu.rtp.rtcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** REMB, draft-alvestrand-rmcat-remb-03 section 2.2. */
class RembPacketTest {
    private static final String REMB = """
            8f ce 00 05   # V=2 P=0 FMT=15 AFB, PT=206 PSFB, length=5 (24 bytes)
            00 00 00 01   # SSRC of packet sender
            00 00 00 00   # SSRC of media source: 0
            52 45 4d 42   # "REMB"
            01 13 d0 90   # Num SSRC 1, exp 4, mantissa 0x3d090 = 250000: 4,000,000 bps
            5b 0c 3a 1d   # SSRC feedback
            """;
    private final RembPacket remb = new RembPacket();

    @Test
    void rembBitrateAndSsrcsAreRead() {
        byte[] b = Hex.parse(REMB);
        assertTrue(remb.wrap(b, 0, b.length));
        assertEquals(1, remb.ssrcCount());
        assertEquals(4, remb.exponent());
        assertEquals(250_000, remb.mantissa());
        assertEquals(4_000_000, remb.bitrate());
        assertEquals(0x5b0c3a1dL, remb.ssrc(0));
    }

    @Test
    void buildMatchesTheFixtureAndRoundsDown() {
        byte[] out = new byte[32];
        assertEquals(24, RembPacket.write(out, 0, 32, 1, 4_000_000, new long[] {0x5b0c3a1dL}, 1));
        assertArrayEquals(Hex.parse(REMB), java.util.Arrays.copyOf(out, 24));
        assertEquals(20, RembPacket.write(out, 0, 32, 1, 1_234_567_891L, new long[0], 0));
        assertTrue(remb.wrap(out, 0, 20));
        long rate = remb.bitrate();
        assertTrue(rate <= 1_234_567_891L && rate > 1_234_567_891L - (1L << remb.exponent()), "rate " + rate);
        assertEquals(-1, RembPacket.write(out, 0, 23, 1, 1, new long[] {1}, 1));
        assertEquals(-1, RembPacket.write(out, 0, 32, 1, -1, new long[0], 0));
    }

    @Test
    void hugeExponentSaturates() {
        byte[] b = Hex.parse(REMB);
        b[17] = (byte) 0xfe;   // exp 63, mantissa top bits set
        assertTrue(remb.wrap(b, 0, b.length));
        assertEquals(Long.MAX_VALUE, remb.bitrate());
    }

    @Test
    void badIdentifierOrSsrcCountIsRejected() {
        byte[] b = Hex.parse(REMB);
        b[12] = 'X';
        assertFalse(remb.wrap(b, 0, b.length));
        b = Hex.parse(REMB);
        b[16] = 2;   // two SSRCs announced, one present
        assertFalse(remb.wrap(b, 0, b.length));
        b = Hex.parse(REMB);
        for (int len = 0; len < b.length; len++) {
            assertFalse(remb.wrap(b, 0, len), "length " + len);
        }
    }
}
