package dev.sfu.bench.loadtest;

import org.HdrHistogram.Histogram;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Sums what the participants measured: per room, per node (the server a participant joined, with
 * several {@code --server}s) and in total, cumulative counters and latency
 * histograms (each participant's interval histogram is drained once per tick into its room's,
 * the total, and the tick's own), so the progress line and the final tables read the same
 * numbers. Used by one thread (the run's).
 *
 * <p>A simulcast track reaches a receiver as one of its layers at a time, each layer a stream
 * of its own: the track is never received only when none of its layers was, and the packets a
 * layer sent after the receiver's last one count as still undelivered only for the layer the
 * receiver is on (and not while the server says it pauses that video).
 */
public final class RunAggregator {
    private final List<SyntheticParticipant> participants;
    private final StreamIds ids;
    private final SimulcastLayer subscribeLayer;
    private final int rooms;
    private final Histogram[] roomLatency;
    private final Histogram totalLatency;
    private final Histogram tickLatency;
    /** Latency per node a participant joined, created as nodes appear. */
    private final Map<URI, Histogram> nodeLatency = new LinkedHashMap<>();

    /** Counters at one instant, for rates over a window. */
    public record Counters(long packetsOut, long bytesOut, long packetsIn, long bytesIn, long expected, long lost) {
        Counters minus(Counters o) {
            return new Counters(packetsOut - o.packetsOut, bytesOut - o.bytesOut, packetsIn - o.packetsIn,
                    bytesIn - o.bytesIn, expected - o.expected, lost - o.lost);
        }
    }

    public RunAggregator(List<SyntheticParticipant> participants, int rooms) {
        this(participants, rooms, StreamIds.SINGLE, null);
    }

    /**
     * @param ids            the run's stream numbering
     * @param subscribeLayer the layer receivers ask for (--subscribe-layer), or null
     */
    public RunAggregator(List<SyntheticParticipant> participants, int rooms, StreamIds ids,
                         SimulcastLayer subscribeLayer) {
        this.participants = participants;
        this.ids = ids;
        this.subscribeLayer = subscribeLayer;
        this.rooms = rooms;
        this.roomLatency = new Histogram[rooms];
        for (int i = 0; i < rooms; i++) {
            roomLatency[i] = new Histogram(MediaReceiver.MAX_LATENCY_MICROS, 3);
        }
        this.totalLatency = new Histogram(MediaReceiver.MAX_LATENCY_MICROS, 3);
        this.tickLatency = new Histogram(MediaReceiver.MAX_LATENCY_MICROS, 3);
    }

    /** Drains every participant's latency recorder; returns the latencies of this tick. */
    public Histogram drain() {
        tickLatency.reset();
        for (SyntheticParticipant p : participants) {
            Histogram h = p.receiver().latencyRecorder().getIntervalHistogram();
            if (h.getTotalCount() == 0) {
                continue;
            }
            roomLatency[p.roomIndex()].add(h);
            URI node = p.node();
            if (node != null) {
                nodeLatency.computeIfAbsent(node, n -> new Histogram(MediaReceiver.MAX_LATENCY_MICROS, 3)).add(h);
            }
            totalLatency.add(h);
            tickLatency.add(h);
        }
        return tickLatency;
    }

    /** Drains and forgets the latencies so far: the report covers the steady window only. */
    /** Probe sequences each stream had sent when the measured window opened (for never-received streams). */
    private volatile long[] windowProbes;

    /** Notes where every stream's probe count stood when the measured window opened. */
    public void markWindowStart() {
        windowProbes = probesSentByStream();
    }

    public void resetLatency() {
        drain();
        for (Histogram h : roomLatency) {
            h.reset();
        }
        for (Histogram h : nodeLatency.values()) {
            h.reset();
        }
        totalLatency.reset();
    }

    /** Counters of one room ({@code room} >= 0) or of all (-1). */
    public Counters counters(int room) {
        return counters(inRoom(room));
    }

    /** Counters of the participants that joined {@code node}. */
    public Counters nodeCounters(URI node) {
        return counters(onNode(node));
    }

    /** The nodes participants joined, in the order first seen (participant order). */
    public List<URI> nodes() {
        List<URI> out = new ArrayList<>();
        for (SyntheticParticipant p : participants) {
            if (p.node() != null && !out.contains(p.node())) {
                out.add(p.node());
            }
        }
        return out;
    }

    private static Predicate<SyntheticParticipant> inRoom(int room) {
        return p -> room < 0 || p.roomIndex() == room;
    }

    private static Predicate<SyntheticParticipant> onNode(URI node) {
        return p -> node.equals(p.node());
    }

    private Counters counters(Predicate<SyntheticParticipant> which) {
        long po = 0;
        long bo = 0;
        long pi = 0;
        long bi = 0;
        long exp = 0;
        long lost = 0;
        for (SyntheticParticipant p : participants) {
            if (!which.test(p)) {
                continue;
            }
            for (OutboundStream s : p.outbound()) {
                po += s.packetsSent();
                bo += s.bytesSent();
            }
            MediaReceiver r = p.receiver();
            pi += r.packets();
            bi += r.bytes();
            for (int i = 0; i < r.streamCapacity(); i++) {
                StreamReceiveStats s = r.stream(i);
                if (s != null) {
                    exp += s.expected();
                    lost += s.lost();
                }
            }
        }
        return new Counters(po, bo, pi, bi, exp, lost);
    }

    /** Probe sequences each stream of the run has sent, by stream id. */
    private long[] probesSentByStream() {
        long[] out = new long[ids.count(participants.size())];
        for (SyntheticParticipant p : participants) {
            for (OutboundStream s : p.outbound()) {
                int id = s.info().streamId();
                if (id >= 0 && id < out.length) {
                    out[id] = s.probesSent();
                }
            }
        }
        return out;
    }

    /**
     * The stream that stands for {@code os}'s track when a receiver never got it: the stream
     * itself, or for a simulcast layer the layer the receiver should have got (--subscribe-layer,
     * else the highest sent); null for the other layers.
     */
    private OutboundStream representative(SyntheticParticipant publisher, OutboundStream os) {
        SimulcastLayer l = ids.layerOf(os.info().streamId());
        SimulcastPublisher sp = publisher.simulcast();
        if (l == null || sp == null) {
            return os;
        }
        VideoSender wanted = subscribeLayer != null ? sp.layer(subscribeLayer) : null;
        if (wanted == null) {
            wanted = sp.senders().get(sp.senders().size() - 1);
        }
        return wanted == os ? os : null;
    }

    /** True when receiver {@code r} got any stream of the track of {@code streamId} (any layer). */
    private boolean receivedTrack(MediaReceiver r, SyntheticParticipant publisher, int streamId) {
        if (ids.layerOf(streamId) == null) {
            return r.stream(streamId) != null;
        }
        for (VideoSender v : publisher.videoSenders()) {
            int id = v.info().streamId();
            if (id < r.streamCapacity() && r.stream(id) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the packets stream {@code streamId} sent after receiver {@code p}'s last one still
     * count as undelivered: always, except for a video the server says it pauses for {@code p}
     * and a simulcast layer the receiver is not on now.
     */
    private boolean awaited(SyntheticParticipant p, int streamId) {
        if (!ids.isVideo(streamId)) {
            return true;
        }
        int publisher = ids.publisherOf(streamId);
        SyntheticParticipant pub = publisher < participants.size() ? participants.get(publisher) : null;
        if (pub != null && pub.index() == publisher && p.remoteVideo().isPaused(pub.serverId())) {
            return false;
        }
        return ids.layerOf(streamId) == null
                || p.receiver().currentLayerStream(ids.trackOf(streamId)) == streamId;
    }

    /**
     * The report group of one room (>= 0) or all (-1), rates over {@code window} of {@code seconds}.
     * Loss is reported twice: over the measured window (probe sequences expected since
     * {@code windowBase}, the counters when the window opened, plus those sent but still not
     * received at the end) and over the whole run, the join phase included.
     */
    public RunReport.Group group(int room, String name, Counters window, double seconds, Counters windowBase) {
        return group(inRoom(room), room >= 0 ? roomLatency[room] : totalLatency, name, window, seconds, windowBase);
    }

    /** The report group of the participants that joined {@code node}; as {@link #group}. */
    public RunReport.Group nodeGroup(URI node, String name, Counters window, double seconds, Counters windowBase) {
        Histogram h = nodeLatency.getOrDefault(node, new Histogram(MediaReceiver.MAX_LATENCY_MICROS, 3));
        return group(onNode(node), h, name, window, seconds, windowBase);
    }

    private RunReport.Group group(Predicate<SyntheticParticipant> which, Histogram h, String name, Counters window,
                                  double seconds, Counters windowBase) {
        int n = 0;
        int pubs = 0;
        int connected = 0;
        int failed = 0;
        long exp = 0;
        long lost = 0;
        long dup = 0;
        long reord = 0;
        long rtxIn = 0;
        long misrouted = 0;
        long foreign = 0;
        double jitterSum = 0;
        double jitterMax = 0;
        int jitterCount = 0;
        long keyframes = 0;
        long keyRequests = 0;
        long rtxOut = 0;
        long nacksMissed = 0;
        long receiverNacks = 0;
        long missingStreams = 0;
        long missingRun = 0;
        long missingWindow = 0;
        long[] atWindow = windowProbes;
        List<Double> firstMedia = new ArrayList<>();
        List<Double> connect = new ArrayList<>();
        Counters all = counters(which);
        long[] probesSent = probesSentByStream();
        long undelivered = 0;
        for (SyntheticParticipant p : participants) {
            if (!which.test(p)) {
                continue;
            }
            n++;
            if (p.publishes()) {
                pubs++;
            }
            if (p.connectedNanos() != 0) {
                connected++;
                connect.add((p.connectedNanos() - p.startNanos()) / 1e6);
            }
            if (p.failure() != null) {
                failed++;
            }
            MediaReceiver r = p.receiver();
            foreign += r.foreign();
            receiverNacks += p.nacksSent();
            if (p.receives() && p.failure() == null && p.connectedNanos() != 0) {
                // Every other publisher's streams in the room should arrive; one that never did is
                // all lost (a subscription the server never set up or never fed).
                for (SyntheticParticipant other : participants) {
                    if (other == p || other.roomIndex() != p.roomIndex() || other.failure() != null) {
                        continue;
                    }
                    for (OutboundStream sent : other.outbound()) {
                        OutboundStream os = representative(other, sent);
                        if (os == null || (ids.isVideo(os.info().streamId())
                                && p.remoteVideo().isPaused(other.serverId()))) {
                            continue;
                        }
                        int id = os.info().streamId();
                        if (id >= 0 && id < r.streamCapacity() && !receivedTrack(r, other, id) && probesSent[id] > 0) {
                            missingStreams++;
                            missingRun += probesSent[id];
                            missingWindow += probesSent[id] - (atWindow != null && id < atWindow.length ? atWindow[id] : 0);
                        }
                    }
                }
            }
            if (p.roomHadMedia() && r.firstMediaNanos() != 0) {
                firstMedia.add((r.firstMediaNanos() - p.startNanos()) / 1e6);
            }
            for (int i = 0; i < r.streamCapacity(); i++) {
                StreamReceiveStats s = r.stream(i);
                if (s == null) {
                    continue;
                }
                exp += s.expected();
                lost += s.lost();
                if (p.failure() == null && s.streamId() < probesSent.length && probesSent[s.streamId()] > 0
                        && awaited(p, s.streamId())) {
                    // Sent after the highest sequence this receiver saw: still queued somewhere, or lost at the end.
                    undelivered += Math.max(0, probesSent[s.streamId()] - 1 - s.highest());
                }
                dup += s.duplicates();
                reord += s.reordered();
                rtxIn += s.retransmitted();
                misrouted += s.misrouted();
                double j = s.jitterNanos() / 1e6;
                jitterSum += j;
                jitterMax = Math.max(jitterMax, j);
                jitterCount++;
            }
            for (VideoSender v : p.videoSenders()) {
                keyframes += v.keyframes();
                keyRequests += v.keyframeRequests();
                rtxOut += v.retransmissions();
                nacksMissed += v.nacksMissed();
            }
        }
        RunReport.Latency lat = new RunReport.Latency(h.getTotalCount(), ms(h.getValueAtPercentile(50), h),
                ms(h.getValueAtPercentile(95), h), ms(h.getValueAtPercentile(99), h), ms(h.getMaxValue(), h),
                h.getTotalCount() == 0 ? 0 : h.getMean() / 1000.0);
        double s = Math.max(seconds, 1e-9);
        long winExp = (windowBase == null ? exp : Math.max(0, exp - windowBase.expected())) + undelivered + missingWindow;
        long winLost = (windowBase == null ? lost : Math.max(0, lost - windowBase.lost())) + undelivered + missingWindow;
        long runExp = exp + undelivered + missingRun;
        long runLost = lost + undelivered + missingRun;
        return new RunReport.Group(name, n, pubs, connected, failed, all.packetsOut(), all.packetsIn(),
                window.packetsOut() / s, window.packetsIn() / s, window.bytesOut() * 8 / s / 1e6,
                window.bytesIn() * 8 / s / 1e6, winExp, winLost, percent(winLost, winExp), undelivered, dup,
                reord, rtxIn,
                misrouted, foreign, lat, jitterCount == 0 ? 0 : jitterSum / jitterCount, jitterMax,
                distribution(firstMedia), distribution(connect), keyframes, keyRequests, rtxOut, nacksMissed,
                runExp, runLost, percent(runLost, runExp), receiverNacks, missingStreams);
    }

    private static double percent(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }

    private static double ms(long micros, Histogram h) {
        return h.getTotalCount() == 0 ? 0 : micros / 1000.0;
    }

    static RunReport.Distribution distribution(List<Double> values) {
        if (values.isEmpty()) {
            return new RunReport.Distribution(0, 0, 0, 0);
        }
        List<Double> v = new ArrayList<>(values);
        Collections.sort(v);
        return new RunReport.Distribution(v.size(), at(v, 0.50), at(v, 0.95), v.get(v.size() - 1));
    }

    private static double at(List<Double> sorted, double q) {
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    public int rooms() {
        return rooms;
    }
}
