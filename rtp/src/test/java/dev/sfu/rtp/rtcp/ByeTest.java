package dev.sfu.rtp.rtcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** BYE, RFC 3550 section 6.6. */
class ByeTest {
    private static final String BYE_WITH_REASON = """
            82 cb 00 04   # V=2 SC=2, PT=203 BYE, length=4 (20 bytes)
            5b 0c 3a 1d   # SSRC 1
            0a 1b 2c 3d   # SSRC 2
            05 63 6c 6f   # reason length 5, "clo"
            73 65 00 00   # "se", null padding
            """;
    private final Bye bye = new Bye();

    @Test
    void rfc3550ByeWithReasonIsRead() {
        byte[] b = Hex.parse(BYE_WITH_REASON);
        assertTrue(bye.wrap(b, 0, b.length));
        assertEquals(2, bye.ssrcCount());
        assertEquals(0x5b0c3a1dL, bye.ssrc(0));
        assertEquals(0x0a1b2c3dL, bye.ssrc(1));
        assertEquals(-1, bye.ssrc(2));
        assertTrue(bye.hasReason());
        assertEquals(13, bye.reasonOffset());
        assertEquals(5, bye.reasonLength());
        assertEquals("close", bye.reason());
    }

    @Test
    void byeWithoutReasonIsRead() {
        byte[] b = Hex.parse("""
                81 cb 00 01   # V=2 SC=1 BYE, length=1 (8 bytes)
                5b 0c 3a 1d   # SSRC
                """);
        assertTrue(bye.wrap(b, 0, b.length));
        assertFalse(bye.hasReason());
        assertNull(bye.reason());
        assertEquals(-1, bye.reasonLength());
    }

    @Test
    void sourceCountLargerThanTheLengthIsRejected() {
        byte[] b = Hex.parse("""
                83 cb 00 02   # SC=3 but length=2 holds two SSRCs
                5b 0c 3a 1d
                0a 1b 2c 3d
                """);
        assertFalse(bye.wrap(b, 0, b.length));
    }

    @Test
    void reasonLengthPastTheEndIsRejected() {
        byte[] b = Hex.parse("""
                81 cb 00 02   # SC=1 BYE, length=2 (12 bytes)
                5b 0c 3a 1d   # SSRC
                09 61 62 63   # reason claims 9 bytes, 3 remain
                """);
        assertFalse(bye.wrap(b, 0, b.length));
    }

    @Test
    void buildMatchesTheFixture() {
        byte[] out = new byte[24];
        long[] ssrcs = {0x5b0c3a1dL, 0x0a1b2c3dL};
        int n = Bye.write(out, 0, 24, ssrcs, 2, "close".getBytes(StandardCharsets.UTF_8));
        assertEquals(20, n);
        assertArrayEquals(Hex.parse(BYE_WITH_REASON), Arrays.copyOf(out, 20));
        assertEquals(12, Bye.write(out, 0, 12, ssrcs, 2, null));
        assertTrue(bye.wrap(out, 0, 12));
        assertFalse(bye.hasReason());
        assertEquals(-1, Bye.write(out, 0, 19, ssrcs, 2, "close".getBytes(StandardCharsets.UTF_8)));
        assertEquals(-1, Bye.write(out, 0, 24, ssrcs, 3, null));
    }
}
