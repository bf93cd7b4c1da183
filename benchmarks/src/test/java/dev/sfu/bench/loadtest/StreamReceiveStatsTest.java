package dev.sfu.bench.loadtest;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loss, reordering, duplicates and RFC 3550 jitter on crafted probe sequences. */
class StreamReceiveStatsTest {
    private static final long MS = 1_000_000L;

    @Test
    void inOrderStreamHasNoLoss() {
        StreamReceiveStats s = new StreamReceiveStats(1, 5);
        for (int i = 100; i < 200; i++) {
            assertTrue(s.onPacket(i, 5 * MS, false, 100));
        }
        assertEquals(100, s.expected());
        assertEquals(100, s.received());
        assertEquals(0, s.lost());
        assertEquals(10_000, s.bytes());
    }

    @Test
    void highestIsTheLastSequenceReceivedSoTheTailStillQueuedCanBeCounted() {
        StreamReceiveStats s = new StreamReceiveStats(1, 5);
        for (int i = 100; i < 150; i++) {
            s.onPacket(i, 1_000_000, false, 100);
        }
        s.onPacket(120, 1_000_000, false, 100);
        assertEquals(149, s.highest());
        // A sender that gave out sequences 0..199 leaves 50 sent after the highest one received.
        assertEquals(50, 200 - 1 - s.highest());
    }

    @Test
    void gapsCountAsLostUntilTheyArrive() {
        StreamReceiveStats s = new StreamReceiveStats(1, 5);
        for (int i = 0; i < 50; i++) {
            if (i != 10 && i != 11 && i != 30) {
                s.onPacket(i, MS, false, 1);
            }
        }
        assertEquals(50, s.expected());
        assertEquals(3, s.lost());
        assertTrue(s.onPacket(11, MS, true, 1), "a retransmission fills its gap");
        assertEquals(2, s.lost());
        assertEquals(1, s.retransmitted());
        assertEquals(0, s.reordered(), "a retransmission is not reordering");
    }

    @Test
    void reorderedPacketIsNotLost() {
        StreamReceiveStats s = new StreamReceiveStats(1, 5);
        for (int seq : new int[] {0, 1, 3, 2, 4, 6, 5}) {
            s.onPacket(seq, MS, false, 1);
        }
        assertEquals(7, s.expected());
        assertEquals(0, s.lost());
        assertEquals(2, s.reordered());
    }

    @Test
    void duplicatesAreCountedApartAndNotTwice() {
        StreamReceiveStats s = new StreamReceiveStats(1, 5);
        s.onPacket(0, MS, false, 1);
        s.onPacket(1, MS, false, 1);
        assertFalse(s.onPacket(1, MS, false, 1));
        assertFalse(s.onPacket(0, MS, true, 1));
        assertEquals(2, s.received());
        assertEquals(2, s.duplicates());
        assertEquals(0, s.lost());
    }

    @Test
    void packetOlderThanTheWindowIsTooLateAndStaysLost() {
        StreamReceiveStats s = new StreamReceiveStats(1, 5);
        s.onPacket(0, MS, false, 1);
        s.onPacket(2, MS, false, 1);
        s.onPacket(2 + StreamReceiveStats.WINDOW, MS, false, 1);
        assertFalse(s.onPacket(1, MS, false, 1));
        assertEquals(1, s.tooLate());
        assertEquals(StreamReceiveStats.WINDOW + 3 - 3, s.lost());
    }

    @Test
    void bigJumpClearsTheWindowSoOldMarksDoNotHideLoss() {
        StreamReceiveStats s = new StreamReceiveStats(1, 5);
        for (int i = 0; i < 10; i++) {
            s.onPacket(i, MS, false, 1);
        }
        int far = 5 + 3 * StreamReceiveStats.WINDOW;
        s.onPacket(far, MS, false, 1);
        // far - WINDOW + 5 maps onto the same window bit as 5, which was received long ago.
        assertTrue(s.onPacket(far - StreamReceiveStats.WINDOW + 1, MS, false, 1));
        assertEquals(far + 1 - 12, s.lost());
    }

    @Test
    void sequenceAboveSignedIntRangeIsUnsigned() {
        StreamReceiveStats s = new StreamReceiveStats(1, 5);
        s.onPacket(0x7FFFFFFF, MS, false, 1);
        s.onPacket(0x80000001, MS, false, 1);
        assertEquals(3, s.expected());
        assertEquals(1, s.lost());
    }

    @Test
    void constantTransitHasZeroJitter() {
        StreamReceiveStats s = new StreamReceiveStats(1, 5);
        for (int i = 0; i < 100; i++) {
            s.onPacket(i, 7 * MS, false, 1);
        }
        assertEquals(0.0, s.jitterNanos());
    }

    @Test
    void jitterFollowsRfc3550Estimator() {
        // Transit alternating 10 ms / 26 ms: |D| = 16 ms on every step after the first packet,
        // so J_n = 16 ms * (1 - (15/16)^n) (RFC 3550 section 6.4.1, J += (|D| - J) / 16).
        StreamReceiveStats s = new StreamReceiveStats(1, 5);
        int n = 40;
        for (int i = 0; i <= n; i++) {
            s.onPacket(i, (i % 2 == 0 ? 10 : 26) * MS, false, 1);
        }
        double expected = 16 * MS * (1 - Math.pow(15.0 / 16, n));
        assertEquals(expected, s.jitterNanos(), 1.0);
    }

    @Test
    void retransmissionsStayOutOfJitter() {
        StreamReceiveStats s = new StreamReceiveStats(1, 5);
        s.onPacket(0, 10 * MS, false, 1);
        s.onPacket(2, 10 * MS, false, 1);
        s.onPacket(1, 500 * MS, true, 1);
        s.onPacket(3, 10 * MS, false, 1);
        assertEquals(0.0, s.jitterNanos());
    }

    @Test
    void aNewSegmentDoesNotExpectTheSequencesSentToOthersMeanwhile() {
        StreamReceiveStats s = new StreamReceiveStats(1, 5);
        for (int i = 0; i < 10; i++) {
            s.onPacket(i, MS, false, 100);
        }
        s.startSegment();
        for (int i = 500; i < 510; i++) {
            s.onPacket(i, MS, false, 100);
        }
        assertEquals(20, s.expected());
        assertEquals(20, s.received());
        assertEquals(0, s.lost());
        assertEquals(509, s.highest());
        assertFalse(s.onPacket(5, MS, true, 100), "a late RTX of the earlier segment");
        assertEquals(1, s.tooLate());
        s.onPacket(512, MS, false, 100);
        assertEquals(2, s.lost(), "loss inside a segment still counts: 510 and 511");
    }
}
