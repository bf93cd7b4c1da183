package dev.sfu.core.cc;

/**
 * Tunables of per-subscriber congestion control (issue 13).
 *
 * @param enabled            estimate subscribers' downlinks and allocate to fit (false: forward
 *                           what the tile needs, as before)
 * @param initialBitrateBps  the estimate before any feedback
 * @param minBitrateBps      the estimate never goes below this
 * @param maxBitrateBps      the estimate never goes above this
 */
public record CongestionControlConfig(boolean enabled, long initialBitrateBps, long minBitrateBps,
                                      long maxBitrateBps) {
    public static CongestionControlConfig defaults() {
        return new CongestionControlConfig(true, 1_000_000L, 100_000L, 20_000_000L);
    }
}
