package dev.sfu.bench.loadtest;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The capped downlink of --subscriber-kbps behaves as a rate-limited link with a bounded queue
 * (tc tbf rate R latency L): departures spaced by size / rate, a packet that would wait longer
 * than the bound dropped and counted, an idle link passing a packet after its own transmission time.
 */
class DownlinkBottleneckTest {
    private static final long MS = 1_000_000L;
    /** 1,000 bytes at 800 kbit/s take 10 ms. */
    private static final int SIZE = 1000;

    @Test
    void idleLinkDelaysAPacketByItsTransmissionTimeOnly() {
        DownlinkBottleneck b = new DownlinkBottleneck(800, 50);
        assertEquals(10 * MS, b.transmissionNanos(SIZE));
        assertEquals(1_000 * MS + 10 * MS, b.admit(SIZE, 1_000 * MS));
        // Long after, the link is idle again: no queueing delay.
        assertEquals(2_000 * MS + 10 * MS, b.admit(SIZE, 2_000 * MS));
        assertEquals(0, b.maxWaitNanos());
    }

    @Test
    void burstDepartsAtTheLinkRate() {
        DownlinkBottleneck b = new DownlinkBottleneck(800, 50);
        long t = 5_000 * MS;
        for (int i = 0; i < 5; i++) {
            assertEquals(t + (i + 1) * 10 * MS, b.admit(SIZE, t), "packet " + i + " of a burst");
        }
        assertEquals(40 * MS, b.maxWaitNanos());
        assertEquals(5, b.packets());
        assertEquals(5 * SIZE, b.bytes());
        assertEquals(0, b.drops());
    }

    @Test
    void packetThatWouldWaitLongerThanTheQueueBoundIsDroppedAndCounted() {
        DownlinkBottleneck b = new DownlinkBottleneck(800, 50);
        long t = 0;
        // Waits 0, 10, 20, 30, 40, 50 ms: all within the 50 ms bound.
        for (int i = 0; i < 6; i++) {
            assertTrue(b.admit(SIZE, t) != DownlinkBottleneck.DROPPED, "packet " + i);
        }
        assertEquals(DownlinkBottleneck.DROPPED, b.admit(SIZE, t), "would wait 60 ms");
        assertEquals(DownlinkBottleneck.DROPPED, b.admit(300, t + 5 * MS), "would wait 55 ms");
        assertEquals(2, b.drops());
        assertEquals(SIZE + 300, b.dropBytes());
        // A drop does not occupy the link: 10 ms later the wait is 50 ms again, and it goes through.
        assertEquals(70 * MS, b.admit(SIZE, 10 * MS));
        assertEquals(7, b.packets());
    }

    @Test
    void offeredTwiceTheRateCarriesTheRateAndDropsTheRest() {
        DownlinkBottleneck b = new DownlinkBottleneck(600, 50);
        // 1,200 kbit/s offered for 10 s: 125 packets of 1,200 bytes a second, 1,250 in all.
        long gap = 1_000_000_000L / 125;
        long last = 0;
        for (int i = 0; i < 1250; i++) {
            long d = b.admit(1200, i * gap);
            if (d != DownlinkBottleneck.DROPPED) {
                assertTrue(d >= last, "departures in order");
                last = d;
            }
        }
        double carriedKbps = b.bytes() * 8 / 10.0 / 1000;
        assertEquals(600, carriedKbps, 10, "the link carries its rate");
        assertEquals(0.5, (double) b.drops() / 1250, 0.02, "about half is dropped");
        assertTrue(b.maxWaitNanos() <= 50 * MS);
    }

    @Test
    void zeroQueueStillPassesOnePacketAtATime() {
        DownlinkBottleneck b = new DownlinkBottleneck(800, 0);
        assertEquals(10 * MS, b.admit(SIZE, 0));
        assertEquals(DownlinkBottleneck.DROPPED, b.admit(SIZE, 5 * MS));
        assertEquals(20 * MS, b.admit(SIZE, 10 * MS));
    }

    @Test
    void rejectsANonPositiveRate() {
        assertThrows(IllegalArgumentException.class, () -> new DownlinkBottleneck(0, 50));
    }
}
