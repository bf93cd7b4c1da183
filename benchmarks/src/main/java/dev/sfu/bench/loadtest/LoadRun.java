package dev.sfu.bench.loadtest;

import dev.sfu.core.transport.TransportClient;
import dev.sfu.core.transport.TransportConfig;
import dev.sfu.rtp.srtp.SrtpSession;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One load-test run: starts the participants at the ramp-up rate (rooms filled in turn), prints
 * one progress line per second, measures for {@code --duration} seconds after the last start,
 * stops the senders, lets the last packets arrive, and builds the {@link RunReport}.
 */
public final class LoadRun {
    private static final long SECOND = 1_000_000_000L;
    private static final long DRAIN_NANOS = 500_000_000L;

    private final LoadTestOptions o;
    private final PrintStream out;
    /** The running participants' counters, published once they exist (read by other threads). */
    private volatile RunAggregator live;

    public LoadRun(LoadTestOptions options, PrintStream out) {
        this.o = options;
        this.out = out;
    }

    public RunReport run() throws UnknownHostException {
        SrtpSession.warmUp();
        List<SyntheticParticipant> ps = new ArrayList<>();
        int perRoom = o.participantsPerRoom();
        int total = perRoom * o.rooms();
        int threads = Math.max(1, (total + o.participantsPerThread() - 1) / o.participantsPerThread());
        SendScheduler[] schedulers = new SendScheduler[threads];
        for (int i = 0; i < threads; i++) {
            schedulers[i] = new SendScheduler("loadtest-send-" + i);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        // The tester is the measuring instrument: its ingress queues hold about a second of a
        // participant's media (2,048 packets), like the server's age limit, so that a join storm
        // that slows the tester for a moment does not turn into loss the server never caused.
        TransportClient transports = TransportClient.start(TransportConfig.defaults()
                .withBindAddress(InetAddress.getByName(o.bind())).withIngressQueueCapacity(2048),
                Duration.ofNanos(o.rxPollMicros() * 1000L));
        RunContext ctx = new RunContext(o, http, transports, schedulers, total);
        // Rooms fill in turn: slot 0 of every room, then slot 1 ...
        int index = 0;
        for (int slot = 0; slot < perRoom; slot++) {
            for (int r = 0; r < o.rooms(); r++) {
                boolean pub = slot < o.publishers();
                String room = o.roomPrefix() + "-" + (r + 1);
                String name = (pub ? "pub" : "sub") + "-" + (r + 1) + "-" + (slot + 1);
                ps.add(new SyntheticParticipant(ctx, index++, r, slot, room, name, pub, !pub || !o.publishOnly()));
            }
        }
        RunAggregator agg = new RunAggregator(ps, o.rooms(), ctx.ids(), o.subscribeLayer());
        LayerAggregator layers = o.layerReport() ? new LayerAggregator(ps, ctx.ids()) : null;
        LayerAggregator.Counters layerBase = null;
        CappedSubscribers capped = o.capped() ? new CappedSubscribers(ps, ctx.ids(), o) : null;
        DownlinkEstimateProbe estimates = capped == null ? null : new DownlinkEstimateProbe(http, o.server(),
                capped.rooms());
        live = agg;
        ServerCpuProbe cpu = new ServerCpuProbe(o.serverPid(), http, o.server());
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        long t0 = System.nanoTime();
        long startInterval = (long) (SECOND / o.rampUpPerSecond());
        long rampEnd = t0 + startInterval * Math.max(0, total - 1);
        // The measured window starts once everyone started, connected (or failed) and settled,
        // and lasts --duration; a participant that never connects is bounded by the connect timeout.
        long warmup = (long) (o.warmupSeconds() * SECOND);
        long earliestSteady = rampEnd + 2 * SECOND + warmup;
        long latestSteady = rampEnd + (long) (o.connectTimeoutSeconds() * SECOND) + SECOND + warmup;
        long steadyStart = Long.MAX_VALUE;
        long end = Long.MAX_VALUE;
        long allConnectedAt = 0;
        int started = 0;
        long nextTick = t0 + SECOND;
        RunAggregator.Counters prev = agg.counters(-1);
        RunAggregator.Counters steadyBase = null;
        RunAggregator.Counters[] steadyBaseRooms = new RunAggregator.Counters[o.rooms()];
        Map<java.net.URI, RunAggregator.Counters> steadyBaseNodes = new LinkedHashMap<>();
        double prevCpu = cpu.sample();
        double steadyCpu = Double.NaN;
        long steadySelfCpu = 0;
        long prevTickNanos = t0;
        List<RunReport.Sample> timeline = new ArrayList<>();
        TesterDelays delays = new TesterDelays(ps, schedulers);
        while (true) {
            long now = System.nanoTime();
            while (started < total && now >= t0 + started * startInterval) {
                ps.get(started++).start();
            }
            if (steadyBase == null && started == total) {
                if (allConnectedAt == 0 && settled(ps)) {
                    allConnectedAt = now;
                }
                boolean ready = allConnectedAt != 0 && now >= Math.max(earliestSteady, allConnectedAt + SECOND + warmup);
                if (ready || now >= latestSteady) {
                    steadyStart = now;
                    end = now + (long) (o.durationSeconds() * SECOND);
                    steadyBase = agg.counters(-1);
                    layerBase = layers == null ? null : layers.counters();
                    agg.markWindowStart();
                    if (capped != null) {
                        capped.markWindowStart();
                    }
                    for (int r = 0; r < steadyBaseRooms.length; r++) {
                        steadyBaseRooms[r] = agg.counters(r);
                    }
                    for (java.net.URI node : agg.nodes()) {
                        steadyBaseNodes.put(node, agg.nodeCounters(node));
                    }
                    steadyCpu = cpu.sample();
                    steadySelfCpu = os.getProcessCpuTime();
                    agg.resetLatency();
                    for (SendScheduler sc : schedulers) {
                        sc.resetStats();
                    }
                    delays.startWindow();
                    if (!o.quiet()) {
                        out.printf(Locale.ROOT, "[%5.1fs] measuring for %.0f s%n", (now - t0) / 1e9,
                                o.durationSeconds());
                    }
                }
            }
            if (now >= end || (started == total && allFailed(ps))) {
                break;
            }
            if (now >= nextTick) {
                nextTick += SECOND;
                for (SyntheticParticipant p : ps) {
                    p.checkDeadline(now);
                }
                RunAggregator.Counters c = agg.counters(-1);
                Histogram tick = agg.drain();
                TesterDelays.Tick own = delays.tick(steadyBase != null && now < end);
                double cpuNow = cpu.sample();
                if (estimates != null && steadyBase != null && now < end) {
                    estimates.sample();
                }
                double dt = (now - prevTickNanos) / 1e9;
                RunReport.Sample s = sample((now - t0) / 1e9, ps, c.minus(prev), dt, tick,
                        (cpuNow - prevCpu) / dt * 100, own);
                timeline.add(s);
                if (!o.quiet()) {
                    out.println(progressLine(s, total));
                }
                prev = c;
                prevCpu = cpuNow;
                prevTickNanos = now;
            }
            long wake = Math.min(nextTick, started < total ? t0 + started * startInterval : nextTick);
            if (steadyBase == null && started == total) {
                wake = Math.min(wake, now + 50_000_000L);
            }
            long sleep = Math.min(wake, end) - System.nanoTime();
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        long stopNanos = System.nanoTime();
        if (steadyBase == null) {
            // Everyone failed before the window opened: report an empty window.
            steadyStart = stopNanos;
            steadyBase = agg.counters(-1);
            layerBase = layers == null ? null : layers.counters();
            for (int r = 0; r < steadyBaseRooms.length; r++) {
                steadyBaseRooms[r] = agg.counters(r);
            }
            steadyCpu = cpu.sample();
            steadySelfCpu = os.getProcessCpuTime();
        }
        RunAggregator.Counters steadyEnd = agg.counters(-1);
        LayerAggregator.Counters layerEnd = layers == null ? null : layers.counters();
        if (capped != null) {
            capped.markWindowEnd();
        }
        delays.tick(true);
        double cpuEnd = cpu.sample();
        long selfCpuEnd = os.getProcessCpuTime();
        for (SyntheticParticipant p : ps) {
            p.stopSending();
        }
        sleepQuietly(DRAIN_NANOS);
        agg.drain();
        double steadySeconds = Math.max(1e-3, (stopNanos - steadyStart) / 1e9);
        RunReport report = buildReport(ps, agg, steadyBase, steadyBaseRooms, steadyBaseNodes, steadyEnd, steadySeconds, (steadyStart - t0) / 1e9,
                cpu, steadyCpu, cpuEnd, (selfCpuEnd - steadySelfCpu) / 1e9, schedulers, delays, timeline, t0,
                layers == null ? null : layers.report(layerEnd.minus(layerBase), steadySeconds, o.subscribeLayer()),
                capped == null ? null : capped.report(steadySeconds, estimates));
        for (SyntheticParticipant p : ps) {
            p.leave();
        }
        sleepQuietly(300_000_000L);
        for (SendScheduler s : schedulers) {
            s.close();
        }
        transports.close();
        return report;
    }

    /**
     * RTP bytes (header and payload, before SRTP) sent so far by every participant of this run,
     * retransmissions included; 0 before {@link #run()} has created them. Safe to call from any
     * thread while the run goes on: sampled once a second, it is the current send rate.
     */
    public long bytesSent() {
        RunAggregator a = live;
        return a == null ? 0 : a.counters(-1).bytesOut();
    }

    private static boolean allFailed(List<SyntheticParticipant> ps) {
        for (SyntheticParticipant p : ps) {
            if (p.failure() == null) {
                return false;
            }
        }
        return true;
    }

    /** True when every participant is connected or has failed. */
    private static boolean settled(List<SyntheticParticipant> ps) {
        for (SyntheticParticipant p : ps) {
            if (p.connectedNanos() == 0 && p.failure() == null) {
                return false;
            }
        }
        return true;
    }

    private RunReport buildReport(List<SyntheticParticipant> ps, RunAggregator agg, RunAggregator.Counters base,
                                  RunAggregator.Counters[] roomBases,
                                  Map<java.net.URI, RunAggregator.Counters> nodeBases, RunAggregator.Counters endCounters, double seconds, double rampSeconds,
                                  ServerCpuProbe cpu, double cpuStart, double cpuEnd, double selfCpuSeconds,
                                  SendScheduler[] schedulers, TesterDelays delays, List<RunReport.Sample> timeline,
                                  long t0, RunReport.Simulcast simulcast, RunReport.Capped capped) {
        RunAggregator.Counters window = endCounters.minus(base);
        List<RunReport.Group> rooms = new ArrayList<>();
        for (int r = 0; r < o.rooms(); r++) {
            // Per-room windows are approximated by the run totals' window share of that room.
            rooms.add(agg.group(r, o.roomPrefix() + "-" + (r + 1), roomWindow(agg, r, window), seconds, roomBases[r]));
        }
        RunReport.Group total = agg.group(-1, "total", window, seconds, base);
        List<RunReport.Node> nodes = new ArrayList<>();
        int redirected = 0;
        for (SyntheticParticipant p : ps) {
            redirected += p.node() != null && p.redirects() > 0 ? 1 : 0;
        }
        if (o.multiNode() || redirected > 0) {
            for (java.net.URI node : agg.nodes()) {
                int there = 0;
                int viaRedirect = 0;
                for (SyntheticParticipant p : ps) {
                    if (node.equals(p.node())) {
                        there++;
                        viaRedirect += p.redirects() > 0 ? 1 : 0;
                    }
                }
                String label = node.getHost() + (node.getPort() > 0 ? ":" + node.getPort() : "");
                nodes.add(new RunReport.Node(node.toString(), there, viaRedirect, agg.nodeGroup(node, label,
                        share(agg.counters(-1), agg.nodeCounters(node), window), seconds, nodeBases.get(node))));
            }
        }
        List<RunReport.FailureEntry> failures = new ArrayList<>();
        Map<FailureReason, Integer> counts = new EnumMap<>(FailureReason.class);
        Map<String, Long> drops = new TreeMap<>();
        for (SyntheticParticipant p : ps) {
            SyntheticParticipant.Failure f = p.failure();
            if (f != null) {
                failures.add(new RunReport.FailureEntry(p.name(), p.room(), f.reason(), f.detail(),
                        (f.atNanos() - t0) / 1e9));
                counts.merge(f.reason(), 1, Integer::sum);
            }
            p.transportDrops().forEach((k, v) -> drops.merge(k, v, Long::sum));
        }
        Map<String, Integer> failureCounts = new LinkedHashMap<>();
        counts.forEach((k, v) -> failureCounts.put(k.name(), v));
        double cpuSeconds = cpuEnd - cpuStart;
        double forwarded = window.packetsIn();
        RunReport.Server server = new RunReport.Server(cpu.source(), cpuSeconds, cpuSeconds / seconds * 100,
                forwarded > 0 ? cpuSeconds * 1e6 / forwarded : Double.NaN,
                window.packetsOut() > 0 ? cpuSeconds * 1e6 / window.packetsOut() : Double.NaN);
        long maxLag = 0;
        long skips = 0;
        for (SendScheduler s : schedulers) {
            maxLag = Math.max(maxLag, s.maxLagNanos());
            skips += s.skips();
        }
        double lagP99 = delays.windowSendLagMs(99);
        double rxMean = delays.windowReceiveQueueMeanMs();
        RunReport.LoadTester tester = new RunReport.LoadTester(selfCpuSeconds / seconds * 100, schedulers.length,
                delays.windowSendLagMs(50), lagP99, maxLag / 1e6, skips, rxMean, delays.windowReceiveQueueMaxMs(),
                Verdict.overloaded(lagP99, rxMean, o.maxTesterLagMillis()), drops);
        RunReport.Verdict verdict = Verdict.evaluate(o, total, failures.size(), tester, capped);
        return new RunReport(config(), machine(), rampSeconds, seconds, total, rooms, failures, failureCounts, server,
                tester, timeline, verdict, simulcast, capped, transportCc(ps), nodes);
    }

    /** The receivers' transport-cc feedback, or null when no receiver negotiated it. */
    private static RunReport.TransportCc transportCc(List<SyntheticParticipant> ps) {
        int on = 0;
        int receivers = 0;
        long messages = 0;
        long packets = 0;
        long without = 0;
        long late = 0;
        for (SyntheticParticipant p : ps) {
            if (!p.receives()) {
                continue;
            }
            receivers++;
            TransportCcReceiver t = p.transportCc();
            if (t.enabled()) {
                on++;
            }
            messages += t.messages();
            packets += t.packets();
            without += t.missingExtension();
            late += t.late();
        }
        return on == 0 && messages == 0 ? null : new RunReport.TransportCc(on, receivers, messages, packets, without,
                late);
    }

    private static RunAggregator.Counters roomWindow(RunAggregator agg, int room, RunAggregator.Counters totalWindow) {
        return share(agg.counters(-1), agg.counters(room), totalWindow);
    }

    /** The window of a part of the run ({@code mine}), approximated by its share of the run's totals. */
    private static RunAggregator.Counters share(RunAggregator.Counters all, RunAggregator.Counters mine,
                                                RunAggregator.Counters totalWindow) {
        double in = all.packetsIn() == 0 ? 0 : (double) mine.packetsIn() / all.packetsIn();
        double outShare = all.packetsOut() == 0 ? 0 : (double) mine.packetsOut() / all.packetsOut();
        return new RunAggregator.Counters((long) (totalWindow.packetsOut() * outShare),
                (long) (totalWindow.bytesOut() * outShare), (long) (totalWindow.packetsIn() * in),
                (long) (totalWindow.bytesIn() * in), 0, 0);
    }

    private static RunReport.Sample sample(double t, List<SyntheticParticipant> ps, RunAggregator.Counters d,
                                           double dt, Histogram tick, double serverCpuPercent,
                                           TesterDelays.Tick own) {
        int connected = 0;
        int failed = 0;
        for (SyntheticParticipant p : ps) {
            if (p.state() == SyntheticParticipant.State.CONNECTED) {
                connected++;
            }
            if (p.failure() != null) {
                failed++;
            }
        }
        double loss = d.expected() <= 0 ? 0 : Math.max(0, 100.0 * d.lost() / d.expected());
        boolean any = tick.getTotalCount() > 0;
        return new RunReport.Sample(round(t), connected, failed, d.packetsOut() / dt, d.packetsIn() / dt,
                d.bytesIn() * 8 / dt / 1e6, d.bytesOut() * 8 / dt / 1e6, loss,
                any ? tick.getValueAtPercentile(50) / 1000.0 : 0, any ? tick.getValueAtPercentile(99) / 1000.0 : 0,
                serverCpuPercent, own.sendLagP99Ms(), own.receiveQueueMeanMs(), own.receiveQueueMaxMs());
    }

    static String progressLine(RunReport.Sample s, int total) {
        return String.format(Locale.ROOT,
                "[%5.0fs] connected %d/%d failed %d | out %.0f pkt/s %.1f Mbps | in %.0f pkt/s %.1f Mbps"
                        + " | loss %.2f%% | p50 %.1f ms p99 %.1f ms | tester: send lag p99 %.1f ms, rx queue %.1f/%.1f ms"
                        + "%s",
                s.t(), s.connected(), total, s.failed(), s.packetsOutPerSecond(), s.mbpsOut(), s.packetsInPerSecond(),
                s.mbpsIn(), s.lossPercent(), s.p50Ms(), s.p99Ms(), s.sendLagP99Ms(), s.receiveQueueMeanMs(),
                s.receiveQueueMaxMs(),
                Double.isNaN(s.serverCpuPercent()) ? "" : String.format(Locale.ROOT, " | server cpu %.0f%%",
                        s.serverCpuPercent()));
    }

    private Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server", o.server().toString());
        if (o.multiNode()) {
            m.put("servers", o.servers().stream().map(Object::toString).toList());
        }
        m.put("rooms", o.rooms());
        m.put("publishersPerRoom", o.publishers());
        m.put("subscribersPerRoom", o.subscribers());
        m.put("publishOnly", o.publishOnly());
        m.put("audioOnly", o.audioOnly());
        m.put("videoKbps", o.videoKbps());
        m.put("fps", o.fps());
        m.put("keyframeIntervalSeconds", o.keyframeIntervalSeconds());
        if (o.simulcast()) {
            m.put("simulcast", true);
            m.put("layerKbps", o.layerKbps());
        }
        if (o.subscribeLayer() != null) {
            m.put("subscribeLayer", o.subscribeLayer().rid());
        }
        if (o.capped()) {
            m.put("subscriberKbps", o.subscriberKbps());
            m.put("subscriberQueueMs", o.subscriberQueueMs());
            m.put("maxCappedLossPercent", o.maxCappedLossPercent());
        }
        m.put("durationSeconds", o.durationSeconds());
        m.put("warmupSeconds", o.warmupSeconds());
        m.put("rampUpPerSecond", o.rampUpPerSecond());
        m.put("maxPacketSize", o.maxPacketSize());
        m.put("participantsPerThread", o.participantsPerThread());
        m.put("maxLossPercent", o.maxLossPercent());
        m.put("maxRunLossPercent", o.maxRunLossPercent());
        m.put("rxPollMicros", o.rxPollMicros());
        m.put("maxP99Ms", o.maxP99Millis());
        m.put("maxFailures", o.maxFailures());
        m.put("maxTesterLagMs", o.maxTesterLagMillis());
        return m;
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("loadAverage", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static void sleepQuietly(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
