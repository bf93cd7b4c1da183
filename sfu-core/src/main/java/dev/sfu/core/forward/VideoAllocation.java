package dev.sfu.core.forward;

/**
 * What the allocation decided for one subscriber's video ({@link DownTrack}), between its two
 * passes: the per-track pass ({@link LayerAllocator#decide}) fills the pause reason, the ideal
 * layer and the ceiling (the ideal layer, or the live layer standing in for it); the
 * per-subscriber pass ({@link BandwidthAllocator}) chooses the layer and temporal layer under
 * that ceiling that the subscriber's downlink carries; {@link LayerAllocator#apply} hands them
 * to the DownTrack. Room scheduler thread only.
 */
final class VideoAllocation {
    /** {@link #temporal} value: every temporal layer. */
    static final int ALL_TEMPORAL = -1;

    /** Why the per-track pass paused the video (hidden, lastN), or null. */
    String reason;
    /** The layer that covers the tile (dynacast keeps it on). */
    int ideal = -1;
    /** The highest layer this subscriber may get: the ideal one, or the live one standing in. */
    int ceiling;
    /** The tile's area in pixels (the ceiling layer's when the subscriber gave no size): priority. */
    double area;
    /** The layer to forward, or {@link LayerSelector#PAUSED} (with {@link LayerAllocator#BANDWIDTH}). */
    int layer = LayerSelector.PAUSED;
    /** The highest temporal layer to forward, or {@link #ALL_TEMPORAL}. */
    int temporal = ALL_TEMPORAL;
    /** The paused-for-bandwidth flag of {@link #layer}. */
    boolean bandwidthPaused;
    /**
     * True until the bandwidth pass placed the video (new, back from hidden/lastN, or its tile
     * needs another layer): placed at once at what the estimate allows, without the upgrade hold.
     */
    boolean fresh = true;
    /**
     * Paused for bandwidth while the video's price was a guess (no layer of it measured, on this
     * node or, relayed, on its origin): placed afresh once it is measured, not held back by the
     * upgrade hold, since the estimate did not change, only what the video was known to cost.
     */
    boolean pausedOnGuess;
    /** The temporal limit last given to the DownTrack. */
    int appliedTemporal = ALL_TEMPORAL;
}
