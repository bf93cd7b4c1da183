package dev.sfu.core.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import dev.sfu.core.forward.DownTrack;
import dev.sfu.core.forward.DropReason;
import dev.sfu.core.forward.EgressStats;
import dev.sfu.core.forward.EndpointMetrics;
import dev.sfu.core.forward.ForwardingMetrics;
import dev.sfu.core.forward.SimulcastLayer;
import dev.sfu.core.forward.StageCounters;
import dev.sfu.core.forward.SubscriberAllocation;
import dev.sfu.core.forward.UpTrack;
import dev.sfu.core.forward.VideoConstraints;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.Participant;
import dev.sfu.core.room.Room;
import dev.sfu.core.room.RoomManager;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Builds a {@link StatsSnapshot} from the rooms and the registry. Meant to run once per second
 * on one thread; the latest snapshot is kept for readers ({@link #latest()}), so scrapes and
 * dashboards never walk the rooms themselves. Reading rooms takes no lock: their participant and
 * track lists are copy-on-write snapshots, and the counters are read as they are.
 */
public final class StatsCollector {
    private static final Comparator<RoomStats> BUSIEST_FIRST =
            Comparator.comparingLong((RoomStats r) -> r.bitrateIn() + r.bitrateOut()).reversed()
                    .thenComparing(RoomStats::id);

    private final RoomManager rooms;
    private final ServerMetrics server;
    private final LongSupplier nanoClock;
    private final LongSupplier wallMillis;
    /** Byte counts of every track and layer at the previous collection, for their bitrates. */
    private Map<Object, long[]> previous = new IdentityHashMap<>();
    private volatile StatsSnapshot latest;

    /**
     * @param nanoClock  the forwarding clock (the one the rooms' meters count on)
     * @param wallMillis wall-clock milliseconds for the snapshot's timestamp
     */
    public StatsCollector(RoomManager rooms, ServerMetrics server, LongSupplier nanoClock, LongSupplier wallMillis) {
        this.rooms = rooms;
        this.server = server;
        this.nanoClock = nanoClock;
        this.wallMillis = wallMillis;
        this.latest = new StatsSnapshot(wallMillis.getAsLong(), 0, 0, 0, 0, 0, 0, 0, Map.of(), server.process(), List.of());
    }

    public StatsCollector(RoomManager rooms, ServerMetrics server) {
        this(rooms, server, System::nanoTime, System::currentTimeMillis);
    }

    /** The snapshot of the last {@link #collect()} (an empty one before the first). */
    public StatsSnapshot latest() {
        return latest;
    }

    public RoomManager rooms() {
        return rooms;
    }

    public MetricRegistry registry() {
        return server.registry();
    }

    /** Takes a new snapshot, keeps it as {@link #latest()} and returns it. */
    public synchronized StatsSnapshot collect() {
        long now = nanoClock.getAsLong();
        Map<Object, long[]> seen = new IdentityHashMap<>();
        List<RoomStats> list = new ArrayList<>();
        int participants = 0;
        int tracks = 0;
        long bitIn = 0;
        long bitOut = 0;
        long pktIn = 0;
        long pktOut = 0;
        for (Room room : rooms.rooms()) {
            RoomStats r = room(room, now, seen);
            list.add(r);
            participants += r.participantCount();
            tracks += r.trackCount();
            bitIn += r.bitrateIn();
            bitOut += r.bitrateOut();
            pktIn += r.packetRateIn();
            pktOut += r.packetRateOut();
        }
        previous = seen;
        list.sort(BUSIEST_FIRST);
        Map<String, Long> drops = new TreeMap<>();
        MetricFilter isDrop = (name, m) -> name.startsWith(ServerMetrics.DROPS_PREFIX);
        for (Map.Entry<String, Counter> e : server.registry().getCounters(isDrop).entrySet()) {
            drops.put(e.getKey().substring(ServerMetrics.DROPS_PREFIX.length()), e.getValue().getCount());
        }
        // The transports' drops (TransportDropMetrics) are gauges: sums over live transports.
        for (Map.Entry<String, Gauge> e : server.registry().getGauges(isDrop).entrySet()) {
            if (e.getValue().getValue() instanceof Number n) {
                drops.put(e.getKey().substring(ServerMetrics.DROPS_PREFIX.length()), n.longValue());
            }
        }
        StatsSnapshot s = new StatsSnapshot(wallMillis.getAsLong(), list.size(), participants, tracks, bitIn, bitOut,
                pktIn, pktOut, drops, server.process(), list);
        latest = s;
        return s;
    }

    /** Tracks published in a room now. */
    static int trackCount(Room room) {
        int n = 0;
        for (Participant p : room.participants()) {
            n += p.upTracks().size();
        }
        return n;
    }

    private RoomStats room(Room room, long now, Map<Object, long[]> seen) {
        ForwardingMetrics m = room.metrics();
        List<ParticipantStats> ps = new ArrayList<>();
        int tracks = 0;
        for (Participant p : room.participants()) {
            ParticipantStats s = participant(p, now, seen);
            ps.add(s);
            for (TrackStats t : s.tracks()) {
                if (t.direction().equals("up")) {
                    tracks++;
                }
            }
        }
        Map<String, Long> drops = new TreeMap<>();
        for (DropReason reason : DropReason.values()) {
            long n = m.drops(reason);
            if (n > 0) {
                drops.put(reason.name(), n);
            }
        }
        List<RoomStats.Stage> stages = new ArrayList<>();
        for (StageCounters c : m.stages().values()) {
            stages.add(new RoomStats.Stage(c.name(), c.inCount(), c.outCount(), c.droppedCount()));
        }
        return new RoomStats(room.id(), ps.size(), tracks, m.bytesIn.lastSecond() * 8, m.bytesOut.lastSecond() * 8,
                m.packetsIn.lastSecond(), m.packetsOut.lastSecond(), m.packetsIn.getCount(), m.packetsOut.getCount(),
                m.bytesIn.getCount(), m.bytesOut.getCount(), m.nacksReceived.getCount(), m.retransmissions.getCount(),
                m.plisSent.getCount(), m.keyframes.getCount(), drops, stages, room.dominantSpeaker(), ps);
    }

    private ParticipantStats participant(Participant p, long now, Map<Object, long[]> seen) {
        EndpointMetrics m = p.endpoint().metrics();
        List<TrackStats> tracks = new ArrayList<>();
        double lossUp = 0;
        for (UpTrack up : p.upTracks()) {
            var st = up.statistics();
            double loss = st.lastFractionLost() / 256.0;
            lossUp = Math.max(lossUp, loss);
            tracks.add(new TrackStats(up.trackId(), kind(up.kind()), "up", p.id(), up.ssrc(), st.hasData(),
                    bitrate(up, up.bytesReceived(), now, seen), st.received(), Math.max(0, st.cumulativeLost()), loss,
                    millis(st.jitter(), up.clockRate()), -1, layers(up, now, seen), null));
        }
        double lossDown = 0;
        double jitter = 0;
        double rttSum = 0;
        int rttCount = 0;
        for (DownTrack d : p.downTracks()) {
            double loss = d.fractionLost() / 256.0;
            double j = millis(d.jitter(), d.source().clockRate());
            double rtt = d.rttNanos() < 0 ? -1 : d.rttNanos() / 1e6;
            lossDown = Math.max(lossDown, loss);
            jitter = Math.max(jitter, j);
            if (rtt >= 0) {
                rttSum += rtt;
                rttCount++;
            }
            tracks.add(new TrackStats(d.trackId(), kind(d.kind()), "down", d.source().publisher().id(), d.ssrc(),
                    d.isActive(), bitrate(d, d.bytesSent(), now, seen), d.packetsSent(), Math.max(0, d.cumulativeLost()),
                    loss, j, rtt, List.of(), forwarding(d)));
        }
        String state = p.transport().isConnected() ? "connected" : "connecting";
        return new ParticipantStats(p.id(), p.displayName(), state, p.isMuted(MediaKind.AUDIO), p.isMuted(MediaKind.VIDEO),
                m.bytesUp.lastSecond() * 8, m.bytesDown.lastSecond() * 8, m.packetsUp.getCount(), m.packetsDown.getCount(),
                lossUp, lossDown, jitter, rttCount == 0 ? -1 : rttSum / rttCount, m.nacksReceived.getCount(),
                m.nacksSent.getCount(), m.plisReceived.getCount(), m.plisSent.getCount(), m.keyframes.getCount(), tracks,
                downlink(p));
    }

    /** Estimate, allocation and pacer figures of a participant's downlink. */
    private static ParticipantStats.Downlink downlink(Participant p) {
        SubscriberAllocation a = p.endpoint().allocation();
        EgressStats e = p.endpoint().egress().stats();
        return new ParticipantStats.Downlink(e.active(), p.endpoint().estimatedDownlinkBps(), a.allocatedBps(),
                a.desiredBps(), a.pausedVideos(), a.pausedBandwidth(), a.switches(), a.switchesPerMinute(),
                e.queueLength(), e.packetsQueued(), e.droppedQueueFull(), e.droppedExpired(), e.probeClusters(),
                e.feedbacks(), e.active() ? e.estimator() : null);
    }

    /** The layers of a published video with their bitrates; empty for audio. */
    private List<TrackStats.Layer> layers(UpTrack up, long now, Map<Object, long[]> seen) {
        if (up.kind() != MediaKind.VIDEO) {
            return List.of();
        }
        List<TrackStats.Layer> out = new ArrayList<>();
        for (SimulcastLayer l : up.layers()) {
            out.add(new TrackStats.Layer(l.rid(), l.ssrc(), l.width(), l.height(),
                    bitrate(l, l.bytesReceived(), now, seen), l.isLive(now)));
        }
        return out;
    }

    /** Which layer a subscriber gets of a video, and its tile; null for audio. */
    private static TrackStats.Forwarding forwarding(DownTrack d) {
        if (d.kind() != MediaKind.VIDEO) {
            return null;
        }
        VideoConstraints c = d.constraints();
        boolean paused = d.isPaused();
        return new TrackStats.Forwarding(d.currentRid(), d.currentLayer(), d.targetRid(), d.targetLayer(),
                d.maxTemporalLayer(), d.layerSwitches(), paused, paused ? d.pauseReason() : null,
                c == null ? -1 : c.width(), c == null ? -1 : c.height(), c == null || c.visible());
    }

    /** Bits/s of one track or layer since the previous collection (0 the first time it is seen). */
    private long bitrate(Object track, long bytes, long now, Map<Object, long[]> seen) {
        seen.put(track, new long[] {bytes, now});
        long[] before = previous.get(track);
        if (before == null || now <= before[1] || bytes < before[0]) {
            return 0;
        }
        return (long) ((bytes - before[0]) * 8 * 1e9 / (now - before[1]));
    }

    private static String kind(MediaKind k) {
        return k == MediaKind.AUDIO ? "audio" : "video";
    }

    private static double millis(long rtpUnits, int clockRate) {
        return clockRate <= 0 ? 0 : rtpUnits * 1000.0 / clockRate;
    }
}
