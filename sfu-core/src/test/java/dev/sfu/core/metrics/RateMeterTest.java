package dev.sfu.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The one-second rate ring, driven by a fake nanosecond clock. */
class RateMeterTest {
    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;
    private final AtomicLong now = new AtomicLong(1_000 * S);
    private final RateMeter meter = new RateMeter(now::get);

    @Test
    void lastSecondIsTheCountOfTheLastCompleteSecond() {
        meter.mark(100);
        now.addAndGet(400 * MS);
        meter.mark(50);
        assertEquals(0, meter.lastSecond(), "the current second is not complete yet");
        now.addAndGet(700 * MS); // 1001.1 s
        assertEquals(150, meter.lastSecond());
        meter.mark(7);
        assertEquals(150, meter.lastSecond(), "marks in the current second do not change the last one");
        now.addAndGet(S);
        assertEquals(7, meter.lastSecond());
        assertEquals(157, meter.getCount());
    }

    @Test
    void aQuietSecondReadsZero() {
        meter.mark(10);
        now.addAndGet(2 * S);
        assertEquals(0, meter.lastSecond());
        assertEquals(5.0, meter.rate(2));
    }

    @Test
    void bitsPerSecondFromBytesAtASteadyRate() {
        // 50 packets of 1000 bytes per second, 20 ms apart: 400 kbit/s.
        for (int i = 0; i < 50 * 10; i++) {
            meter.mark(1000);
            now.addAndGet(20 * MS);
        }
        assertEquals(400_000, meter.lastSecond() * 8);
        assertEquals(50_000.0, meter.rate(10));
        assertEquals(500_000.0 / 11, meter.rate(11), 1e-6, "the eleventh second back is empty");
    }

    @Test
    void aBucketIsReusedAfterTheRingWrapsWithoutKeepingOldCounts() {
        meter.mark(5);
        now.addAndGet(RateMeter.SLOTS * S); // Same bucket index, 64 seconds later.
        meter.mark(3);
        now.addAndGet(S);
        assertEquals(3, meter.lastSecond());
        assertEquals(3.0 / RateMeter.MAX_WINDOW, meter.rate(RateMeter.MAX_WINDOW), 1e-9);
    }

    @Test
    void aStaleBucketFromAnOlderLapReadsZero() {
        meter.mark(9);
        now.addAndGet(RateMeter.SLOTS * S + S);
        assertEquals(0, meter.countIn(RateMeter.second(now.get()) - 1));
        assertEquals(0, meter.lastSecond(), "the bucket holds second t-65, not t-1");
    }

    @Test
    void negativeClockReadingsFallIntoTheirOwnSeconds() {
        now.set(-S / 2); // nanoTime may be negative.
        meter.mark(4);
        now.set(S / 2);
        assertEquals(4, meter.lastSecond());
    }

    @Test
    void markWithTheCallersClockReading() {
        long t = now.get();
        meter.mark(1, t);
        meter.mark(1, t + 999 * MS);
        meter.mark(1, t + S);
        now.set(t + S);
        assertEquals(2, meter.lastSecond());
    }

    @Test
    void dropwizardRatesUseTheOneMinuteWindow() {
        for (int i = 0; i < 60; i++) {
            meter.mark(120);
            now.addAndGet(S);
        }
        assertEquals(120.0, meter.getOneMinuteRate(), 1e-9);
        assertEquals(120.0, meter.getFiveMinuteRate(), 1e-9);
        assertEquals(120.0, meter.getMeanRate(), 1e-9);
    }

    @Test
    void windowOutsideTheRingIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> meter.rate(0));
        assertThrows(IllegalArgumentException.class, () -> meter.rate(RateMeter.SLOTS));
    }

    @Test
    void concurrentMarksAreAllCounted() throws Exception {
        int threads = 4;
        int per = 100_000;
        CountDownLatch go = new CountDownLatch(1);
        Thread[] ts = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            ts[i] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int k = 0; k < per; k++) {
                    meter.mark(3);
                }
            });
            ts[i].start();
        }
        go.countDown();
        for (Thread t : ts) {
            t.join(10_000);
        }
        now.addAndGet(S);
        assertEquals(3L * threads * per, meter.lastSecond());
        assertEquals(3L * threads * per, meter.getCount());
    }
}
