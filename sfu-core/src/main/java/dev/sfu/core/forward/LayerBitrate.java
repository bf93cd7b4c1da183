package dev.sfu.core.forward;

/**
 * The measured bitrate of one {@link SimulcastLayer}, and how it splits over the VP8 temporal
 * layers, so that the bandwidth allocation ({@link BandwidthAllocator}) prices a layer step by
 * what the publisher really sends rather than by a table.
 *
 * <p>The publisher's executor only adds to byte counters ({@link SimulcastLayer#bytesReceived},
 * {@link SimulcastLayer#temporalBytes}); the room scheduler samples them here, at most every
 * {@link #MIN_SAMPLE_NANOS}, into exponentially smoothed rates with a time constant of
 * {@link #TIME_CONSTANT_NANOS}: long enough to smooth a keyframe burst over several frames,
 * short enough to follow a publisher whose encoder backs off; a key frame's burst counts at
 * most {@link #MAX_SAMPLE_RATIO} x the rate. A layer that stops arriving forgets
 * its rate, so its cost is estimated again until it has been sampled for
 * {@link #MEASURED_AFTER_NANOS}. Scheduler thread only.
 */
final class LayerBitrate {
    static final long TIME_CONSTANT_NANOS = 1_000_000_000L;
    static final long MIN_SAMPLE_NANOS = 100_000_000L;
    static final long MEASURED_AFTER_NANOS = 500_000_000L;
    /**
     * Once measured, a sample taken while a key frame arrives counts at most this times the
     * smoothed rate. A key frame lands in one or two samples at several times the layer's rate,
     * and the key frame that a layer switch asks for is one the switch itself caused: counted
     * whole, it raised the price of the layer just switched to by 40 % for a second, and the
     * allocation undid the switch (seen behind a lifted 800 kbit/s limit: two 720p videos' key
     * frames took the price of both high layers from 1.56 to 2.2 Mbit/s within 0.4 s of the
     * upgrade, over an estimate of 1.6 Mbit/s). Only then: a first version clipped every sample,
     * so a layer whose rate was once measured at 0 stayed priced at 0 and was forwarded to
     * subscribers whose estimate could not carry it (load test: 55 % loss at the caps).
     */
    static final double MAX_SAMPLE_RATIO = 2.0;
    /** A sample is part of a key frame's burst when the key frame started less than this before it began. */
    static final long KEYFRAME_BURST_NANOS = 250_000_000L;
    /** VP8 carries a 2-bit TID (RFC 7741 section 4.2). */
    static final int MAX_TEMPORAL_LAYERS = 4;
    /** A temporal layer counts as sent while it carries at least this share of the layer's bytes. */
    private static final double TEMPORAL_PRESENT_SHARE = 0.01;

    private long lastNanos;
    private boolean started;
    private long lastBytes;
    private final long[] lastTemporalBytes = new long[MAX_TEMPORAL_LAYERS];
    private double bps;
    private final double[] temporalBps = new double[MAX_TEMPORAL_LAYERS];
    private long sampledNanos;

    /** Takes a sample of {@code l}'s counters (scheduler thread). */
    void sample(SimulcastLayer l, long now) {
        sample(l.isLive(now), l.bytesReceived, l.temporalBytes, l.lastKeyframeNanos, now);
    }

    /**
     * Takes a sample of a layer's counters: whether it is live, its bytes received, its bytes by
     * temporal layer id, and when its last key frame started (0: none yet). A sample taken during
     * a key frame's burst ({@link #KEYFRAME_BURST_NANOS}) counts at most
     * {@link #MAX_SAMPLE_RATIO} x the rate once that is {@link #measured} (see there).
     */
    void sample(boolean live, long bytes, long[] temporalBytes, long lastKeyframeNanos, long now) {
        if (!live) {
            started = false;
            sampledNanos = 0;
            bps = 0;
            java.util.Arrays.fill(temporalBps, 0);
            return;
        }
        if (!started) {
            started = true;
            lastNanos = now;
            lastBytes = bytes;
            for (int i = 0; i < MAX_TEMPORAL_LAYERS; i++) {
                lastTemporalBytes[i] = temporalBytes[i];
            }
            return;
        }
        long dt = now - lastNanos;
        if (dt < MIN_SAMPLE_NANOS) {
            return;
        }
        double alpha = sampledNanos == 0 ? 1.0 : 1.0 - Math.exp(-(double) dt / TIME_CONSTANT_NANOS);
        double sampleBps = (bytes - lastBytes) * 8e9 / dt;
        // A key frame's burst counts at most MAX_SAMPLE_RATIO x the rate; its temporal split is
        // scaled alike. Any other sample counts whole: a price too low is the worse error.
        boolean keyframeBurst = lastKeyframeNanos != 0 && lastKeyframeNanos - (lastNanos - KEYFRAME_BURST_NANOS) > 0;
        double scale = keyframeBurst && measured() && bps > 0 && sampleBps > MAX_SAMPLE_RATIO * bps
                ? MAX_SAMPLE_RATIO * bps / sampleBps : 1.0;
        bps += alpha * (scale * sampleBps - bps);
        lastBytes = bytes;
        for (int i = 0; i < MAX_TEMPORAL_LAYERS; i++) {
            long t = temporalBytes[i];
            temporalBps[i] += alpha * (scale * (t - lastTemporalBytes[i]) * 8e9 / dt - temporalBps[i]);
            lastTemporalBytes[i] = t;
        }
        lastNanos = now;
        sampledNanos += dt;
    }

    /** True once the layer arrived long enough for its rate to mean something. */
    boolean measured() {
        return sampledNanos >= MEASURED_AFTER_NANOS;
    }

    /** The smoothed bitrate, bits/s, RTP headers and retransmissions included. */
    double bps() {
        return bps;
    }

    /**
     * How many temporal layers the publisher sends on this layer (1 + the highest TID carrying
     * a real share of the bytes); 0 when its packets carry no TID (no temporal scalability, or
     * not VP8).
     */
    int temporalLayers() {
        double sum = 0;
        for (double t : temporalBps) {
            sum += t;
        }
        if (sum <= 0) {
            return 0;
        }
        for (int i = MAX_TEMPORAL_LAYERS - 1; i >= 0; i--) {
            if (temporalBps[i] >= TEMPORAL_PRESENT_SHARE * sum) {
                return i + 1;
            }
        }
        return 0;
    }

    /** The share of the layer's bitrate in temporal layers 0 to {@code tid}, measured; 0 to 1. */
    double temporalShare(int tid) {
        double sum = 0;
        double upTo = 0;
        for (int i = 0; i < MAX_TEMPORAL_LAYERS; i++) {
            sum += temporalBps[i];
            if (i <= tid) {
                upTo += temporalBps[i];
            }
        }
        return sum <= 0 ? 1.0 : upTo / sum;
    }
}
