package dev.sfu.core.forward;

/**
 * Tunables of the bandwidth allocation per subscriber ({@link BandwidthAllocator}): how much
 * headroom, for how long, before it forwards more, and how often it may change a subscriber's
 * layers.
 *
 * @param upgradeMargin        an upgrade needs the estimate to exceed the upgraded allocation by
 *                             this fraction (0.1: libwebrtc's {@code kToggleFactor} in
 *                             call/bitrate_allocator.cc, which asks 10 % more to resume a paused
 *                             stream)
 * @param upgradeMarginMinBps  ... and by at least this many bits/s (libwebrtc's
 *                             {@code kMinToggleBitrateBps}, 20 kbit/s, same file)
 * @param upgradeHoldNanos     the estimate must cover the upgrade with that margin continuously
 *                             for this long (2.5 s: long enough for an estimate that overshoots
 *                             and backs off within one AIMD cycle not to flap the layers; our
 *                             choice, within the 2-3 s of issue 13)
 * @param maxSwitchesPerMinute upgrades wait while the subscriber's videos changed layer this
 *                             many times in the last minute; downgrades never wait
 */
public record AllocationConfig(double upgradeMargin, long upgradeMarginMinBps, long upgradeHoldNanos,
                               int maxSwitchesPerMinute) {
    public AllocationConfig {
        if (upgradeMargin < 0 || upgradeMarginMinBps < 0 || upgradeHoldNanos < 0 || maxSwitchesPerMinute < 1) {
            throw new IllegalArgumentException("negative allocation tunable");
        }
    }

    public static AllocationConfig defaults() {
        return new AllocationConfig(0.10, 20_000L, 2_500_000_000L, 20);
    }
}
