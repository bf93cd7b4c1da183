package dev.sfu.rtp.rtcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Transport-wide congestion control feedback, draft-holmer-rmcat-transport-wide-cc-extensions-01 section 3.1. */
class TransportCcFeedbackTest {
    private final TransportCcFeedback tcc = new TransportCcFeedback();

    @Test
    void browserStyleFeedbackIsDecoded() {
        byte[] b = Hex.embed(Hex.parse(Fixtures.TCC), 5, 3);
        assertTrue(tcc.wrap(b, 5, b.length - 8));
        assertEquals(1, tcc.senderSsrc());
        assertEquals(0x5b0c3a1dL, tcc.mediaSsrc());
        assertEquals(1000, tcc.baseSequence());
        assertEquals(10, tcc.packetStatusCount());
        assertEquals(0x1a2b3c, tcc.referenceTime());
        assertEquals(0x1a2b3cL * 64_000, tcc.referenceTimeUs());
        assertEquals(7, tcc.feedbackPacketCount());
        assertEquals(5 + 24, tcc.deltasOffset());
        int[] seqs = new int[10];
        int[] statuses = new int[10];
        int[] deltas = new int[10];
        assertEquals(10, tcc.packets(seqs, statuses, deltas));
        assertArrayEquals(new int[] {1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009}, seqs);
        assertArrayEquals(new int[] {1, 1, 1, 0, 1, 1, 2, 1, 1, 1}, statuses);
        assertArrayEquals(new int[] {32, 20, 0, 0, 80, 4, -20, 40, 1, 16}, deltas);
        assertEquals(-1, tcc.packets(new int[9], statuses, deltas));
        List<String> seen = new ArrayList<>();
        assertEquals(10, tcc.forEachPacket((seq, status, delta) -> seen.add(seq + "/" + status + "/" + delta)));
        assertEquals("1006/2/-20", seen.get(6));
    }

    @Test
    void negativeReferenceTimeIsSignExtended() {
        byte[] b = Hex.parse(Fixtures.TCC);
        b[16] = (byte) 0xff;
        b[17] = (byte) 0xff;
        b[18] = (byte) 0xfe;
        assertTrue(tcc.wrap(b, 0, b.length));
        assertEquals(-2, tcc.referenceTime());
        assertEquals(-128_000, tcc.referenceTimeUs());
    }

    @Test
    void parseBuildParseReproducesTheBrowserBytes() {
        byte[] fixture = Hex.parse(Fixtures.TCC);
        assertTrue(tcc.wrap(fixture, 0, fixture.length));
        boolean[] received = new boolean[10];
        long[] arrival = new long[10];
        long[] clock = {tcc.referenceTimeUs()};
        int[] i = {0};
        tcc.forEachPacket((seq, status, delta) -> {
            received[i[0]] = status != TransportCcFeedback.NOT_RECEIVED;
            if (received[i[0]]) {
                clock[0] += delta * 250L;
                arrival[i[0]] = clock[0];
            }
            i[0]++;
        });
        byte[] out = new byte[64];
        int n = TransportCcFeedback.write(out, 0, out.length, 1, 0x5b0c3a1dL, 1000, 7, received, arrival, 10);
        assertEquals(fixture.length, n);
        assertEquals(Hex.format(fixture, 0, fixture.length), Hex.format(out, 0, n));
    }

    @Test
    void longRunsUseRunLengthChunksAndMixedStatusesUseVectors() {
        int count = 100;
        boolean[] received = new boolean[count];
        long[] arrival = new long[count];
        long t = 5_000_000;
        for (int k = 0; k < count; k++) {
            received[k] = k < 40 || (k >= 60 && k % 2 == 0);
            t += 1000;
            arrival[k] = t;
        }
        byte[] out = new byte[TransportCcFeedback.maxLength(count)];
        int n = TransportCcFeedback.write(out, 0, out.length, 9, 8, 65500, 0, received, arrival, count);
        assertTrue(n > 0);
        assertEquals(0, n % 4);
        assertTrue(tcc.wrap(out, 0, n));
        // 40 received (run), 20 lost (run), 40 alternating (1-bit vectors: 14 + 14 + 12).
        int chunks = (tcc.deltasOffset() - TransportCcFeedback.FIXED_SIZE) / 2;
        assertEquals(5, chunks);
        assertEquals(0x2000 | 40, u16(out, 20));
        assertEquals(20, u16(out, 22));
        assertEquals(0x8000, u16(out, 24) & 0xC000);
        assertDecodesTo(received, arrival, count, 65500);
    }

    @Test
    void largeAndNegativeDeltasUseTwoBitVectors() {
        boolean[] received = {true, true, true, false, true};
        long[] arrival = {1_000_000, 1_100_000, 1_050_000, 0, 1_050_250};
        byte[] out = new byte[64];
        int n = TransportCcFeedback.write(out, 0, out.length, 1, 2, 7, 3, received, arrival, 5);
        assertTrue(tcc.wrap(out, 0, n));
        assertEquals(0xC000, u16(out, 20) & 0xC000);
        assertDecodesTo(received, arrival, 5, 7);
    }

    @Test
    void randomFeedbackRoundTrips() {
        Random random = new Random(3550);
        for (int round = 0; round < 300; round++) {
            int count = 1 + random.nextInt(600);
            boolean[] received = new boolean[count];
            long[] arrival = new long[count];
            long t = random.nextLong() >> 20;
            for (int k = 0; k < count; k++) {
                received[k] = random.nextInt(10) < (round % 10);
                t += random.nextInt(10) == 0 ? -random.nextInt(50_000) : random.nextInt(80_000);
                arrival[k] = t;
            }
            int base = random.nextInt(65536);
            byte[] out = new byte[TransportCcFeedback.maxLength(count) + 8];
            int n = TransportCcFeedback.write(out, 4, out.length - 4, 1, 2, base, round, received, arrival, count);
            assertTrue(n > 0 && n <= TransportCcFeedback.maxLength(count), "length " + n);
            assertTrue(new RtcpCompoundIterator().reset(out, 4, n), "a valid reduced-size datagram");
            assertTrue(tcc.wrap(out, 4, n));
            assertEquals(round & 0xFF, tcc.feedbackPacketCount());
            assertDecodesTo(received, arrival, count, base);
        }
    }

    @Test
    void deltaBeyondSixteenBitsOrNoRoomFailsTheBuild() {
        boolean[] received = {true, true};
        long[] arrival = {0, 250L * 40_000};
        byte[] out = new byte[64];
        assertEquals(-1, TransportCcFeedback.write(out, 0, 64, 1, 2, 0, 0, received, arrival, 2));
        arrival[1] = 250;
        assertEquals(24, TransportCcFeedback.write(out, 0, 64, 1, 2, 0, 0, received, arrival, 2));
        assertEquals(-1, TransportCcFeedback.write(out, 0, 23, 1, 2, 0, 0, received, arrival, 2));
        assertEquals(-1, TransportCcFeedback.write(out, 0, 64, 1, 2, 0, 0, received, arrival, 0));
        assertEquals(-1, TransportCcFeedback.write(out, 0, 64, 1, 2, 0, 0, received, arrival, 3));
    }

    @Test
    void statusCountLargerThanTheChunksIsRejected() {
        byte[] b = Hex.parse("""
                8f cd 00 05   # transport-cc, length=5 (24 bytes)
                00 00 00 01   # SSRC of packet sender
                5b 0c 3a 1d   # SSRC of media source
                00 00 00 14   # base sequence 0, packet status count 20
                00 00 01 00   # reference time 1, fb count 0
                00 07         # run length: not received, run 7 (13 short of 20)
                00 00         # run length 0: no progress, then the packet ends
                """);
        assertFalse(tcc.wrap(b, 0, b.length));
        b[15] = 7;   // a status count of 7 is covered by the first chunk
        assertTrue(tcc.wrap(b, 0, b.length));
    }

    @Test
    void deltasPastTheEndAreRejected() {
        byte[] b = Hex.parse(Fixtures.TCC);
        b[0] = (byte) 0x8f;   // clear P
        b[3] = 7;             // length=7: 32 bytes, but chunks and deltas need 34
        assertFalse(tcc.wrap(b, 0, b.length));
        byte[] c = Hex.parse(Fixtures.TCC);
        c[35] = 3;            // padding 3 hides the last delta byte
        assertFalse(tcc.wrap(c, 0, c.length));
    }

    @Test
    void reservedSymbolIsRejected() {
        byte[] b = Hex.parse(Fixtures.TCC);
        b[20] = (byte) 0xd7;   // 2-bit vector whose third symbol is 11
        assertFalse(tcc.wrap(b, 0, b.length));
        byte[] r = Hex.parse(Fixtures.TCC);
        r[22] = (byte) 0x60;   // run length chunk with symbol 11
        assertFalse(tcc.wrap(r, 0, r.length));
    }

    @Test
    void truncatedFeedbackIsRejected() {
        byte[] b = Hex.parse(Fixtures.TCC);
        for (int len = 0; len < b.length; len++) {
            assertFalse(tcc.wrap(b, 0, len), "length " + len);
        }
    }

    private void assertDecodesTo(boolean[] received, long[] arrival, int count, int base) {
        int[] seqs = new int[count];
        int[] statuses = new int[count];
        int[] deltas = new int[count];
        assertEquals(count, tcc.packets(seqs, statuses, deltas));
        long clock = tcc.referenceTimeUs();
        long firstArrival = -1;
        long firstDecoded = 0;
        for (int k = 0; k < count; k++) {
            assertEquals((base + k) & 0xFFFF, seqs[k]);
            assertEquals(received[k], statuses[k] != TransportCcFeedback.NOT_RECEIVED, "packet " + k);
            if (received[k]) {
                clock += deltas[k] * 250L;
                if (firstArrival < 0) {
                    firstArrival = arrival[k];
                    firstDecoded = clock;
                }
                // Times relative to the first packet survive, to the 250 us tick (reference wraps at 24 bits).
                long expected = Math.floorDiv(arrival[k], 250) - Math.floorDiv(firstArrival, 250);
                assertEquals(expected * 250, clock - firstDecoded, "packet " + k);
            } else {
                assertEquals(0, deltas[k]);
            }
        }
        assertEquals(Arrays.stream(statuses).filter(s -> s == 2).count() > 0,
                Arrays.stream(deltas).anyMatch(d -> d < 0 || d > 255));
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }
}
