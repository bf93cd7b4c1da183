package dev.sfu.rtp.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.sfu.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BufferPoolTest {

    @Test
    void buffersAreReusedAndCounted() {
        BufferPool pool = new BufferPool();
        byte[] a = pool.acquire();
        assertEquals(RtpPacket.BUFFER_SIZE, a.length);
        assertEquals(1, pool.outstanding());
        pool.release(a);
        assertEquals(0, pool.outstanding());
        assertSame(a, pool.acquire(), "the released buffer comes back");
        assertEquals(1, pool.allocated());
    }

    @Test
    void foreignAndDoubleReleasesAreCountedNotThrown() {
        BufferPool pool = new BufferPool(64, 4);
        byte[] a = pool.acquire();
        pool.release(new byte[63]);
        pool.release(null);
        assertEquals(2, pool.foreignReleases());
        pool.release(a);
        pool.release(a);
        assertEquals(1, pool.doubleReleases());
        assertEquals(0, pool.outstanding(), "a double release does not hide a leak");
        assertEquals(1, pool.pooled());
    }

    @Test
    void poolIsBounded() {
        BufferPool pool = new BufferPool(16, 2);
        List<byte[]> taken = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            taken.add(pool.acquire());
        }
        assertEquals(5, pool.outstanding());
        taken.forEach(pool::release);
        assertEquals(0, pool.outstanding());
        assertEquals(2, pool.pooled());
        assertNotSame(pool.acquire(), pool.acquire());
    }

    @Test
    void concurrentAcquireAndReleaseLeakNothing() throws Exception {
        BufferPool pool = new BufferPool(32, 8);
        int threads = 4;
        ExecutorService exec = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            exec.submit(() -> {
                start.await();
                for (int i = 0; i < 20_000; i++) {
                    byte[] a = pool.acquire();
                    byte[] b = pool.acquire();
                    a[0] = 1;
                    pool.release(b);
                    pool.release(a);
                }
                return null;
            });
        }
        start.countDown();
        exec.shutdown();
        assertEquals(true, exec.awaitTermination(30, TimeUnit.SECONDS));
        assertEquals(0, pool.outstanding());
        assertEquals(0, pool.doubleReleases());
        assertEquals(0, pool.foreignReleases());
    }
}
