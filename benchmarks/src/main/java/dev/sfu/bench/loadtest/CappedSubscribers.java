package dev.sfu.bench.loadtest;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The figures of the capped subscribers ({@code --subscriber-kbps}) over the measured window:
 * each receiver's counters are noted when the window opens ({@link #markWindowStart}) and
 * when it closes ({@link #markWindowEnd}); {@link #report} turns the differences into one
 * {@link RunReport.CappedSubscriber} per capped subscriber, and sums them, with the loss of the
 * uncapped receivers beside them (the issue asks that they be unaffected). Used by the run's
 * thread.
 */
final class CappedSubscribers {
    private static final int BUCKETS = LayerTracker.UNKNOWN + 1;

    private final List<SyntheticParticipant> participants;
    private final StreamIds ids;
    private final LoadTestOptions options;
    private final Map<SyntheticParticipant, Counters> start = new IdentityHashMap<>();
    private final Map<SyntheticParticipant, Counters> end = new IdentityHashMap<>();

    /** One receiver's cumulative counters at one instant. */
    record Counters(long expected, long lost, long sentExpected, long sentLost, long bytes, long admitted,
                    long drops, long feedback, long[] layerNanos, long switches) {
        static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0, 0, 0, new long[BUCKETS], 0);
    }

    CappedSubscribers(List<SyntheticParticipant> participants, StreamIds ids, LoadTestOptions options) {
        this.participants = participants;
        this.ids = ids;
        this.options = options;
    }

    /** The rooms that hold capped subscribers (whose estimates are read). */
    Set<String> rooms() {
        Set<String> out = new LinkedHashSet<>();
        for (SyntheticParticipant p : participants) {
            if (p.bottleneck() != null) {
                out.add(p.room());
            }
        }
        return out;
    }

    void markWindowStart() {
        long now = System.nanoTime();
        for (SyntheticParticipant p : participants) {
            if (p.receives()) {
                p.markDeliveryWindowStart(now);
            }
        }
        note(start);
    }

    void markWindowEnd() {
        note(end);
    }

    private void note(Map<SyntheticParticipant, Counters> into) {
        into.clear();
        for (SyntheticParticipant p : participants) {
            if (p.receives()) {
                into.put(p, counters(p));
            }
        }
    }

    private Counters counters(SyntheticParticipant p) {
        MediaReceiver r = p.receiver();
        long exp = 0;
        long lost = 0;
        for (int i = 0; i < r.streamCapacity(); i++) {
            StreamReceiveStats s = r.stream(i);
            if (s != null) {
                exp += s.expected();
                lost += s.lost();
            }
        }
        long[] nanos = new long[BUCKETS];
        long switches = 0;
        for (int id = 0; id < r.streamCapacity(); id++) {
            if (ids.isVideo(id) && ids.trackOf(id) == id) {
                LayerTracker t = r.layerTracker(id);
                if (t != null) {
                    for (int b = 0; b < BUCKETS; b++) {
                        nanos[b] += t.nanos(b);
                    }
                    switches += t.switches();
                }
            }
        }
        DownlinkBottleneck b = p.bottleneck();
        long[] delivery = p.deliveryCounts();
        return new Counters(exp, lost, delivery[0], Math.max(0, delivery[0] - delivery[1]), r.bytes(), b == null ? 0 : b.packets(), b == null ? 0 : b.drops(),
                p.transportCc().messages(), nanos, switches);
    }

    /** The report over a window of {@code seconds}, with the server's estimates. */
    RunReport.Capped report(double seconds, DownlinkEstimateProbe estimates) {
        double s = Math.max(seconds, 1e-9);
        double cap = options.subscriberKbps();
        List<RunReport.CappedSubscriber> rows = new ArrayList<>();
        long cappedExp = 0;
        long cappedLost = 0;
        long cappedProbeExp = 0;
        long cappedProbeLost = 0;
        long otherExp = 0;
        long otherLost = 0;
        long drops = 0;
        long arrived = 0;
        double goodputSum = 0;
        double worst = 0;
        long switches = 0;
        int tcc = 0;
        for (SyntheticParticipant p : participants) {
            Counters e = end.get(p);
            if (e == null) {
                continue;
            }
            Counters b = start.getOrDefault(p, Counters.ZERO);
            // Loss is what the server sent that never arrived (RTP sequence numbers, after NACK and
            // RTX); the probe figure beside it also counts what the server chose not to send.
            long exp = Math.max(0, e.sentExpected - b.sentExpected);
            long lost = Math.max(0, e.sentLost - b.sentLost);
            long probeExp = Math.max(0, e.expected - b.expected);
            long probeLost = Math.max(0, e.lost - b.lost);
            DownlinkBottleneck link = p.bottleneck();
            if (link == null) {
                otherExp += exp;
                otherLost += lost;
                continue;
            }
            cappedExp += exp;
            cappedLost += lost;
            cappedProbeExp += probeExp;
            cappedProbeLost += probeLost;
            long d = e.drops - b.drops;
            long a = e.admitted - b.admitted;
            drops += d;
            arrived += a + d;
            double goodput = (e.bytes - b.bytes) * 8 / s / 1e3;
            goodputSum += goodput;
            double loss = percent(lost, exp);
            worst = Math.max(worst, loss);
            long sw = e.switches - b.switches;
            switches += sw;
            TransportCcReceiver t = p.transportCc();
            if (t.enabled()) {
                tcc++;
            }
            Double last = estimates == null ? null : estimates.last(p.serverId());
            Double mean = estimates == null ? null : estimates.mean(p.serverId());
            rows.add(new RunReport.CappedSubscriber(p.name(), p.room(), last == null ? null : last / 1e3,
                    mean == null ? null : mean / 1e3, t.enabled(), e.feedback - b.feedback,
                    layerShares(e.layerNanos, b.layerNanos), layerAtEnd(p), goodput, 100 * goodput / cap, exp, lost,
                    loss, d, percent(d, a + d), link.maxWaitNanos() / 1e6, sw, percent(probeLost, probeExp)));
        }
        String source = estimates == null ? "not read"
                : estimates.serverPublishesEstimates()
                ? "GET /api/rooms/ROOM, participants[]." + DownlinkEstimateProbe.OBJECT + "." + DownlinkEstimateProbe.FIELD
                : "none: the server's /api/rooms/ROOM has no " + DownlinkEstimateProbe.OBJECT + "." + DownlinkEstimateProbe.FIELD;
        return new RunReport.Capped(options.subscriberKbps(), options.subscriberQueueMs(), source, rows,
                percent(cappedLost, cappedExp), worst, percent(otherLost, otherExp), drops, percent(drops, arrived),
                rows.isEmpty() ? 0 : goodputSum / rows.size(), switches, tcc, percent(cappedProbeLost, cappedProbeExp));
    }

    /** "q 20% h 80%" from the time on each layer in the window; "-" without layer tracking. */
    static String layerShares(long[] endNanos, long[] startNanos) {
        long total = 0;
        long[] d = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            d[i] = Math.max(0, endNanos[i] - startNanos[i]);
            total += d[i];
        }
        if (total == 0) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < BUCKETS; i++) {
            long pct = Math.round(100.0 * d[i] / total);
            if (pct == 0) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(i < LayerTracker.UNKNOWN ? SimulcastLayer.values()[i].rid() : "unknown").append(' ').append(pct)
                    .append('%');
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }

    /** The layers received last on each video track, e.g. "h" or "q,h"; "-" when none is known. */
    private String layerAtEnd(SyntheticParticipant p) {
        MediaReceiver r = p.receiver();
        Set<String> out = new LinkedHashSet<>();
        for (int id = 0; id < r.streamCapacity(); id++) {
            if (ids.isVideo(id) && ids.trackOf(id) == id) {
                LayerTracker t = r.layerTracker(id);
                if (t != null && t.layer() != null) {
                    out.add(t.layer().rid());
                }
            }
        }
        return out.isEmpty() ? "-" : String.join(",", out);
    }

    private static double percent(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }

    /** The verdict line of issue 13's target: capped subscribers lose under {@code targetPercent}. */
    static String targetLine(RunReport.Capped c, Double maxCappedLoss) {
        double target = maxCappedLoss != null ? maxCappedLoss : 2.0;
        boolean met = c.worstLossPercent() < target || (maxCappedLoss != null && c.worstLossPercent() <= target);
        return String.format(Locale.ROOT, "Capped subscribers (%d kbit/s): worst loss %.2f%%, all together %.2f%%, "
                        + "uncapped receivers %.2f%%: %s (target: under %.1f%%%s).", c.capKbps(),
                c.worstLossPercent(), c.lossPercent(), c.uncappedLossPercent(), met ? "MET" : "MISSED", target,
                maxCappedLoss != null ? ", --max-capped-loss" : ", issue 13; enforce with --max-capped-loss");
    }
}
