package dev.sfu.rtp.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sfu.rtp.rtcp.NackPacket;
import java.util.Arrays;

/**
 * Generic NACK expansion and packing. Half the inputs keep a valid NACK header so the fuzzer
 * reaches the FCI; the expanded set must survive a rebuild, and a sorted list packed by the
 * builder must expand back to itself with the fewest entries.
 */
class RtcpNackFuzzTest {
    private final NackPacket nack = new NackPacket();
    private final NackPacket again = new NackPacket();
    private final int[] lost = new int[17 * 16384];
    private final int[] lost2 = new int[17 * 16384];
    private final byte[] out = new byte[65536 * 4 + 16];

    @FuzzTest(maxDuration = "10s")
    void expandAndPack(FuzzedDataProvider data) {
        boolean fixHeader = data.consumeBoolean();
        int start = data.consumeInt(0, 65535);
        int[] gaps = data.consumeInts(200);
        byte[] bytes = data.consumeRemainingAsBytes();
        if (fixHeader && bytes.length >= 4) {
            bytes[0] = (byte) (0x80 | (bytes[0] & 0x20) | 1);
            bytes[1] = (byte) 205;
            int words = bytes.length / 4 - 1;
            bytes[2] = (byte) (words >>> 8);
            bytes[3] = (byte) words;
        }
        if (nack.wrap(bytes, 0, bytes.length)) {
            int n = nack.lostSequenceNumbers(lost, 0);
            assertEquals(nack.lostCount(), n);
            assertTrue(n >= nack.entryCount());
            // Rebuild from the expansion and expand again: the same set of numbers comes back.
            int length = NackPacket.write(out, 0, out.length, nack.senderSsrc(), nack.mediaSsrc(), lost, 0, n);
            assertTrue(length > 0);
            assertTrue(again.wrap(out, 0, length));
            int m = again.lostSequenceNumbers(lost2, 0);
            assertArrayEquals(distinctSorted(lost, n), distinctSorted(lost2, m));
        }

        // Pack an RTP-ordered list with gaps of 1-40 across the wrap.
        int[] seqs = new int[gaps.length];
        int seq = start;
        for (int i = 0; i < gaps.length; i++) {
            seq = (seq + 1 + Math.floorMod(gaps[i], 40)) & 0xFFFF;
            seqs[i] = seq;
        }
        if (seqs.length > 0) {
            int length = NackPacket.write(out, 0, out.length, 1, 2, seqs, 0, seqs.length);
            assertTrue(nack.wrap(out, 0, length));
            assertEquals(NackPacket.entriesFor(seqs, 0, seqs.length), nack.entryCount());
            assertEquals(seqs.length, nack.lostSequenceNumbers(lost, 0));
            assertArrayEquals(seqs, Arrays.copyOf(lost, seqs.length));
        }
    }

    private static int[] distinctSorted(int[] a, int n) {
        return Arrays.stream(a, 0, n).distinct().sorted().toArray();
    }
}
