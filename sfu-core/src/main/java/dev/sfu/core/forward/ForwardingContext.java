package dev.sfu.core.forward;

import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.util.BufferPool;

import java.util.function.LongSupplier;

/**
 * What every endpoint of a server shares: the buffer pool, the tunables and the clock
 * (monotonic nanoseconds; tests pass a fake one).
 */
public record ForwardingContext(BufferPool pool, ForwardingConfig config, LongSupplier nanoClock) {
    /**
     * Buffers kept for reuse. Each video track's retransmission cache holds up to
     * {@link ForwardingConfig#cacheSize()} buffers for its lifetime, so the pool keeps enough to
     * take back a few rooms' worth when they close.
     */
    public static final int MAX_POOLED = 8192;

    /** A pool of {@link RtpPacket#BUFFER_SIZE} buffers for {@link ForwardingContext}s. */
    public static BufferPool newPool() {
        return new BufferPool(RtpPacket.BUFFER_SIZE, MAX_POOLED);
    }

    public static ForwardingContext defaults() {
        return new ForwardingContext(newPool(), ForwardingConfig.defaults(), System::nanoTime);
    }
}
