package dev.sfu.core.forward;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * Chooses, for every subscriber of a video track, which simulcast layer it may receive at most
 * (the ceiling the bandwidth allocation, {@link BandwidthAllocator}, then works under), and
 * which layers the publisher must send at all (dynacast):
 * <ul>
 *   <li>a tile that is not visible pauses the video ({@code hidden}); a publisher outside the
 *       subscriber's last-N speakers pauses it too ({@code lastN});</li>
 *   <li>otherwise the <em>ideal</em> layer is the smallest whose width covers the tile's width
 *       or whose height covers its height (both scaled by {@code tileSizeFactor}); the largest
 *       when none does or the subscriber gave no size;</li>
 *   <li>the layer forwarded is the ideal one when it arrives, else the largest arriving layer
 *       below it, else the smallest arriving above it (a browser that is short of uplink, or a
 *       layer dynacast just turned back on);</li>
 *   <li>the publisher is asked to send the union of the ideal layers (at least the smallest).</li>
 * </ul>
 * Layer sizes come from each layer's keyframes; a layer not measured yet is estimated from a
 * measured one (each rid step doubles the size, the page's 4/2/1 scaling) or, with none
 * measured, as 1280x720 for the last rid and halving down.
 *
 * <p>Runs on one thread (the room scheduler); DownTracks take the targets through volatile
 * fields and switch at the next keyframe.
 */
public final class LayerAllocator {
    /** Why a video is paused, as the page shows it. */
    public static final String HIDDEN = "hidden";
    public static final String LAST_N = "lastN";
    /** Even the video's lowest layer does not fit the subscriber's downlink ({@link BandwidthAllocator}). */
    public static final String BANDWIDTH = "bandwidth";

    private final double tileSizeFactor;
    private final boolean dynacast;

    /**
     * @param tileSizeFactor multiplies the tile size before choosing (below 1 allows a layer a
     *                       little smaller than the tile)
     * @param dynacast       whether to tell publishers which layers to send
     */
    public LayerAllocator(double tileSizeFactor, boolean dynacast) {
        this.tileSizeFactor = tileSizeFactor;
        this.dynacast = dynacast;
    }

    /** What the allocation decided that signaling must tell someone. */
    public interface Listener {
        /** The subscriber's video {@code d} was paused or resumed, or changed layer. */
        void videoStateChanged(DownTrack d, boolean paused, String reason, String rid);

        /** Dynacast: the publisher of {@code u} should send exactly these rids. */
        void layersNeeded(UpTrack u, List<String> rids);
    }

    /**
     * Allocates one video track with no bandwidth limit: {@link #decide}, every subscriber at
     * its ceiling with all temporal layers, {@link #apply}.
     *
     * @param forwarded whether the publisher's video goes to a subscriber now (last-N):
     *                  (publisherId, subscriberId) -> true to forward
     */
    public void allocate(UpTrack u, BiPredicate<String, String> forwarded, long now, Listener listener) {
        if (!u.video) {
            return;
        }
        if (decide(u, forwarded, now)) {
            describeMeasured(u);
        }
        for (DownTrack d : u.downTrackArray()) {
            VideoAllocation a = d.allocation;
            if (a.reason == null) {
                a.layer = a.ceiling;
                a.temporal = VideoAllocation.ALL_TEMPORAL;
            }
        }
        apply(u, listener);
    }

    /**
     * A layer of {@code u} was measured for the first time ({@link #decide} returned true): the
     * far nodes of its relays price it from this node's measurement until they have measured it
     * themselves, so the track is described to them again. Call it without the room's lock held:
     * a relay describes under its own lock, and a relay holding that lock may run an allocation,
     * which takes the room's lock (RoomScheduler#requestAllocation when the scheduler is not
     * started), so calling it under the room's lock could deadlock.
     */
    public static void describeMeasured(UpTrack u) {
        if (!u.video) {
            return;
        }
        for (RelayEgress r : u.relayArray()) {
            r.layerMeasured(u);
        }
    }

    /**
     * The per-track pass: samples the track's layer bitrates, then for every subscriber of a
     * video track its pause reason (hidden, lastN), its ideal layer and its ceiling (the ideal
     * layer when it arrives, else the live layer standing in for it). Nothing is applied yet:
     * the bandwidth allocation ({@link BandwidthAllocator}) places each video under its
     * ceiling, then {@link #apply}.
     *
     * @return true when a layer of the video was measured for the first time: the caller then
     *         calls {@link #describeMeasured}, after releasing the room's lock
     */
    public boolean decide(UpTrack u, BiPredicate<String, String> forwarded, long now) {
        boolean firstMeasured = false;
        for (int i = 0; i < u.layerCount(); i++) {
            SimulcastLayer l = u.layer(i);
            l.bitrate.sample(l, now);
            l.measuredBps = l.bitrate.measured() ? Math.round(l.bitrate.bps()) : 0;
            if (l.measuredBps > 0 && !l.measurementDescribed) {
                l.measurementDescribed = true;
                firstMeasured = true;
            }
        }
        if (!u.video) {
            return false;
        }
        int n = u.layerCount();
        double[] w = new double[n];
        double[] h = new double[n];
        estimateSizes(u, w, h);
        for (DownTrack d : u.downTrackArray()) {
            VideoConstraints c = d.constraints();
            String reason = null;
            if (c != null && !c.visible()) {
                reason = HIDDEN;
            } else if (!forwarded.test(u.publisher.id, d.subscriber().id)) {
                reason = LAST_N;
            }
            VideoAllocation a = d.allocation;
            a.reason = reason;
            if (reason != null) {
                continue;
            }
            int ideal = ideal(w, h, c);
            if (ideal != a.ideal) {
                // The tile changed: place the video afresh rather than wait out the upgrade hold.
                a.fresh = true;
                a.ideal = ideal;
            }
            a.ceiling = available(u, a.ideal, w, now);
            a.area = c != null && c.width() > 0 && c.height() > 0
                    ? (double) c.width() * c.height() : w[a.ceiling] * h[a.ceiling];
        }
        return firstMeasured;
    }

    /**
     * Hands each subscriber's decision to its DownTrack (target layer, temporal limit, pause
     * reason), tells the listener what changed, and, with dynacast, asks the publisher for the
     * layers someone needs: every ideal layer (so an upgrade finds it arriving) and every layer
     * the bandwidth allocation chose below it.
     */
    public void apply(UpTrack u, Listener listener) {
        if (!u.video) {
            return;
        }
        int n = u.layerCount();
        int needed = 0;
        boolean bandwidthPaused = false;
        for (DownTrack d : u.downTrackArray()) {
            VideoAllocation a = d.allocation;
            d.pauseReason = a.reason;
            if (a.reason != null) {
                bandwidthPaused |= BANDWIDTH.equals(a.reason);
                d.setTargetLayer(LayerSelector.PAUSED);
                announce(d, LayerSelector.PAUSED, a.reason, listener);
                continue;
            }
            needed |= 1 << a.ideal;
            if (a.layer != a.ceiling) {
                needed |= 1 << a.layer;
            }
            if (a.temporal != a.appliedTemporal) {
                d.setMaxTemporalLayer(a.temporal);
                a.appliedTemporal = a.temporal;
            }
            d.setTargetLayer(a.layer);
            announce(d, a.layer, null, listener);
        }
        if (u.relayArray().length > 0) {
            // What the relays' far nodes need too (every layer until they say, docs/architecture.md
            // "Relays"): their subscribers choose among what crosses.
            needed |= u.relayLayersNeeded() & ((1 << n) - 1);
        }
        if (dynacast && u.isSimulcast()) {
            if (needed == 0 || bandwidthPaused) {
                // A video paused for bandwidth comes back on the smallest layer: keep it
                // flowing, or the resume waits for the publisher to restart that encoding (a
                // signaling round trip and a key frame) and the price of the layer is a guess.
                double[] w = new double[n];
                estimateSizes(u, w, new double[n]);
                needed |= 1 << smallest(w);
            }
            if (needed != u.announcedLayers) {
                u.announcedLayers = needed;
                List<String> rids = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if ((needed & 1 << i) != 0) {
                        rids.add(u.layer(i).rid);
                    }
                }
                listener.layersNeeded(u, rids);
            }
        }
    }

    /** Tells the listener when the target ({@link LayerSelector#PAUSED} with its reason) changed. */
    private static void announce(DownTrack d, int target, String reason, Listener listener) {
        if (target == d.announcedTarget && reason == d.announcedReason) {
            return;
        }
        d.announcedTarget = target;
        d.announcedReason = reason;
        boolean paused = target == LayerSelector.PAUSED;
        UpTrack u = d.source();
        listener.videoStateChanged(d, paused, reason, paused || !u.isSimulcast() ? null : u.layer(target).rid);
    }

    /** Fills each layer's width and height: measured, else estimated (see the class comment). */
    static void estimateSizes(UpTrack u, double[] w, double[] h) {
        int n = u.layerCount();
        int known = -1;
        for (int i = n - 1; i >= 0; i--) {
            if (u.layer(i).width > 0 && u.layer(i).height > 0) {
                known = i;
                break;
            }
        }
        double kw = known >= 0 ? u.layer(known).width : 1280;
        double kh = known >= 0 ? u.layer(known).height : 720;
        int at = known >= 0 ? known : n - 1;
        for (int i = 0; i < n; i++) {
            SimulcastLayer l = u.layer(i);
            if (l.width > 0 && l.height > 0) {
                w[i] = l.width;
                h[i] = l.height;
            } else {
                w[i] = kw * Math.pow(2, i - at);
                h[i] = kh * Math.pow(2, i - at);
            }
        }
        // A layer that stopped (dynacast turned it off) keeps the size of its last key frame,
        // which may be from a moment the browser scaled it down (a low uplink estimate at the
        // start of a call): seen in Chromium, an f layer last seen at 640x360 like h, so f was
        // never chosen again and never turned back on. A stopped layer no larger than the one
        // below it is taken as twice that one, the page's scaling.
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            newest = Math.max(newest, u.layer(i).lastPacketNanos);
        }
        for (int i = 1; i < n; i++) {
            boolean stopped = newest - u.layer(i).lastPacketNanos >= SimulcastLayer.LIVE_NANOS;
            if (stopped && w[i] <= w[i - 1]) {
                w[i] = 2 * w[i - 1];
                h[i] = 2 * h[i - 1];
            }
        }
    }

    /** The smallest layer covering the tile in width or height; the largest when none does. */
    int ideal(double[] w, double[] h, VideoConstraints c) {
        int largest = largest(w);
        if (c == null || (c.width() <= 0 && c.height() <= 0)) {
            return largest;
        }
        double tw = c.width() * tileSizeFactor;
        double th = c.height() * tileSizeFactor;
        int best = -1;
        for (int i = 0; i < w.length; i++) {
            boolean fits = (c.width() > 0 && w[i] >= tw) || (c.height() > 0 && h[i] >= th);
            if (fits && (best < 0 || w[i] < w[best])) {
                best = i;
            }
        }
        return best >= 0 ? best : largest;
    }

    /** The ideal layer if it arrives; else the largest arriving below it; else the smallest above. */
    static int available(UpTrack u, int ideal, double[] w, long now) {
        if (u.layerCount() == 1 || u.layer(ideal).isLive(now)) {
            return ideal;
        }
        int below = -1;
        int above = -1;
        for (int i = 0; i < w.length; i++) {
            if (i == ideal || !u.layer(i).isLive(now)) {
                continue;
            }
            if (w[i] <= w[ideal] && (below < 0 || w[i] > w[below])) {
                below = i;
            }
            if (w[i] > w[ideal] && (above < 0 || w[i] < w[above])) {
                above = i;
            }
        }
        return below >= 0 ? below : above >= 0 ? above : ideal;
    }

    private static int largest(double[] w) {
        int best = 0;
        for (int i = 1; i < w.length; i++) {
            if (w[i] > w[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int smallest(double[] w) {
        int best = 0;
        for (int i = 1; i < w.length; i++) {
            if (w[i] < w[best]) {
                best = i;
            }
        }
        return best;
    }
}
