package dev.sfu.bench.loadtest;

import java.util.ArrayList;
import java.util.List;

/**
 * Sums the simulcast figures of a run (with {@code --simulcast} or {@code --subscribe-layer}):
 * bytes sent per layer by the publishers, and, from every receiver's {@link LayerTracker}s,
 * bytes and time received per layer and layer switches. {@link #counters()} is taken when the
 * measured window opens and closes; {@link #report} turns their difference into rates. Message
 * counts (videoTiles, remoteVideo, layersNeeded) cover the whole run. Used by the run's thread.
 */
final class LayerAggregator {
    private static final int BUCKETS = LayerTracker.UNKNOWN + 1;

    private final List<SyntheticParticipant> participants;
    private final StreamIds ids;

    /** Cumulative counters at one instant; arrays by layer ordinal ({@link LayerTracker#UNKNOWN} last). */
    record Counters(long[] sentBytes, long[] receivedBytes, long[] receivedNanos, long switches,
                    long switchesNotAtKeyframe) {
        Counters minus(Counters o) {
            return new Counters(minus(sentBytes, o.sentBytes), minus(receivedBytes, o.receivedBytes),
                    minus(receivedNanos, o.receivedNanos), switches - o.switches,
                    switchesNotAtKeyframe - o.switchesNotAtKeyframe);
        }

        private static long[] minus(long[] a, long[] b) {
            long[] out = new long[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i] - b[i];
            }
            return out;
        }
    }

    LayerAggregator(List<SyntheticParticipant> participants, StreamIds ids) {
        this.participants = participants;
        this.ids = ids;
    }

    Counters counters() {
        long[] sent = new long[BUCKETS];
        long[] bytes = new long[BUCKETS];
        long[] nanos = new long[BUCKETS];
        long switches = 0;
        long notAtKey = 0;
        for (SyntheticParticipant p : participants) {
            SimulcastPublisher sp = p.simulcast();
            if (sp != null) {
                for (VideoSender v : sp.senders()) {
                    SimulcastLayer l = ids.layerOf(v.info().streamId());
                    if (l != null) {
                        sent[l.ordinal()] += v.bytesSent();
                    }
                }
            }
            for (LayerTracker t : trackers(p.receiver())) {
                for (int b = 0; b < BUCKETS; b++) {
                    bytes[b] += t.bytes(b);
                    nanos[b] += t.nanos(b);
                }
                switches += t.switches();
                notAtKey += t.switchesNotAtKeyframe();
            }
        }
        return new Counters(sent, bytes, nanos, switches, notAtKey);
    }

    /** The report over a window of {@code seconds} whose counters are {@code window}. */
    RunReport.Simulcast report(Counters window, double seconds, SimulcastLayer subscribeLayer) {
        int offering = 0;
        int accepted = 0;
        int fellBack = 0;
        long tiles = 0;
        long remoteVideo = 0;
        long paused = 0;
        long layersNeeded = 0;
        long stops = 0;
        long resumes = 0;
        int[] atEnd = new int[BUCKETS];
        for (SyntheticParticipant p : participants) {
            if (p.simulcastOffered()) {
                offering++;
                if (p.simulcast() != null) {
                    accepted++;
                } else if (p.video() != null) {
                    fellBack++;
                }
            }
            SimulcastPublisher sp = p.simulcast();
            if (sp != null) {
                layersNeeded += sp.layersNeededMessages();
                for (VideoSender v : sp.senders()) {
                    stops += v.stops();
                    resumes += v.resumes();
                }
            }
            tiles += p.remoteVideo().tilesSent();
            remoteVideo += p.remoteVideo().messages();
            paused += p.remoteVideo().pausedMessages();
            for (LayerTracker t : trackers(p.receiver())) {
                SimulcastLayer l = t.layer();
                atEnd[l == null ? LayerTracker.UNKNOWN : l.ordinal()]++;
            }
        }
        double s = Math.max(seconds, 1e-9);
        List<RunReport.Layer> layers = new ArrayList<>();
        for (int b = 0; b < BUCKETS; b++) {
            String rid = b < LayerTracker.UNKNOWN ? SimulcastLayer.values()[b].rid() : "unknown";
            long bytes = window.receivedBytes()[b];
            long nanos = window.receivedNanos()[b];
            layers.add(new RunReport.Layer(rid, window.sentBytes()[b] * 8 / s / 1e6, bytes * 8 / s / 1e6,
                    nanos > 0 ? bytes * 8 / (nanos / 1e9) / 1e3 : 0, nanos / 1e9, atEnd[b]));
        }
        return new RunReport.Simulcast(offering, accepted, fellBack,
                subscribeLayer == null ? null : subscribeLayer.rid(), tiles, layers, window.switches(),
                window.switchesNotAtKeyframe(), remoteVideo, paused, layersNeeded, stops, resumes);
    }

    /** The receiver's layer trackers, one per remote video track it got. */
    private List<LayerTracker> trackers(MediaReceiver r) {
        List<LayerTracker> out = new ArrayList<>();
        for (int id = 0; id < r.streamCapacity(); id++) {
            if (ids.isVideo(id) && ids.trackOf(id) == id) {
                LayerTracker t = r.layerTracker(id);
                if (t != null) {
                    out.add(t);
                }
            }
        }
        return out;
    }
}
