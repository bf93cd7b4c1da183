package dev.sfu.rtp.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sfu.rtp.rtcp.TransportCcFeedback;

/**
 * Transport-cc parse and build. Arbitrary bytes (with a valid header half the time, so the
 * fuzzer reaches the chunks) must parse or be rejected without throwing; whatever parses must
 * rebuild to feedback that decodes to the same statuses and the same arrival times.
 */
class RtcpTransportCcFuzzTest {
    private final TransportCcFeedback tcc = new TransportCcFeedback();
    private final TransportCcFeedback again = new TransportCcFeedback();
    private final int[] seqs = new int[65536];
    private final int[] statuses = new int[65536];
    private final int[] deltas = new int[65536];
    private final int[] seqs2 = new int[65536];
    private final int[] statuses2 = new int[65536];
    private final int[] deltas2 = new int[65536];
    private final boolean[] received = new boolean[65536];
    private final long[] arrival = new long[65536];
    private final byte[] out = new byte[TransportCcFeedback.maxLength(65535)];

    @FuzzTest(maxDuration = "10s")
    void parseAndRebuild(FuzzedDataProvider data) {
        boolean fixHeader = data.consumeBoolean();
        byte[] bytes = data.consumeRemainingAsBytes();
        if (fixHeader && bytes.length >= 4) {
            bytes[0] = (byte) (0x80 | (bytes[0] & 0x20) | 15);
            bytes[1] = (byte) 205;
            int words = bytes.length / 4 - 1;
            bytes[2] = (byte) (words >>> 8);
            bytes[3] = (byte) words;
        }
        if (!tcc.wrap(bytes, 0, bytes.length)) {
            return;
        }
        int count = tcc.packetStatusCount();
        assertEquals(count, tcc.packets(seqs, statuses, deltas));
        assertTrue(tcc.deltasOffset() <= bytes.length);
        if (count == 0) {
            return;
        }
        long clock = tcc.referenceTimeUs();
        for (int i = 0; i < count; i++) {
            received[i] = statuses[i] != TransportCcFeedback.NOT_RECEIVED;
            clock += deltas[i] * 250L;
            arrival[i] = clock;
        }
        int length = TransportCcFeedback.write(out, 0, out.length, tcc.senderSsrc(), tcc.mediaSsrc(),
                tcc.baseSequence(), tcc.feedbackPacketCount(), received, arrival, count);
        // Every delta came from 16 signed bits, so the rebuild always fits.
        assertTrue(length > 0, "rebuild failed");
        assertTrue(again.wrap(out, 0, length));
        assertEquals(count, again.packets(seqs2, statuses2, deltas2));
        assertEquals(tcc.baseSequence(), again.baseSequence());
        // The reference time may move (a negative first delta), but arrival times relative to
        // the first received packet come back exactly, and so does every later delta.
        long clock2 = again.referenceTimeUs();
        int first = -1;
        long firstArrival = 0;
        long firstClock = 0;
        for (int i = 0; i < count; i++) {
            assertEquals(received[i], statuses2[i] != TransportCcFeedback.NOT_RECEIVED);
            if (!received[i]) {
                assertEquals(0, deltas2[i]);
                continue;
            }
            clock2 += deltas2[i] * 250L;
            if (first < 0) {
                first = i;
                firstArrival = arrival[i];
                firstClock = clock2;
            } else {
                assertEquals(deltas[i], deltas2[i], "delta of packet " + i);
                assertEquals(arrival[i] - firstArrival, clock2 - firstClock, "time of packet " + i);
            }
        }
    }
}
