package dev.sfu.core.forward;

import dev.sfu.rtp.util.BufferPool;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RetransmissionCacheTest {
    private static final long MS = 1_000_000L;

    @Test
    void keepsTheNewestPacketPerSlotAndReleasesEverySlotOnClose() {
        BufferPool pool = ForwardingContext.newPool();
        RetransmissionCache cache = new RetransmissionCache(pool, 8, 1000 * MS);
        byte[] pkt = new byte[20];
        byte[] dst = new byte[pool.bufferSize()];
        for (int seq = 65530; seq < 65540; seq++) {
            pkt[0] = (byte) seq;
            cache.store(pkt, 0, 20, seq & 0xFFFF, 9, 0);
        }
        assertEquals(8, pool.outstanding());
        assertEquals(-1, cache.copy(65531, 9, 0, dst, 0), "overwritten by 65539 (same slot)");
        assertEquals(20, cache.copy(3, 9, 0, dst, 0), "crossed the wrap: 65539 is seq 3");
        assertEquals((byte) 65539, dst[0]);
        assertEquals(-1, cache.copy(3, 10, 0, dst, 0), "another SSRC");
        assertEquals(-1, cache.copy(3, 9, 1001 * MS, dst, 0), "too old");
        cache.close();
        cache.close();
        assertEquals(0, pool.outstanding());
        assertEquals(-1, cache.copy(3, 9, 0, dst, 0));
    }
}
