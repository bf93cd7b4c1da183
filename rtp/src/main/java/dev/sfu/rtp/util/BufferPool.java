package dev.sfu.rtp.util;

import dev.sfu.rtp.RtpPacket;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;

/**
 * A bounded, thread-safe pool of equally sized packet buffers ({@link RtpPacket#BUFFER_SIZE} by
 * default: an MTU plus SRTP tail room). {@link #acquire} hands out a pooled array or a new one;
 * {@link #release} takes it back, keeping at most {@code maxPooled}. Every buffer has one owner:
 * whoever acquired it, or was handed it, releases it exactly once.
 *
 * <p>Misuse is counted, not thrown: releasing an array of another size, or one that is already
 * in the pool, is ignored and counted. {@link #outstanding()} lets tests assert that nothing
 * leaked. Neither path allocates once the pool is warm.
 */
public final class BufferPool {
    private final int bufferSize;
    private final int maxPooled;
    private final ArrayDeque<byte[]> free;
    private final IdentityHashMap<byte[], Boolean> inPool;
    private long outstanding;
    private long allocated;
    private long foreignReleases;
    private long doubleReleases;

    /** A pool of {@link RtpPacket#BUFFER_SIZE} buffers keeping at most 1024. */
    public BufferPool() {
        this(RtpPacket.BUFFER_SIZE, 1024);
    }

    public BufferPool(int bufferSize, int maxPooled) {
        if (bufferSize <= 0 || maxPooled < 0) {
            throw new IllegalArgumentException("bufferSize " + bufferSize + ", maxPooled " + maxPooled);
        }
        this.bufferSize = bufferSize;
        this.maxPooled = maxPooled;
        this.free = new ArrayDeque<>(Math.max(1, maxPooled));
        this.inPool = new IdentityHashMap<>(Math.max(1, maxPooled));
    }

    /** A buffer of {@link #bufferSize()} bytes, with undefined contents. */
    public byte[] acquire() {
        synchronized (this) {
            outstanding++;
            byte[] b = free.pollFirst();
            if (b != null) {
                inPool.remove(b);
                return b;
            }
            allocated++;
        }
        return new byte[bufferSize];
    }

    /** Returns a buffer; foreign-size arrays, nulls and double releases are counted and ignored. */
    public void release(byte[] b) {
        if (b == null || b.length != bufferSize) {
            synchronized (this) {
                foreignReleases++;
            }
            return;
        }
        synchronized (this) {
            if (inPool.containsKey(b)) {
                doubleReleases++;
                return;
            }
            outstanding--;
            if (free.size() < maxPooled) {
                free.addFirst(b);
                inPool.put(b, Boolean.TRUE);
            }
        }
    }

    public int bufferSize() {
        return bufferSize;
    }

    /** Buffers acquired and not yet released. */
    public synchronized long outstanding() {
        return outstanding;
    }

    /** Buffers waiting in the pool. */
    public synchronized int pooled() {
        return free.size();
    }

    /** Buffers the pool had to allocate because it was empty. */
    public synchronized long allocated() {
        return allocated;
    }

    /** Releases of null or wrong-size arrays. */
    public synchronized long foreignReleases() {
        return foreignReleases;
    }

    /** Releases of a buffer that was already back in the pool. */
    public synchronized long doubleReleases() {
        return doubleReleases;
    }
}
