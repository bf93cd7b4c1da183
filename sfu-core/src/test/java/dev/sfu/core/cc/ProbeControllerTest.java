package dev.sfu.core.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProbeControllerTest {
    private static final long S = 1_000_000_000L;

    @Test
    void probesOnlyWhenTheAllocationWantsMoreThanTheTarget() {
        ProbeController p = new ProbeController(0);
        p.setDesired(800_000, 1_000_000, 0);
        assertEquals(-1, p.poll(0, 1_000_000));
        p.setDesired(3_000_000, 1_000_000, 0);
        assertEquals(0, p.poll(0, 1_000_000), "once soon after start");
        assertEquals(2_000_000, p.rateBps(), "min(desired, 2 x target)");
        assertEquals(2_000_000 * 15 / 8 / 1000, p.bytes(), "15 ms worth");
    }

    @Test
    void aSmallProbeStillSendsFivePaddingPackets() {
        ProbeController p = new ProbeController(0);
        p.setDesired(3_000_000, 100_000, 0);
        p.poll(0, 100_000);
        assertEquals(5 * ProbeController.PADDING_SIZE, p.bytes());
    }

    @Test
    void backOffDoublesAfterAProbeWithoutNewsAndResetsAfterOneWithHeadroom() {
        ProbeController p = new ProbeController(0);
        p.setDesired(3_000_000, 1_000_000, 0);
        assertEquals(0, p.poll(0, 1_000_000));
        assertEquals(-1, p.poll(S / 10, 1_000_000), "one in flight");
        p.onJudged(1_000_000, 1_000_000, S / 10);
        assertEquals(-1, p.poll(6 * S, 1_000_000));
        assertEquals(1, p.poll(S / 10 + 6 * S, 1_000_000), "6 s after a probe that found nothing");
        p.onJudged(2_000_000, 1_000_000, 7 * S);
        assertEquals(-1, p.poll(9 * S, 1_000_000));
        assertEquals(2, p.poll(10 * S, 1_000_000), "3 s after one that found headroom");
        assertEquals(3, p.started());
    }

    @Test
    void aClusterEndsWhenItsBytesAreSent() {
        ProbeController p = new ProbeController(0);
        p.setDesired(3_000_000, 1_000_000, 0);
        int id = p.poll(0, 1_000_000);
        assertEquals(id, p.activeCluster(0));
        int sent = 0;
        boolean done = false;
        while (!done) {
            done = p.onProbeSent(id, 255);
            sent += 255;
        }
        assertTrue(sent >= p.bytes());
        assertEquals(-1, p.activeCluster(0));
    }

    @Test
    void aProbeAboveAKnownLinkCapacityIsLongCappedAndJudgedByItsTail() {
        ProbeController p = new ProbeController(0);
        p.setDesired(3_000_000, 700_000, 0);
        assertEquals(0, p.poll(0, 700_000, 800_000, 400_000));
        // 2 x 700 kbit/s would be 1.4 Mbit/s; capped at 1.5 x the 800 kbit/s capacity, media included.
        assertEquals(1_200_000 - 400_000, p.rateBps(), "padding: the cap less what media sends");
        assertEquals(800_000L * 300 / 8 / 1000, p.bytes(), "300 ms of padding");
        assertEquals(180_000_000L, p.tailFromNanos(), "its tail: from 60 %");
        assertEquals(1, p.longStarted());
    }

    @Test
    void aProbeBelowTheKnownCapacityOrWithoutOneIsShortAndJudgedWhole() {
        ProbeController p = new ProbeController(0);
        p.setDesired(3_000_000, 300_000, 0);
        assertEquals(0, p.poll(0, 300_000, 800_000, 200_000));
        assertEquals(600_000, p.rateBps());
        assertEquals(-1, p.tailFromNanos());
        p.onJudged(600_000, 800_000, S);
        ProbeController q = new ProbeController(0);
        q.setDesired(3_000_000, 700_000, 0);
        assertEquals(0, q.poll(0, 700_000, -1, 400_000));
        assertEquals(1_400_000, q.rateBps(), "no capacity known: 2 x target, padding alone");
        assertEquals(-1, q.tailFromNanos());
        assertEquals(0, q.longStarted());
    }
}
