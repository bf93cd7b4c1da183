package dev.sfu.rtp.rtcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SDES, RFC 3550 section 6.5. */
class SdesTest {
    private final Sdes sdes = new Sdes();

    @Test
    void rfc3550CnameChunkIsRead() {
        byte[] b = Hex.parse(Fixtures.SDES);
        assertTrue(sdes.wrap(b, 0, b.length));
        assertEquals(1, sdes.chunkCount());
        assertEquals(1, sdes.chunkSsrc(0));
        assertEquals("Jva2NQkoLbWdx4pQ", sdes.cname(0));
        assertNull(sdes.itemText(0, Sdes.TOOL));
        assertEquals(-1, sdes.chunkSsrc(1));
        assertNull(sdes.cname(1));
    }

    @Test
    void twoChunksWithSeveralItemsAndAnEmptyChunkAreWalked() {
        byte[] b = Hex.parse("""
                83 ca 00 07   # V=2 SC=3 SDES, length=7 (32 bytes)
                00 00 00 0a   # chunk 1: SSRC 10
                01 02 61 62   # CNAME "ab"
                06 01 74      # TOOL "t"
                00            # END (already 32-bit aligned: no extra padding)
                00 00 00 0b   # chunk 2: SSRC 11
                00 00 00 00   # no items: END + 3 null octets
                00 00 00 0c   # chunk 3: SSRC 12
                01 01 7a 00   # CNAME "z", END
                """);
        assertTrue(sdes.wrap(b, 0, b.length));
        assertEquals(3, sdes.chunkCount());
        assertEquals(12, sdes.chunkSsrc(2));
        assertEquals("ab", sdes.cname(0));
        assertEquals("t", sdes.itemText(0, Sdes.TOOL));
        assertNull(sdes.cname(1));
        assertEquals("z", sdes.cname(2));
        List<String> seen = new ArrayList<>();
        sdes.forEachItem((ssrc, type, buf, off, len) ->
                seen.add(ssrc + ":" + type + ":" + new String(buf, off, len, StandardCharsets.UTF_8)));
        assertEquals(List.of("10:1:ab", "10:6:t", "12:1:z"), seen);
    }

    @Test
    void itemLengthPastTheEndIsRejected() {
        byte[] b = Hex.parse("""
                81 ca 00 02   # SDES SC=1, length=2 (12 bytes)
                00 00 00 01   # SSRC
                01 20 61 00   # CNAME claims 32 bytes, only 2 remain
                """);
        assertFalse(sdes.wrap(b, 0, b.length));
    }

    @Test
    void chunkWithoutEndItemIsRejected() {
        byte[] b = Hex.parse("""
                81 ca 00 02   # SDES SC=1, length=2 (12 bytes)
                00 00 00 01   # SSRC
                01 02 61 62   # CNAME "ab" fills the packet: no END octet
                """);
        assertFalse(sdes.wrap(b, 0, b.length));
    }

    @Test
    void sourceCountLargerThanTheChunksIsRejected() {
        byte[] b = Hex.parse(Fixtures.SDES);
        b[0] = (byte) 0x82;   // SC=2, one chunk present
        assertFalse(sdes.wrap(b, 0, b.length));
    }

    @Test
    void truncatedSdesIsRejected() {
        byte[] b = Hex.parse(Fixtures.SDES);
        for (int len = 0; len < b.length; len++) {
            assertFalse(sdes.wrap(b, 0, len), "length " + len);
        }
    }

    @Test
    void cnameBuildMatchesTheFixture() {
        byte[] cname = "Jva2NQkoLbWdx4pQ".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[28];
        java.util.Arrays.fill(out, (byte) 0x77);
        assertEquals(28, Sdes.writeCname(out, 0, 28, 1, cname));
        assertArrayEquals(Hex.parse(Fixtures.SDES), out);
        assertEquals(-1, Sdes.writeCname(out, 0, 27, 1, cname));
        assertEquals(-1, Sdes.writeCname(out, 0, 28, 1, new byte[256]));
    }

    @Test
    void multiChunkBuildRoundTrips() {
        byte[][] names = {"a".getBytes(), "bcd".getBytes(), "".getBytes()};
        long[] ssrcs = {1, 0xffffffffL, 3};
        byte[] out = new byte[64];
        int n = Sdes.writeCnames(out, 4, 60, ssrcs, names, 3);
        assertEquals(4 + 8 + 12 + 8, n);   // "a", "bcd", "" chunks: 8, 12, 8 bytes
        assertTrue(sdes.wrap(out, 4, n));
        assertEquals(3, sdes.chunkCount());
        assertEquals(0xffffffffL, sdes.chunkSsrc(1));
        assertEquals("bcd", sdes.cname(1));
        assertEquals("", sdes.cname(2));
    }
}
