package dev.sfu.core.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SendHistoryTest {
    @Test
    void findsPacketsAcrossSeveral16BitWraps() {
        SendHistory h = new SendHistory();
        long first = -1;
        for (int i = 0; i < 3 * 65536 + 100; i++) {
            long seq = h.record((65_000 + i) & 0xFFFF, 100 + (i % 7), i * 1000L, -1);
            if (i == 0) {
                first = seq;
            }
        }
        assertEquals(first + 3 * 65536 + 99, h.highestSeq(), "unwrapped sequence numbers keep counting");
        int latest = (65_000 + 3 * 65536 + 99) & 0xFFFF;
        int slot = h.find(latest);
        assertEquals((3 * 65536 + 99) * 1000L, h.sendNanos(slot));
        int justBefore = (latest - 100) & 0xFFFF; // 100 back, across the latest wrap
        assertEquals((3 * 65536 - 1) * 1000L, h.sendNanos(h.find(justBefore)));
    }

    @Test
    void unsentAndForgottenSequenceNumbersAreNotFound() {
        SendHistory h = new SendHistory();
        assertEquals(-1, h.find(0), "nothing sent yet");
        for (int i = 0; i < SendHistory.CAPACITY + 10; i++) {
            h.record(i, 1200, i, -1);
        }
        assertEquals(-1, h.find(SendHistory.CAPACITY + 10), "not sent yet");
        assertEquals(-1, h.find(SendHistory.CAPACITY + 20_000), "far ahead");
        assertEquals(-1, h.find(5), "overwritten by a newer packet in the ring");
        assertEquals(12, h.sendNanos(h.find(12)), "the oldest still remembered");
    }

    @Test
    void remembersWhatFeedbackSaid() {
        SendHistory h = new SendHistory();
        h.record(7, 1200, 0, 3);
        int slot = h.find(7);
        assertEquals(SendHistory.UNREPORTED, h.state(slot));
        assertEquals(3, h.cluster(slot));
        h.setState(slot, SendHistory.RECEIVED);
        assertEquals(SendHistory.RECEIVED, h.state(h.find(7)));
    }

    @Test
    void aNumberBeforeTheFirstEverSentIsNotStored() {
        SendHistory h = new SendHistory();
        h.record(5, 1200, 0, -1);
        assertEquals(-1, h.record(65_535, 1200, 1, -1), "unwraps to -1");
        assertEquals(5, h.highestSeq());
        assertEquals(-1, h.find(65_535));
    }
}
