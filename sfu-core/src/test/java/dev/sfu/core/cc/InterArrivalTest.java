package dev.sfu.core.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** draft-ietf-rmcat-gcc-02 section 5.2: groups of packets sent within 5 ms. */
class InterArrivalTest {
    private static final long MS = 1_000_000L;

    @Test
    void packetsSentWithin5msFormOneGroupAndDeltasCompareLastPackets() {
        InterArrival ia = new InterArrival();
        // Group 1: sent at 0, 2, 4 ms; arrives at 20, 23, 26 ms.
        assertFalse(ia.onPacket(0, 20 * MS, 0, 100));
        assertFalse(ia.onPacket(2 * MS, 23 * MS, 0, 100));
        assertFalse(ia.onPacket(4 * MS, 26 * MS, 0, 100));
        // Group 2 starts at 10 ms: no deltas yet (group 1 has no predecessor).
        assertFalse(ia.onPacket(10 * MS, 32 * MS, 0, 200));
        assertFalse(ia.onPacket(12 * MS, 34 * MS, 0, 200));
        // Group 3 completes group 2: deltas between the last packets of groups 1 and 2.
        assertTrue(ia.onPacket(20 * MS, 42 * MS, 0, 50));
        assertEquals(8 * MS, ia.sendDeltaNanos);
        assertEquals(8 * MS, ia.arrivalDeltaNanos);
        assertEquals(100, ia.sizeDelta);
    }

    @Test
    void aBurstArrivingFasterThanSentJoinsTheGroup() {
        InterArrival ia = new InterArrival();
        ia.onPacket(0, 50 * MS, 0, 100);
        // Sent 10 ms later but arrives 1 ms later (a queue drained): same group.
        assertFalse(ia.onPacket(10 * MS, 51 * MS, 0, 100));
        assertFalse(ia.onPacket(20 * MS, 70 * MS, 0, 100), "new group; first deltas need two complete groups");
        assertTrue(ia.onPacket(30 * MS, 80 * MS, 0, 100));
        assertEquals(10 * MS, ia.sendDeltaNanos, "group 1 ended with the packet sent at 10 ms");
        assertEquals(19 * MS, ia.arrivalDeltaNanos);
    }

    @Test
    void packetsSentBeforeTheCurrentGroupAreIgnored() {
        InterArrival ia = new InterArrival();
        ia.onPacket(0, 20 * MS, 0, 100);
        ia.onPacket(10 * MS, 30 * MS, 0, 100);
        assertFalse(ia.onPacket(5 * MS, 25 * MS, 0, 100), "reordered, too late");
        assertTrue(ia.onPacket(20 * MS, 40 * MS, 0, 100));
        assertEquals(10 * MS, ia.sendDeltaNanos);
    }

    @Test
    void aReceiverClockJumpOfMoreThan3SecondsResets() {
        InterArrival ia = new InterArrival();
        ia.onPacket(0, 20 * MS, 0, 100);
        ia.onPacket(10 * MS, 30 * MS, 10 * MS, 100);
        assertTrue(ia.onPacket(20 * MS, 5_040 * MS, 20 * MS, 100), "completes the second group normally");
        assertFalse(ia.onPacket(30 * MS, 5_050 * MS, 30 * MS, 100), "the third group arrived 5 s late by our clock");
        assertEquals(1, ia.resets());
    }
}
