package dev.sfu.rtp.util;

import dev.sfu.rtp.RtpPacket;

/**
 * A bounded, thread-safe pool of equally sized packet buffers ({@link RtpPacket#BUFFER_SIZE} by
 * default: an MTU plus SRTP tail room), an {@link ObjectPool} of byte arrays: {@link #acquire}
 * hands out a pooled array or a new one with undefined contents; {@link #release} takes it
 * back, keeping at most {@code maxPooled}. Releasing an array of another size, or one that is
 * already in the pool, is ignored and counted; {@link #outstanding()} lets tests assert that
 * nothing leaked.
 */
public final class BufferPool extends ObjectPool<byte[]> {
    private final int bufferSize;

    /** A pool of {@link RtpPacket#BUFFER_SIZE} buffers keeping at most 1024. */
    public BufferPool() {
        this(RtpPacket.BUFFER_SIZE, 1024);
    }

    public BufferPool(int bufferSize, int maxPooled) {
        super(() -> new byte[bufferSize], b -> b.length == bufferSize, checked(bufferSize, maxPooled));
        this.bufferSize = bufferSize;
    }

    private static int checked(int bufferSize, int maxPooled) {
        if (bufferSize <= 0 || maxPooled < 0) {
            throw new IllegalArgumentException("bufferSize " + bufferSize + ", maxPooled " + maxPooled);
        }
        return maxPooled;
    }

    public int bufferSize() {
        return bufferSize;
    }
}
