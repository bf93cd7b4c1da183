package dev.sfu.bench.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Prints a {@link RunReport} as tables, and writes it as JSON. */
public final class ReportPrinter {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private ReportPrinter() {
    }

    public static void print(RunReport r, PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "Measured window %.1f s, starting %.1f s after the first join (all connected and "
                + "settled). Rates, latency and loss over the window.%n", r.steadySeconds(), r.rampSeconds());
        List<RunReport.Group> rows = new ArrayList<>(r.rooms());
        rows.add(r.total());
        out.println();
        out.printf(Locale.ROOT, "%-14s %5s %5s %5s %9s %9s %8s %8s %8s %8s %8s %8s %8s %8s %9s%n", "room", "part",
                "conn", "fail", "out pkt/s", "in pkt/s", "in Mbps", "loss %", "p50 ms", "p95 ms", "p99 ms", "max ms",
                "jit ms", "1st ms", "connect");
        for (RunReport.Group g : rows) {
            out.printf(Locale.ROOT, "%-14s %5d %5d %5d %9.0f %9.0f %8.2f %8.3f %8.2f %8.2f %8.2f %8.1f %8.2f %8.0f %9.0f%n",
                    abbreviate(g.name()), g.participants(), g.connected(), g.failed(), g.packetsSentPerSecond(),
                    g.packetsReceivedPerSecond(), g.mbpsReceived(), g.lossPercent(), g.latency().p50(),
                    g.latency().p95(), g.latency().p99(), g.latency().max(), g.jitterMeanMs(),
                    g.joinToFirstMediaMs().p50(), g.connectMs().p50());
        }
        if (r.nodes() != null && !r.nodes().isEmpty()) {
            printNodes(r.nodes(), out);
        }
        RunReport.Group t = r.total();
        out.println();
        out.printf(Locale.ROOT, "Packets: %d sent, %d received, %d expected, %d lost (of which %d sent but still not "
                        + "received when the run ended), %d duplicate, %d reordered, "
                        + "%d retransmissions received, %d misrouted, %d not from this run.%n",
                t.packetsSent(), t.packetsReceived(), t.expected(), t.lost(), t.undeliveredAtEnd(), t.duplicates(),
                t.reordered(),
                t.retransmissionsReceived(), t.misrouted(), t.foreign());
        out.printf(Locale.ROOT, "Loss over the whole run, joins included: %.3f%% (%d of %d expected); in the measured "
                + "window: %.3f%% (%d of %d); streams never received by a receiver in their room (counted as "
                + "lost): %d.%n", t.runLossPercent(), t.runLost(), t.runExpected(), t.lossPercent(),
                t.lost(), t.expected(), t.streamsNeverReceived());
        out.printf(Locale.ROOT, "Video: %d key frames sent, %d key frame requests (PLI/FIR), %d NACKed packets "
                + "resent, %d NACKs too old; receivers NACKed %d packets.%n", t.keyframesSent(), t.keyframeRequests(),
                t.retransmissionsSent(), t.nacksMissed(), t.receiverNacks());
        if (r.simulcast() != null) {
            printSimulcast(r.simulcast(), out);
        }
        if (r.transportCc() != null) {
            RunReport.TransportCc tcc = r.transportCc();
            out.printf(Locale.ROOT, "Transport-cc feedback: negotiated by the server with %d of %d receivers; %d "
                            + "messages sent reporting %d packets; %d packets arrived without the extension, %d after "
                            + "their sequence number was reported.%n", tcc.receivers(), tcc.of(), tcc.messages(),
                    tcc.packets(), tcc.withoutExtension(), tcc.late());
        } else {
            out.println("Transport-cc feedback: not sent (the server's offers did not negotiate the transport-wide "
                    + "sequence number extension with a=rtcp-fb transport-cc).");
        }
        if (r.capped() != null) {
            printCapped(r.capped(), maxCappedLoss(r), out);
        }
        out.printf(Locale.ROOT, "Join to first media (participants joining a room with media): n=%d p50 %.0f ms "
                        + "p95 %.0f ms max %.0f ms; join to connected p50 %.0f ms max %.0f ms.%n",
                t.joinToFirstMediaMs().count(), t.joinToFirstMediaMs().p50(), t.joinToFirstMediaMs().p95(),
                t.joinToFirstMediaMs().max(), t.connectMs().p50(), t.connectMs().max());
        RunReport.Server s = r.server();
        if (Double.isNaN(s.cpuSeconds())) {
            out.println("Server CPU: unknown (" + s.cpuSource() + ").");
        } else {
            out.printf(Locale.ROOT, "Server CPU (%s): %.1f%% of one core, %.2f us per forwarded packet, "
                    + "%.2f us per packet received from publishers.%n", s.cpuSource(), s.cpuPercent(),
                    s.microsPerForwardedPacket(), s.microsPerPacketIn());
        }
        RunReport.LoadTester lt = r.loadTester();
        out.printf(Locale.ROOT, "Load tester: %.1f%% of one core, %d send threads, send lag p50 %.2f ms p99 %.2f ms "
                        + "max %.1f ms, %d skips; own receive queue wait mean %.2f ms max %.1f ms (inside the latency "
                        + "figures); transport drops %s.%n", lt.cpuPercent(), lt.sendThreads(), lt.sendLagP50Ms(),
                lt.sendLagP99Ms(), lt.maxSendLagMs(), lt.sendSkips(), lt.receiveQueueMeanMs(), lt.receiveQueueMaxMs(),
                lt.transportDrops());
        if (lt.overloaded()) {
            out.println();
            out.println("*** " + Verdict.overloadMessage(lt, maxTesterLag(r)) + " ***");
        }
        if (!r.failures().isEmpty()) {
            out.println();
            out.println("Failures " + r.failureCounts() + ":");
            for (RunReport.FailureEntry f : r.failures()) {
                out.printf(Locale.ROOT, "  %-16s %-14s at %6.1f s  %-18s %s%n", f.participant(), f.room(),
                        f.atSeconds(), f.reason(), f.detail());
            }
        }
        out.println();
        if (r.verdict().missed().isEmpty()) {
            out.println("PASS (exit 0)");
        } else {
            out.println("FAIL (exit " + r.verdict().exitCode() + "): " + String.join("; ", r.verdict().missed()));
        }
    }

    /**
     * The per-node table (several --server, or redirected joins): each node's participants (those
     * that joined there), how many of them a redirect sent there, and their figures as in the room table.
     */
    static void printNodes(List<RunReport.Node> nodes, PrintStream out) {
        int redirected = nodes.stream().mapToInt(RunReport.Node::redirected).sum();
        int joined = nodes.stream().mapToInt(RunReport.Node::joinedThere).sum();
        out.println();
        out.printf(Locale.ROOT, "Per node (by the node each participant joined): %d joins, %d of them after a "
                + "redirect to the node hosting the room.%n", joined, redirected);
        out.printf(Locale.ROOT, "%-21s %5s %5s %5s %9s %9s %8s %8s %8s %8s %8s %8s %8s %9s%n", "node", "part",
                "redir", "conn", "out pkt/s", "in pkt/s", "in Mbps", "loss %", "p50 ms", "p95 ms", "p99 ms", "max ms",
                "jit ms", "connect");
        for (RunReport.Node n : nodes) {
            RunReport.Group g = n.figures();
            out.printf(Locale.ROOT, "%-21s %5d %5d %5d %9.0f %9.0f %8.2f %8.3f %8.2f %8.2f %8.2f %8.1f %8.2f %9.0f%n",
                    abbreviate(g.name(), 21), n.joinedThere(), n.redirected(), g.connected(), g.packetsSentPerSecond(),
                    g.packetsReceivedPerSecond(), g.mbpsReceived(), g.lossPercent(), g.latency().p50(),
                    g.latency().p95(), g.latency().p99(), g.latency().max(), g.jitterMeanMs(), g.connectMs().p50());
        }
    }

    /** The simulcast paragraph and per-layer table (--simulcast or --subscribe-layer). */
    static void printSimulcast(RunReport.Simulcast s, PrintStream out) {
        if (s.publishersOffering() > 0) {
            out.printf(Locale.ROOT, "Simulcast: %d of %d publishers offering it send layers%s", s.publishersSimulcast(),
                    s.publishersOffering(), s.publishersFellBack() == 0 ? "." + System.lineSeparator() : "; ");
            if (s.publishersFellBack() > 0) {
                out.printf(Locale.ROOT, "%d fell back to one stream at --video-kbps: the server's answer had no "
                        + "a=simulcast:recv (it declined simulcast).%n", s.publishersFellBack());
            }
        } else {
            out.println("Simulcast: not offered (no --simulcast).");
        }
        out.printf(Locale.ROOT, "Receivers %s.%n", s.subscribeLayer() == null
                ? "sent no videoTiles (the server forwards its default layer)"
                : "asked for layer " + s.subscribeLayer() + " in " + s.videoTilesSent() + " videoTiles message(s)");
        out.printf(Locale.ROOT, "  %-8s %10s %15s %14s %14s %12s%n", "layer", "sent Mbps", "forwarded Mbps",
                "kbps/stream", "stream-s on it", "streams now");
        for (RunReport.Layer l : s.layers()) {
            if (l.rid().equals("unknown") && l.forwardedMbps() == 0 && l.streamsAtEnd() == 0) {
                continue;
            }
            out.printf(Locale.ROOT, "  %-8s %10.2f %15.2f %14.0f %14.1f %12d%n", l.rid(), l.sentMbps(),
                    l.forwardedMbps(), l.kbpsPerStream(), l.streamOnLayerSeconds(), l.streamsAtEnd());
        }
        out.printf(Locale.ROOT, "Layer switches seen by receivers (key frame width): %d, layer changes not at a key "
                        + "frame: %d; remoteVideo: %d message(s), %d paused; dynacast: %d layersNeeded, %d layer "
                        + "stop(s), %d resume(s).%n", s.layerSwitches(), s.switchesNotAtKeyframe(),
                s.remoteVideoMessages(), s.remoteVideoPaused(), s.layersNeededMessages(), s.layerStops(),
                s.layerResumes());
    }

    /** The capped subscribers' table and the target line (--subscriber-kbps). */
    static void printCapped(RunReport.Capped c, Double maxCappedLoss, PrintStream out) {
        out.printf(Locale.ROOT, "Capped subscribers: downlink %d kbit/s, queue %.0f ms; %d of %d negotiated "
                        + "transport-cc; server estimate: %s.%n", c.capKbps(), c.queueMs(), c.transportCcSubscribers(),
                c.subscribers().size(), c.estimateSource());
        out.printf(Locale.ROOT, "  %-12s %-10s %8s %8s %5s %-16s %5s %9s %6s %8s %8s %8s %7s %7s %5s%n", "subscriber",
                "room", "est kbps", "mean", "tcc", "layers (time)", "now", "goodput", "% cap", "loss %", "probe %",
                "bn drops", "drop %", "queue", "sw");
        for (RunReport.CappedSubscriber s : c.subscribers()) {
            out.printf(Locale.ROOT, "  %-12s %-10s %8s %8s %5s %-16s %5s %9.0f %6.0f %8.2f %8.2f %8d %7.2f %7.1f %5d%n",
                    abbreviate(s.name(), 12), abbreviate(s.room(), 10), kbps(s.estimateKbps()),
                    kbps(s.estimateMeanKbps()), s.transportCc() ? s.feedbackSent() + "" : "no", s.layers(),
                    s.layerAtEnd(), s.goodputKbps(), s.goodputPercentOfCap(), s.lossPercent(), s.probeLossPercent(),
                    s.bottleneckDrops(), s.dropPercent(), s.maxQueueMs(), s.layerSwitches());
        }
        out.printf(Locale.ROOT, "  (est: the server's downlink estimate, last and mean; tcc: transport-cc feedback "
                + "messages sent, 'no' when not negotiated; goodput: kbit/s of RTP received through the cap; loss: "
                + "RTP packets the server sent that never arrived, after NACK/RTX; probe: the publishers' probe "
                + "sequences never received, which also counts what the server chose not to send (lower temporal "
                + "layers, paused videos); bn drops: datagrams the cap dropped; queue: longest wait in it, ms; "
                + "sw: layer switches.)%n");
        out.printf(Locale.ROOT, "Capped totals: %d bottleneck drops (%.2f%% of what reached the caps), mean goodput "
                + "%.0f kbit/s (%.0f%% of the cap), %d layer switches.%n", c.bottleneckDrops(), c.dropPercent(),
                c.goodputKbps(), 100 * c.goodputKbps() / Math.max(1, c.capKbps()), c.layerSwitches());
        out.println(CappedSubscribers.targetLine(c, maxCappedLoss));
    }

    private static String kbps(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static Double maxCappedLoss(RunReport r) {
        Object v = r.config().get("maxCappedLossPercent");
        return v instanceof Number n ? n.doubleValue() : null;
    }

    private static double maxTesterLag(RunReport r) {
        Object v = r.config().get("maxTesterLagMs");
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    public static void writeJson(Object report, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(file.toFile(), report);
    }

    private static String abbreviate(String s) {
        return abbreviate(s, 14);
    }

    private static String abbreviate(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "~";
    }
}
