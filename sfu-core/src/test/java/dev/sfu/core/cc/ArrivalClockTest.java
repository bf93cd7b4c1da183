package dev.sfu.core.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** draft-holmer-rmcat-transport-wide-cc-extensions-01 section 3.1: 64 ms reference, 250 us deltas. */
class ArrivalClockTest {
    @Test
    void deltasAccumulateIn250MicrosecondUnitsFromTheReferenceTime() {
        ArrivalClock c = new ArrivalClock();
        c.begin(10);
        assertEquals(640_000 + 250, c.next(1));
        assertEquals(640_000 + 250 + 255 * 250, c.next(255));
        assertEquals(640_000 + 250 + 255 * 250 - 1000, c.next(-4), "negative (large) deltas go back");
    }

    @Test
    void referenceTimeUnwrapsAcrossThe24BitWrap() {
        ArrivalClock c = new ArrivalClock();
        c.begin(0xFFFFFF);
        long before = c.next(0);
        c.begin(0x000001); // two units later, after the wrap
        assertEquals(before + 2 * 64_000, c.next(0));
    }

    @Test
    void anOlderReferenceTimeFromReorderedFeedbackGoesBack() {
        ArrivalClock c = new ArrivalClock();
        c.begin(5);
        long t5 = c.next(0);
        c.begin(3);
        assertEquals(t5 - 2 * 64_000, c.next(0));
        c.begin(0x000002);
        c.begin(0xFFFFFE); // 4 units back across the wrap
        assertEquals(t5 - 3 * 64_000 - 4 * 64_000, c.next(0));
    }

    @Test
    void undoForgetsTheReferenceTimeOfAMessageThatNamedNothingWeSent() {
        ArrivalClock c = new ArrivalClock();
        c.begin(100);
        // Bogus, and just over half the 24-bit range away: kept, it would unwrap the next
        // reference time 2^24 units back.
        c.begin((100 - 0x7FFFFF) & 0xFFFFFF);
        c.undo();
        c.begin(101);
        assertEquals(101 * 64_000L, c.next(0));
    }
}
