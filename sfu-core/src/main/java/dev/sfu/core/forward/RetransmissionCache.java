package dev.sfu.core.forward;

import dev.sfu.rtp.util.BufferPool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The recent packets of one published stream, kept once for all subscribers so their NACKs
 * (RFC 4585 section 6.2.1) can be answered by retransmission (RFC 4588). A ring indexed by
 * sequence number modulo its size; each slot owns one pooled buffer for the track's lifetime and
 * is overwritten in place, so the cache allocates nothing after warm-up.
 *
 * <p>One writer (the publisher's executor) and many readers (subscribers' executors). Readers
 * copy under a per-slot sequence lock: a slot's version is odd while it is written, and a copy
 * whose version changed meanwhile is discarded.
 */
public final class RetransmissionCache {
    private static final VarHandle VERSION = MethodHandles.arrayElementVarHandle(int[].class);

    private final BufferPool pool;
    private final int mask;
    private final long maxAgeNanos;
    private final byte[][] slots;
    private final int[] versions;
    private final int[] lengths;
    private final int[] seqs;
    private final long[] ssrcs;
    private final long[] storedNanos;
    private volatile boolean closed;

    /**
     * @param pool        where slot buffers come from and go back to on {@link #close}
     * @param capacity    number of packets, a power of two (e.g. 512)
     * @param maxAgeNanos packets older than this are not resent (e.g. 1 s)
     */
    public RetransmissionCache(BufferPool pool, int capacity, long maxAgeNanos) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        this.pool = pool;
        this.mask = capacity - 1;
        this.maxAgeNanos = maxAgeNanos;
        this.slots = new byte[capacity][];
        this.versions = new int[capacity];
        this.lengths = new int[capacity];
        this.seqs = new int[capacity];
        this.ssrcs = new long[capacity];
        this.storedNanos = new long[capacity];
    }

    /** Stores a copy of one packet (publisher's executor only). Returns false when not stored. */
    public boolean store(byte[] b, int off, int len, int seq, long ssrc, long nowNanos) {
        if (closed || len > pool.bufferSize()) {
            return false;
        }
        int i = seq & mask;
        byte[] slot = slots[i];
        if (slot == null) {
            slot = pool.acquire();
            slots[i] = slot;
        }
        int v = (int) VERSION.getVolatile(versions, i);
        VERSION.setVolatile(versions, i, v + 1);
        System.arraycopy(b, off, slot, 0, len);
        lengths[i] = len;
        seqs[i] = seq;
        ssrcs[i] = ssrc;
        storedNanos[i] = nowNanos;
        VERSION.setVolatile(versions, i, v + 2);
        return true;
    }

    /**
     * Copies the packet with {@code seq} of {@code ssrc} into {@code dst} at {@code dstOff}.
     * Returns its length, or -1 when it is not cached (evicted, too old, being written, or
     * never received).
     */
    public int copy(int seq, long ssrc, long nowNanos, byte[] dst, int dstOff) {
        if (closed) {
            return -1;
        }
        int i = seq & mask;
        int v1 = (int) VERSION.getVolatile(versions, i);
        byte[] slot = slots[i];
        if ((v1 & 1) != 0 || slot == null) {
            return -1;
        }
        int len = lengths[i];
        if (seqs[i] != seq || ssrcs[i] != ssrc || nowNanos - storedNanos[i] > maxAgeNanos
                || len <= 0 || dstOff + len > dst.length || len > slot.length) {
            return -1;
        }
        System.arraycopy(slot, 0, dst, dstOff, len);
        VarHandle.acquireFence();
        int v2 = (int) VERSION.getVolatile(versions, i);
        return v1 == v2 && !closed ? len : -1;
    }

    /** Returns every slot buffer to the pool. Idempotent; later stores and copies fail. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < slots.length; i++) {
            int v = (int) VERSION.getVolatile(versions, i);
            VERSION.setVolatile(versions, i, v | 1); // Odd forever: readers in flight discard.
            if (slots[i] != null) {
                pool.release(slots[i]);
                slots[i] = null;
            }
        }
    }
}
