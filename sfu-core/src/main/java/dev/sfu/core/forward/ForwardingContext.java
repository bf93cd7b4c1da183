package dev.sfu.core.forward;

import java.util.function.LongSupplier;

/**
 * What every endpoint of a server shares: the buffer pool, the tunables and the clock
 * (monotonic nanoseconds; tests pass a fake one).
 */
public record ForwardingContext(PacketPool pool, ForwardingConfig config, LongSupplier nanoClock) {
    public static ForwardingContext defaults() {
        return new ForwardingContext(new PacketPool(), ForwardingConfig.defaults(), System::nanoTime);
    }
}
