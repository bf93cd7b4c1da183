package dev.sfu.bench.loadtest;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./sfu loadtest}: synthetic publishers and subscribers against a running server (see
 * {@link LoadTestOptions#HELP}). Exits with the codes of {@link Verdict}.
 */
public final class LoadTestMain {
    private LoadTestMain() {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        LoadTestOptions o;
        try {
            o = LoadTestOptions.parse(args);
        } catch (LoadTestOptions.UsageException e) {
            String m = e.getMessage();
            err.println("sfu loadtest: " + m + (m.contains("--help") ? "" : " Run './sfu loadtest --help' for the options."));
            return Verdict.USAGE;
        }
        if (o.help()) {
            out.print(LoadTestOptions.HELP);
            return Verdict.OK;
        }
        try {
            return o.sweep().isEmpty() ? single(o, out) : sweep(o, out);
        } catch (Exception | Error e) {
            err.println("sfu loadtest: the load tester failed: " + e);
            e.printStackTrace(err);
            return Verdict.INTERNAL_ERROR;
        }
    }

    private static int single(LoadTestOptions o, PrintStream out) throws Exception {
        out.printf(Locale.ROOT, "Load test of %s: %d room(s) x (%d publishers%s + %d subscribers%s), %s, %.0f s, ramp-up "
                        + "%.1f/s%n", o.multiNode() ? o.servers().size() + " nodes (" + o.servers().stream().map(Object::toString)
                        .collect(java.util.stream.Collectors.joining(", ")) + ")" : o.server(), o.rooms(), o.publishers(), o.publishOnly() ? " (publish only)" : "",
                o.subscribers(), o.capped() ? String.format(Locale.ROOT, " capped at %d kbit/s, %.0f ms queue",
                        o.subscriberKbps(), o.subscriberQueueMs()) : "", media(o), o.durationSeconds(),
                o.rampUpPerSecond());
        RunReport r = new LoadRun(o, out).run();
        ReportPrinter.print(r, out);
        if (o.json() != null) {
            ReportPrinter.writeJson(r, o.json());
            out.println("JSON report: " + o.json());
        }
        if (o.plot() != null) {
            PlotWriter.writeTimeline(r, title(o), o.plot());
            out.println("Plot: " + o.plot());
        }
        return r.verdict().exitCode();
    }

    /** One run per room size until loss passes --sweep-stop-loss; a sweep table, JSON and plot. */
    private static int sweep(LoadTestOptions o, PrintStream out) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        List<RunReport> reports = new ArrayList<>();
        int worst = Verdict.OK;
        for (int n : o.sweep()) {
            LoadTestOptions one = o.withPublishers(n);
            out.printf(Locale.ROOT, "%n=== sweep: %d room(s) of %d publishers ===%n", o.rooms(), n);
            RunReport r = new LoadRun(one, out).run();
            ReportPrinter.print(r, out);
            sizes.add(n);
            reports.add(r);
            worst = Math.max(worst, r.verdict().exitCode());
            if (r.total().lossPercent() > o.sweepStopLossPercent()) {
                out.printf(Locale.ROOT, "Loss %.2f%% passed %.2f%% at %d publishers: the sweep stops.%n",
                        r.total().lossPercent(), o.sweepStopLossPercent(), n);
                break;
            }
        }
        out.println();
        out.printf(Locale.ROOT, "%-6s %5s %9s %9s %8s %8s %8s %8s %9s %10s %10s %9s %9s %7s%n", "size", "conn",
                "out pkt/s", "in pkt/s", "in Mbps", "loss %", "p50 ms", "p99 ms", "srv cpu%", "us/fwd pkt", "tester cpu%",
                "lag p99", "rxq mean", "valid");
        for (int i = 0; i < reports.size(); i++) {
            RunReport r = reports.get(i);
            RunReport.Group t = r.total();
            out.printf(Locale.ROOT, "%-6d %5d %9.0f %9.0f %8.1f %8.3f %8.2f %8.2f %9.1f %10.2f %10.1f %9.2f %9.2f %7s%n",
                    sizes.get(i), t.connected(), t.packetsSentPerSecond(), t.packetsReceivedPerSecond(),
                    t.mbpsReceived(), t.lossPercent(), t.latency().p50(), t.latency().p99(), r.server().cpuPercent(),
                    r.server().microsPerForwardedPacket(), r.loadTester().cpuPercent(), r.loadTester().sendLagP99Ms(),
                    r.loadTester().receiveQueueMeanMs(), r.loadTester().overloaded() ? "NO" : "yes");
        }
        if (o.json() != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sizes", sizes);
            m.put("runs", reports);
            ReportPrinter.writeJson(m, o.json());
            out.println("JSON report: " + o.json());
        }
        if (o.plot() != null) {
            PlotWriter.writeSweep(sizes, reports, "Room size sweep: " + (o.audioOnly() ? "audio only"
                    : "audio + " + o.videoKbps() + " kbps video") + ", every publisher receives all others", o.plot());
            out.println("Plot: " + o.plot());
            Path last = o.plot().resolveSibling(stripPng(o.plot().getFileName().toString()) + "-last-run.png");
            PlotWriter.writeTimeline(reports.get(reports.size() - 1), title(o.withPublishers(sizes.get(sizes.size() - 1))),
                    last);
        }
        return worst;
    }

    private static String media(LoadTestOptions o) {
        if (o.audioOnly()) {
            return "audio only";
        }
        String video = o.simulcast()
                ? String.format(Locale.ROOT, "simulcast VP8 q/h/f %d/%d/%d kbps (or %d kbps if declined)",
                        o.layerKbps().get(0), o.layerKbps().get(1), o.layerKbps().get(2), o.videoKbps())
                : o.videoKbps() + " kbps VP8";
        return "audio + " + video + " at " + o.fps() + " fps"
                + (o.subscribeLayer() == null ? "" : ", receivers ask for layer " + o.subscribeLayer().rid());
    }

    private static String stripPng(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".png") ? name.substring(0, name.length() - 4) : name;
    }

    private static String title(LoadTestOptions o) {
        return String.format(Locale.ROOT, "%d room(s) x %d publishers + %d subscribers, %s", o.rooms(), o.publishers(),
                o.subscribers(), media(o));
    }
}
