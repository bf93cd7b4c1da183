package dev.sfu.rtp.rtcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Generic NACK, RFC 4585 section 6.2.1. */
class NackPacketTest {
    private final NackPacket nack = new NackPacket();

    @Test
    void rfc4585PidBlpExpandAcrossTheSequenceWrap() {
        byte[] b = Hex.parse(Fixtures.NACK);
        assertTrue(nack.wrap(b, 0, b.length));
        assertEquals(1, nack.senderSsrc());
        assertEquals(0x5b0c3a1dL, nack.mediaSsrc());
        assertEquals(2, nack.entryCount());
        assertEquals(65530, nack.pid(0));
        assertEquals(0x8005, nack.blp(0));
        assertEquals(5, nack.lostCount());
        int[] out = new int[7];
        assertEquals(5, nack.lostSequenceNumbers(out, 2));
        assertArrayEquals(new int[] {0, 0, 65530, 65531, 65533, 10, 100}, out);
        assertEquals(-1, nack.lostSequenceNumbers(new int[4], 0));
        assertEquals(-1, nack.lostSequenceNumbers(out, 3));
        StringBuilder seen = new StringBuilder();
        nack.forEachLost(seq -> seen.append(seq).append(' '));
        assertEquals("65530 65531 65533 10 100 ", seen.toString());
    }

    @Test
    void nackWithZeroFciIsRejected() {
        byte[] b = Hex.parse("""
                81 cd 00 02   # NACK, length=2 (12 bytes): header and SSRCs only
                00 00 00 01   # SSRC of packet sender
                5b 0c 3a 1d   # SSRC of media source
                """);
        assertFalse(nack.wrap(b, 0, b.length));
    }

    @Test
    void otherFeedbackTypesAreNotNacks() {
        byte[] b = Hex.parse(Fixtures.TCC);
        assertFalse(nack.wrap(b, 0, b.length));
        byte[] n = Hex.parse(Fixtures.NACK);
        n[1] = (byte) RtcpHeader.PT_PSFB;
        assertFalse(nack.wrap(n, 0, n.length));
    }

    @Test
    void truncatedNackIsRejected() {
        byte[] b = Hex.parse(Fixtures.NACK);
        for (int len = 0; len < b.length; len++) {
            assertFalse(nack.wrap(b, 0, len), "length " + len);
        }
    }

    @Test
    void buildPacksIntoMinimalEntriesAndMatchesTheFixture() {
        int[] seqs = {65530, 65531, 65533, 10, 100};
        assertEquals(2, NackPacket.entriesFor(seqs, 0, 5));
        byte[] out = new byte[24];
        assertEquals(20, NackPacket.write(out, 0, 24, 1, 0x5b0c3a1dL, seqs, 0, 5));
        assertArrayEquals(Hex.parse(Fixtures.NACK), Arrays.copyOf(out, 20));
    }

    @Test
    void buildCoversSeventeenPerEntryAndDropsDuplicates() {
        int[] seqs = new int[40];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = (65520 + i) & 0xFFFF;
        }
        // 40 consecutive numbers need ceil(40 / 17) = 3 entries.
        assertEquals(3, NackPacket.entriesFor(seqs, 0, 40));
        byte[] out = new byte[64];
        int n = NackPacket.write(out, 0, 64, 1, 2, seqs, 0, 40);
        assertEquals(12 + 3 * 4, n);
        assertTrue(nack.wrap(out, 0, n));
        int[] lost = new int[40];
        assertEquals(40, nack.lostSequenceNumbers(lost, 0));
        assertArrayEquals(seqs, lost);

        n = NackPacket.write(out, 0, 64, 1, 2, new int[] {5, 5, 6, 6}, 0, 4);
        assertTrue(nack.wrap(out, 0, n));
        assertEquals(1, nack.entryCount());
        assertEquals(2, nack.lostCount());
    }

    @Test
    void buildWithoutRoomOrNumbersFails() {
        int[] seqs = {1, 100, 200};
        byte[] out = new byte[64];
        assertEquals(-1, NackPacket.write(out, 0, 23, 1, 2, seqs, 0, 3));
        assertEquals(24, NackPacket.write(out, 0, 24, 1, 2, seqs, 0, 3));
        assertEquals(-1, NackPacket.write(out, 0, 64, 1, 2, seqs, 0, 0));
        assertEquals(-1, NackPacket.write(out, 0, 64, 1, 2, seqs, 2, 2));
        assertEquals(-1, NackPacket.write(out, 50, 64, 1, 2, seqs, 0, 3));
    }

    @Test
    void randomLossSetsRoundTripThroughBuildAndExpand() {
        Random random = new Random(4585);
        byte[] out = new byte[4096];
        int[] lost = new int[1024];
        for (int round = 0; round < 500; round++) {
            int start = random.nextInt(65536);
            TreeSet<Integer> offsets = new TreeSet<>();
            int count = 1 + random.nextInt(200);
            while (offsets.size() < count) {
                offsets.add(random.nextInt(400));
            }
            int[] seqs = offsets.stream().mapToInt(o -> (start + o) & 0xFFFF).toArray();
            int n = NackPacket.write(out, 0, out.length, 1, 2, seqs, 0, seqs.length);
            assertTrue(nack.wrap(out, 0, n));
            assertEquals(NackPacket.entriesFor(seqs, 0, seqs.length), nack.entryCount());
            assertEquals(seqs.length, nack.lostSequenceNumbers(lost, 0));
            assertArrayEquals(seqs, Arrays.copyOf(lost, seqs.length));
        }
    }
}
