package dev.sfu.rtp.util;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SequenceWindowTest {
    @Test
    void aSequenceNumberIsNewOnceAndADuplicateAfterThat() {
        SequenceWindow w = new SequenceWindow();
        for (int s = 100; s < 200; s++) {
            assertTrue(w.accept(s));
        }
        assertFalse(w.accept(150), "a copy of a packet received before (an RTX probe)");
        assertFalse(w.accept(199));
        assertTrue(w.accept(200));
    }

    @Test
    void aLatePacketThatFillsAGapIsNewButItsSecondCopyIsNot() {
        SequenceWindow w = new SequenceWindow();
        w.accept(10);
        w.accept(13);
        assertTrue(w.accept(11), "a retransmission filling a gap");
        assertFalse(w.accept(11));
        assertTrue(w.accept(12));
    }

    @Test
    void wrapsAround65535() {
        SequenceWindow w = new SequenceWindow();
        for (int s = 65530; s < 65536 + 10; s++) {
            assertTrue(w.accept(s & 0xFFFF), "seq " + (s & 0xFFFF));
        }
        assertFalse(w.accept(65533));
        assertFalse(w.accept(3));
    }

    @Test
    void slotsReusedAfterTheWindowMovesOnAreNotMistakenForDuplicates() {
        SequenceWindow w = new SequenceWindow();
        w.accept(0);
        w.accept(1);
        // 1 + SIZE maps to the same bit as 1; the advance clears it first.
        assertTrue(w.accept(SequenceWindow.SIZE - 1));
        assertTrue(w.accept(SequenceWindow.SIZE + 1));
        assertFalse(w.accept(SequenceWindow.SIZE + 1));
    }

    @Test
    void aJumpBeyondTheWindowEitherWayRestartsItAndCountsAsNew() {
        SequenceWindow w = new SequenceWindow();
        w.accept(5000);
        assertTrue(w.accept(5000 + SequenceWindow.SIZE + 7), "forward jump (a restart)");
        assertTrue(w.accept(5000), "far behind: the window started again");
        assertFalse(w.accept(5000));
    }

    @Test
    void resetForgetsTheStream() {
        SequenceWindow w = new SequenceWindow();
        w.accept(42);
        w.reset();
        assertTrue(w.accept(42));
    }
}
