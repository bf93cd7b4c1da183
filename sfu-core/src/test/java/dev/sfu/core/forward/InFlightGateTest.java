package dev.sfu.core.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightGateTest {

    @Test
    void closedWithNothingInFlightTheCallerReleasesAndNoEntryFollows() {
        AtomicInteger released = new AtomicInteger();
        InFlightGate g = new InFlightGate(released::incrementAndGet);
        assertTrue(g.enter());
        g.exit();
        assertEquals(0, g.close(), "nothing in flight: the caller releases");
        assertEquals(0, released.get(), "not the gate");
        assertFalse(g.enter());
        assertTrue(g.isClosed());
        assertEquals(-1, g.close(), "closing again does nothing");
    }

    @Test
    void closedWhileInUseTheLastExitReleasesOnce() {
        AtomicInteger released = new AtomicInteger();
        InFlightGate g = new InFlightGate(released::incrementAndGet);
        assertTrue(g.enter());
        assertTrue(g.enter());
        assertEquals(2, g.close());
        g.exit();
        assertEquals(0, released.get(), "one use still in flight");
        g.exit();
        assertEquals(1, released.get(), "released by the last use");
    }

    @Test
    void manyThreadsEnteringWhileItClosesReleaseExactlyOnce() throws Exception {
        for (int round = 0; round < 200; round++) {
            AtomicInteger released = new AtomicInteger();
            InFlightGate g = new InFlightGate(released::incrementAndGet);
            Thread[] users = new Thread[4];
            for (int i = 0; i < users.length; i++) {
                users[i] = new Thread(() -> {
                    for (int k = 0; k < 1000 && g.enter(); k++) {
                        g.exit();
                    }
                });
                users[i].start();
            }
            int inFlight = g.close();
            if (inFlight == 0) {
                released.incrementAndGet();
            }
            for (Thread t : users) {
                t.join();
            }
            assertEquals(1, released.get(), "round " + round);
        }
    }
}
