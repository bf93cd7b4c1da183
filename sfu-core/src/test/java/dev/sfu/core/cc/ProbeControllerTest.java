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

    @Test
    void whatALongProbeFoundIsNoNewsTheNextTimeSoTheBackOffGrowsAndTheNextProbeIsFastEnoughToTell() {
        ProbeController p = new ProbeController(0);
        p.setDesired(3_000_000, 400_000, 0);
        // A long probe over a 400 kbit/s capacity found the link carrying 500 kbit/s: headroom.
        assertEquals(0, p.poll(0, 400_000, 400_000, 300_000));
        p.onJudged(500_000, 400_000, true, false, S / 2);
        assertEquals(500_000, p.ceilingBps(S / 2));
        // Overuse since dragged the capacity down to 350 kbit/s; the next long probe still goes
        // at 1.5 x the 500 kbit/s found (1.5 x 350 kbit/s = 525 kbit/s could neither tell news
        // nor overdraw a shaper's bucket) ...
        assertEquals(1, p.poll(S / 2 + ProbeController.CLIMB_BACKOFF_NANOS, 350_000, 350_000, 300_000));
        assertEquals(700_000, p.rateBps() + 300_000,
                "sent at 1.5 x what the last long probe found, media included, up to 2 x the target");
        // ... and finding 500 kbit/s again is no headroom: the back-off doubles (1 s -> 2 s), where
        // against the dragged capacity alone it would have counted as news and climbed again in 1 s.
        p.onJudged(505_000, 350_000, true, false, 2 * S);
        assertEquals(-1, p.poll(3 * S + S / 2, 350_000, 350_000, 300_000));
        assertEquals(2, p.poll(4 * S, 350_000, 350_000, 300_000), "2 s after a probe without news");
        // A probe that filled the link (saturated, or judged while overusing) is no headroom
        // either, and what it measured replaces what the link was found to carry.
        p.onJudged(450_000, 350_000, false, true, 4 * S + S / 2);
        assertEquals(450_000, p.ceilingBps(4 * S + S / 2));
        // Forgotten with the link capacity, or after a while.
        assertEquals(-1, p.ceilingBps(4 * S + S / 2 + ProbeController.CEILING_MEMORY_NANOS));
        p.capacityForgotten(5 * S);
        assertEquals(-1, p.ceilingBps(5 * S));
    }

    @Test
    void aClusterStoppedEarlySendsNoMoreAndTheNextProbeWaitsForItsJudgement() {
        ProbeController p = new ProbeController(0);
        p.setDesired(3_000_000, 700_000, 0);
        int id = p.poll(0, 700_000, 800_000, 400_000);
        assertEquals(id, p.abortActive());
        assertEquals(-1, p.activeCluster(0));
        assertEquals(-1, p.abortActive(), "nothing left to stop");
        assertEquals(-1, p.poll(S / 10, 700_000, 800_000, 400_000), "still awaiting its result");
    }

    @Test
    void theBackOffDoublesAfterALossyProbeAndReturnsToTheBaseAfterTwoLosslessOnesInARow() {
        ProbeController p = new ProbeController(0);
        p.setDesired(3_000_000, 700_000, 0);
        // Long probes over a full 800 kbit/s link that lose nothing (a deep shaper queue): each
        // finds the link full, and the next may follow after the base back-off, not 6 s.
        assertEquals(0, p.poll(0, 700_000, 800_000, 400_000));
        p.onJudged(790_000, 800_000, false, true, false, S / 2);
        assertEquals(-1, p.poll(3 * S + S / 4, 700_000, 800_000, 400_000));
        assertEquals(1, p.poll(3 * S + S / 2, 700_000, 800_000, 400_000), "3 s after a full link without loss");
        p.onJudged(790_000, 800_000, false, true, false, 4 * S);
        assertEquals(2, p.poll(7 * S, 700_000, 800_000, 400_000), "again 3 s: the back-off did not grow");
        // One that overflowed the queue (packets lost) doubles it.
        p.onJudged(790_000, 800_000, false, true, true, 7 * S + S / 2);
        assertEquals(-1, p.poll(13 * S + S / 4, 700_000, 800_000, 400_000), "6 s after a lossy probe");
        assertEquals(3, p.poll(13 * S + S / 2, 700_000, 800_000, 400_000));
        // One lossless probe after it is luck: the back-off stays at 6 s ...
        p.onJudged(790_000, 800_000, false, true, false, 14 * S);
        assertEquals(-1, p.poll(19 * S + S / 2, 700_000, 800_000, 400_000), "one lossless probe keeps 6 s");
        assertEquals(4, p.poll(20 * S, 700_000, 800_000, 400_000));
        // ... and a second in a row brings it back to the base.
        p.onJudged(790_000, 800_000, false, true, false, 20 * S + S / 2);
        assertEquals(5, p.poll(23 * S + S / 2, 700_000, 800_000, 400_000), "3 s after two lossless probes");
    }

    @Test
    void aLongProbeAimsALittleAboveWhatTheAllocationWants() {
        ProbeController p = new ProbeController(0);
        p.setDesired(1_000_000, 900_000, 0);
        // What media sends is a guess: aimed at 1 Mbit/s exactly, a probe that sends less than
        // meant finds less, and the allocation never sees the 1 Mbit/s it wants.
        assertEquals(0, p.poll(0, 900_000, 900_000, 700_000));
        assertEquals(1_100_000 - 700_000, p.rateBps(), "1.1 x what the allocation wants, media included");
    }
}
