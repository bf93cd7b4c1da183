package dev.sfu.core.forward;

import java.util.ArrayList;
import java.util.List;

/**
 * The quality steps of one video for one subscriber, cheapest first, each with its price: the
 * lowest spatial layer with each VP8 temporal layer limit (0, 0-1, all), then each larger
 * spatial layer up to the tile's ceiling with all its temporal layers (frame rate before
 * size, see {@link #build}). The bandwidth allocation climbs it one step at a time.
 *
 * <p>Prices are measured ({@link LayerBitrate}). A layer that does not arrive yet (dynacast
 * turned it off, or it just started) is priced from a measured layer of the same track, scaled
 * by libwebrtc's simulcast target bitrates for the two resolutions
 * ({@code kSimulcastFormats} in webrtc video/config/simulcast.cc: 320x180 150 kbit/s, 480x270
 * 350, 640x360 500, 960x540 1200, 1280x720 2500, 1920x1080 4000), or from that table alone when
 * no layer is measured. A layer of a track relayed from another node is priced, until measured
 * here, at the bitrate that node measured ({@link SimulcastLayer#originBps}). Its temporal split is then libwebrtc's VP8 allocation for the number of
 * temporal layers the track's measured layers show ({@code kLayerRateAllocation} in
 * modules/video_coding/utility/simulcast_rate_allocator.cc: cumulative 40/60/100 % for three
 * layers, 60/100 % for two); a measured layer uses its own split per TID.
 */
final class StepLadder {
    /** Cumulative share of the bitrate in temporal layers 0..i, for 1 to 4 layers (libwebrtc kLayerRateAllocation). */
    static final double[][] LIBWEBRTC_TEMPORAL_SHARE = {{1.0}, {0.6, 1.0}, {0.4, 0.6, 1.0}, {0.25, 0.4, 0.6, 1.0}};
    private static final double[] TABLE_PIXELS = {0, 320 * 180, 480 * 270, 640 * 360, 960 * 540, 1280 * 720, 1920 * 1080};
    private static final double[] TABLE_BPS = {150e3, 150e3, 350e3, 500e3, 1200e3, 2500e3, 4000e3};
    /**
     * A measured layer is priced at most this multiple of libwebrtc's target for its resolution
     * (libwebrtc's own maximum for a simulcast layer is 1.3-1.75 times its target), so a key
     * frame's burst does not make it look unaffordable.
     */
    static final double KEYFRAME_CAP = 1.5;
    /** The picture rewriter limits TIDs 0..2 and otherwise forwards all (see {@link Vp8PictureRewriter}). */
    private static final int MAX_TEMPORAL_STEPS = 3;

    final int[] layer;
    final int[] temporal;
    final double[] bps;
    private final double[] key;
    final int size;
    /** True when no layer of the track is measured here or by its origin node: every price is the size table's guess. */
    final boolean guessed;

    private StepLadder(List<double[]> steps, boolean guessed) {
        this.guessed = guessed;
        size = steps.size();
        layer = new int[size];
        temporal = new int[size];
        bps = new double[size];
        key = new double[size];
        for (int i = 0; i < size; i++) {
            double[] s = steps.get(i);
            layer[i] = (int) s[0];
            temporal[i] = (int) s[1];
            bps[i] = s[2];
            key[i] = s[3];
        }
    }

    /** The steps of {@code u} up to layer {@code ceiling}, with layer widths {@code w} and heights {@code h}. */
    static StepLadder build(UpTrack u, int ceiling, double[] w, double[] h) {
        int n = u.layerCount();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> a.equals(b) ? 0 : w[a] != w[b] ? Double.compare(w[a], w[b]) : Integer.compare(a, b));
        int measuredTemporal = 0;
        boolean guessed = true;
        for (int i = 0; i < n; i++) {
            LayerBitrate r = u.layer(i).bitrate;
            if (r.measured()) {
                measuredTemporal = Math.max(measuredTemporal, r.temporalLayers());
            }
            guessed &= !r.measured() && u.layer(i).originBps <= 0;
        }
        List<double[]> steps = new ArrayList<>();
        boolean lowest = true;
        for (int s : order) {
            if (s != ceiling && w[s] >= w[ceiling]) {
                continue;
            }
            LayerBitrate r = u.layer(s).bitrate;
            double full = layerBps(u, s, w, h);
            // Frame rate before size: only the lowest spatial layer offers reduced temporal
            // steps. A larger picture at a quarter of the frame rate (T0 of three layers) costs
            // about what the smaller one costs at full rate, and a 5 fps video looks broken
            // while a smaller one looks soft (measured in the 800 kbit/s browser test: h at T0
            // decoded at 8 fps where q at full rate decodes at 20).
            // A layer that just started may not show its temporal layers yet: the track's other
            // layers tell its structure (the encoder uses one for all).
            int ownTemporal = r.measured() ? r.temporalLayers() : 0;
            int temporalLayers = !lowest ? 1 : Math.min(MAX_TEMPORAL_STEPS, Math.max(ownTemporal, measuredTemporal));
            lowest = false;
            for (int t = 0; t < temporalLayers - 1; t++) {
                double share = ownTemporal >= temporalLayers ? r.temporalShare(t) : LIBWEBRTC_TEMPORAL_SHARE[temporalLayers - 1][t];
                steps.add(new double[] {s, t, full * share, key(w[s], t)});
            }
            steps.add(new double[] {s, VideoAllocation.ALL_TEMPORAL, full, key(w[s], VideoAllocation.ALL_TEMPORAL)});
        }
        return new StepLadder(steps, guessed);
    }

    private static double key(double width, int temporal) {
        return width * 16 + (temporal == VideoAllocation.ALL_TEMPORAL ? 15 : temporal);
    }

    /** The measured bitrate of layer {@code s}, or its estimate (see the class comment). */
    static double layerBps(UpTrack u, int s, double[] w, double[] h) {
        LayerBitrate r = u.layer(s).bitrate;
        double table = tableBps(w[s] * h[s]);
        if (r.measured()) {
            // A layer that just started (dynacast turned it on, a subscriber's PLI) measures its
            // key frame: several times its steady rate for a second. Priced at that, the lowest
            // layer would not fit, be paused, turned off and priced low again: a loop.
            return Math.min(r.bps(), KEYFRAME_CAP * table);
        }
        long origin = u.layer(s).originBps;
        if (origin > 0) {
            // Relayed from another node, which measured it: its price there, until measured here.
            return Math.min(origin, KEYFRAME_CAP * table);
        }
        for (int m = u.layerCount() - 1; m >= 0; m--) {
            LayerBitrate mr = u.layer(m).bitrate;
            if (mr.measured() && mr.bps() > 0) {
                return mr.bps() * table / tableBps(w[m] * h[m]);
            }
        }
        return table;
    }

    /** libwebrtc's simulcast target bitrate for a picture of {@code pixels}, linear between rows. */
    static double tableBps(double pixels) {
        int last = TABLE_PIXELS.length - 1;
        if (pixels >= TABLE_PIXELS[last]) {
            return TABLE_BPS[last] * pixels / TABLE_PIXELS[last];
        }
        for (int i = 1; i <= last; i++) {
            if (pixels <= TABLE_PIXELS[i]) {
                double f = (pixels - TABLE_PIXELS[i - 1]) / (TABLE_PIXELS[i] - TABLE_PIXELS[i - 1]);
                return TABLE_BPS[i - 1] + f * (TABLE_BPS[i] - TABLE_BPS[i - 1]);
            }
        }
        return TABLE_BPS[last];
    }

    /** The price of step {@code i}; 0 for -1 (paused). */
    double cost(int i) {
        return i < 0 ? 0 : bps[i];
    }

    /** The top step (what the tile needs): -1 when there are no steps. */
    int top() {
        return size - 1;
    }

    /** The last step on the lowest spatial layer (its full frame rate); -1 for an empty ladder. */
    int lowestLayerTop() {
        int i = 0;
        while (i + 1 < size && layer[i + 1] == layer[0]) {
            i++;
        }
        return size == 0 ? -1 : i;
    }

    /**
     * The highest step at or below ({@code layerIndex}, {@code temporalLimit}) of a layer of
     * width {@code width}: the step a video keeps when the ladder changed (smaller tile, new
     * temporal structure); -1 when below the first.
     */
    int indexOf(double width, int temporalLimit) {
        double k = key(width, temporalLimit);
        int best = -1;
        for (int i = 0; i < size; i++) {
            if (key[i] <= k) {
                best = i;
            }
        }
        return best;
    }
}
