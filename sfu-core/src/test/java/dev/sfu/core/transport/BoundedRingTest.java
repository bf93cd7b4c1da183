package dev.sfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The bounded ingress ring: FIFO, refuses when full, and loses nothing under two producers. */
class BoundedRingTest {
    @Test
    void fifoAndRefusesWhenFull() {
        BoundedRing<Integer> r = new BoundedRing<>(3);
        assertEquals(4, r.capacity());
        for (int i = 0; i < 4; i++) {
            assertTrue(r.offer(i));
        }
        assertFalse(r.offer(99));
        assertEquals(0, r.poll());
        assertTrue(r.offer(4));
        for (int i = 1; i <= 4; i++) {
            assertEquals(i, r.poll());
        }
        assertNull(r.poll());
        assertTrue(r.isEmpty());
    }

    @Test
    void eachElementKeepsItsStampAndSizeCountsTheQueued() {
        BoundedRing<String> r = new BoundedRing<>(4);
        assertTrue(r.offer("a", 11));
        assertTrue(r.offer("b", 22));
        assertTrue(r.offer("c"));
        assertEquals(3, r.size());
        long[] stamp = new long[1];
        assertEquals("a", r.poll(stamp));
        assertEquals(11, stamp[0]);
        assertEquals("b", r.poll(stamp));
        assertEquals(22, stamp[0]);
        assertEquals("c", r.poll(stamp));
        assertEquals(0, stamp[0], "offer without a stamp stores 0");
        assertNull(r.poll(stamp));
        assertEquals(0, r.size());
    }

    @Test
    void concurrentProducersAndOneConsumerLoseNothing() throws Exception {
        BoundedRing<Long> r = new BoundedRing<>(1024);
        int perProducer = 20_000;
        AtomicLong sum = new AtomicLong();
        Runnable producer = () -> {
            for (long i = 1; i <= perProducer; i++) {
                while (!r.offer(i)) {
                    Thread.yield();
                }
            }
        };
        Thread a = new Thread(producer);
        Thread b = new Thread(producer);
        a.start();
        b.start();
        long received = 0;
        while (received < 2L * perProducer) {
            Long v = r.poll();
            if (v != null) {
                sum.addAndGet(v);
                received++;
            }
        }
        a.join();
        b.join();
        assertEquals(2L * perProducer * (perProducer + 1) / 2, sum.get());
    }
}
