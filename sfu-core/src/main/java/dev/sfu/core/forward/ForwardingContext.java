package dev.sfu.core.forward;

import dev.sfu.core.cc.CongestionControlConfig;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.util.BufferPool;

import java.util.function.LongSupplier;

/**
 * What every endpoint of a server shares: the buffer pool, the tunables, the clock (monotonic
 * nanoseconds; tests pass a fake one) and the pacer thread that drains every subscriber's
 * {@link SubscriberEgress} ({@link PacerThread#start} to run it; tests call
 * {@link PacerThread#tick} instead).
 */
public record ForwardingContext(BufferPool pool, ForwardingConfig config, LongSupplier nanoClock,
                                CongestionControlConfig congestionControl, PacerThread pacer) {
    /**
     * Buffers kept for reuse. Each video track's retransmission cache holds up to
     * {@link ForwardingConfig#cacheSize()} buffers for its lifetime, so the pool keeps enough to
     * take back a few rooms' worth when they close.
     */
    public static final int MAX_POOLED = 8192;

    /** With its own (not started) pacer thread on {@code nanoClock}. */
    public ForwardingContext(BufferPool pool, ForwardingConfig config, LongSupplier nanoClock,
                             CongestionControlConfig congestionControl) {
        this(pool, config, nanoClock, congestionControl, new PacerThread(nanoClock));
    }

    /** With the default congestion control. */
    public ForwardingContext(BufferPool pool, ForwardingConfig config, LongSupplier nanoClock) {
        this(pool, config, nanoClock, CongestionControlConfig.defaults());
    }

    /** A pool of {@link RtpPacket#BUFFER_SIZE} buffers for {@link ForwardingContext}s. */
    public static BufferPool newPool() {
        return new BufferPool(RtpPacket.BUFFER_SIZE, MAX_POOLED);
    }

    public static ForwardingContext defaults() {
        return new ForwardingContext(newPool(), ForwardingConfig.defaults(), System::nanoTime);
    }

    /** The defaults with another congestion control configuration. */
    public static ForwardingContext defaults(CongestionControlConfig congestionControl) {
        return new ForwardingContext(newPool(), ForwardingConfig.defaults(), System::nanoTime, congestionControl);
    }
}
