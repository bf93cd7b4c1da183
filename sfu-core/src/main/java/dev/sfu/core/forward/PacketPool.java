package dev.sfu.core.forward;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fixed-size packet buffers, reused. Every buffer has room for an MTU-sized packet, the two
 * extra bytes of an RTX header (RFC 4588) and the SRTP/SRTCP trailer, so egress never
 * reallocates. {@link #outstanding()} counts buffers acquired and not yet released: tests assert
 * it returns to zero. Buffers are taken on track and participant set-up, not per packet.
 */
public final class PacketPool {
    /** Default buffer size: 1500 (MTU) + 2 (RTX OSN) + tail room for SRTP tag, index and MKI. */
    public static final int DEFAULT_BUFFER_SIZE = 1600;

    private final int bufferSize;
    private final byte[][] free;
    private int freeCount;
    private final AtomicInteger outstanding = new AtomicInteger();

    public PacketPool(int bufferSize, int maxPooled) {
        this.bufferSize = bufferSize;
        this.free = new byte[maxPooled][];
    }

    public PacketPool() {
        this(DEFAULT_BUFFER_SIZE, 8192);
    }

    public int bufferSize() {
        return bufferSize;
    }

    public byte[] acquire() {
        byte[] b = null;
        synchronized (this) {
            if (freeCount > 0) {
                b = free[--freeCount];
                free[freeCount] = null;
            }
        }
        outstanding.incrementAndGet();
        return b != null ? b : new byte[bufferSize];
    }

    /** Gives a buffer back; buffers of another size are ignored. */
    public void release(byte[] b) {
        if (b == null || b.length != bufferSize) {
            return;
        }
        outstanding.decrementAndGet();
        synchronized (this) {
            if (freeCount < free.length) {
                free[freeCount++] = b;
            }
        }
    }

    /** Buffers acquired and not yet released. */
    public int outstanding() {
        return outstanding.get();
    }
}
