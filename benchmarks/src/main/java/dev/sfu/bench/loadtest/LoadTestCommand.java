package dev.sfu.bench.loadtest;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The options of {@code ./sfu loadtest}, declared for picocli, in the sections of its help.
 * Values are typed (picocli names the option when one does not convert); ranges and the rules
 * between options are checked by {@link LoadTestOptions#parse}.
 */
@Command(name = "loadtest", abbreviateSynopsis = true, sortOptions = false, usageHelpWidth = 110,
        descriptionHeading = "%n", optionListHeading = "%nOptions:%n",
        description = {
            "Synthetic participants join rooms of a running SFU over the real protocol (WebSocket",
            "signaling, SDP offer/answer, ICE, DTLS, SRTP), publish Opus-like audio and VP8-like video,",
            "receive everyone else (answering loss with NACKs and sending receiver reports, as a browser",
            "does), and measure loss, one-way latency, jitter and bitrate."},
        footerHeading = "%n",
        footer = {
            "Capped subscribers: every receiver sends transport-wide congestion control feedback (transport-cc,",
            "every 100 ms, as Chromium does) when the server's offer negotiates it: the transport-wide sequence",
            "number extension and a=rtcp-fb transport-cc. With --subscriber-kbps the report adds a row per capped",
            "subscriber: the server's downlink estimate for it (GET /api/rooms/ROOM, a participant's",
            "downlink.estimateBps; '-' when the server does not publish one), the layers it received, goodput",
            "against the cap, loss with bottleneck drops, and layer switches.",
            "",
            "Simulcast: with --simulcast or --subscribe-layer the report adds, per layer, the bitrate sent and",
            "forwarded (bits received while on that layer, the layer told by each key frame's width), layer",
            "switches, and the server's remoteVideo pauses and layersNeeded messages.",
            "",
            "Exit codes",
            "  0  every criterion met",
            "  1  the load tester itself failed (a bug; see the message)",
            "  2  bad command line",
            "  3  nothing measured: no participant connected, or no media was received",
            "  4  loss above --max-loss, --max-run-loss or --max-capped-loss",
            "  5  p99 latency above --max-p99-ms",
            "  6  more participant failures than --max-failures",
            "  7  invalid run: the load tester was overloaded (\"load tester overloaded: sender lag p99 ...\");",
            "     its loss and latency figures are about the tester, not the server. Run it on another host",
            "     or with fewer participants",
            "  When several criteria are missed, the lowest code is returned and all are printed; 7 overrides",
            "  4, 5 and 6.",
            "",
            "Example",
            "  ./sfu loadtest --rooms 1 --publishers 20 --video-kbps 500 --duration 30 \\",
            "      --json report.json --plot report.png --max-loss 0.5 --max-p99-ms 20"})
public final class LoadTestCommand {
    @ArgGroup(validate = false, order = 1, heading = "%nParticipants%n")
    Participants participants = new Participants();

    @ArgGroup(validate = false, order = 2, heading = "%nCapped subscribers (congestion control)%n")
    Capped capped = new Capped();

    @ArgGroup(validate = false, order = 3, heading = "%nMedia%n")
    Media media = new Media();

    @ArgGroup(validate = false, order = 4, heading = "%nSimulcast%n")
    Simulcast simulcast = new Simulcast();

    @ArgGroup(validate = false, order = 5, heading = "%nRun and report%n")
    Run run = new Run();

    @ArgGroup(validate = false, order = 6, heading = "%nPass criteria (exit codes)%n")
    Criteria criteria = new Criteria();

    @Option(names = {"-h", "--help"}, usageHelp = true, order = 99, description = "Print this help")
    boolean help;

    static final class Participants {
        @Option(names = "--server", paramLabel = "URL[,URL...]", hideParamSyntax = true, order = 1,
                defaultValue = "http://127.0.0.1:8080", converter = ServerUrl.class, split = ",",
                description = "Server base URL (http, https, ws or wss); /ws is appended. Several (comma-separated "
                        + "or repeated; the nodes of a cluster, at most 64): participant i of each room connects to "
                        + "server i mod n; every participant follows a redirect to the node hosting its room; the "
                        + "report adds a table per node. Default: ${DEFAULT-VALUE}")
        List<URI> server;

        @Option(names = "--rooms", paramLabel = "N", order = 2, defaultValue = "1",
                description = "Rooms to fill, 1-10000. Default: ${DEFAULT-VALUE}")
        int rooms;

        @Option(names = "--publishers", paramLabel = "N", order = 3, defaultValue = "2",
                description = "Publishers per room, 0-10000; each also receives the others. Default: ${DEFAULT-"
                        + "VALUE}")
        int publishers;

        @Option(names = "--subscribers", paramLabel = "N", order = 4, defaultValue = "0",
                description = "Receive-only participants per room, 0-10000. Default: ${DEFAULT-VALUE}")
        int subscribers;

        @Option(names = "--publish-only", order = 5, description = "Publishers do not receive")
        boolean publishOnly;

        @Option(names = "--room-prefix", paramLabel = "NAME", order = 6, defaultValue = "loadtest",
                description = "Room names are NAME-1, NAME-2 ... (1 to 50 of A-Z a-z 0-9 _ -). Default: ${DEFAULT-"
                        + "VALUE}")
        String roomPrefix;

        @Option(names = "--ramp-up", paramLabel = "PER_SECOND", order = 7, defaultValue = "5",
                description = "Participants started per second, 0.1-10000. Default: ${DEFAULT-VALUE}")
        double rampUp;

        @Option(names = "--connect-timeout", paramLabel = "SECONDS", order = 8, defaultValue = "15",
                description = "Time allowed from join to DTLS connected, 1-600. Default: ${DEFAULT-VALUE}")
        double connectTimeout;

        @Option(names = "--bind", paramLabel = "ADDRESS", order = 9, defaultValue = "127.0.0.1",
                description = "Local address of the participants' media sockets. Default: ${DEFAULT-VALUE}")
        String bind;
    }

    static final class Capped {
        @Option(names = "--subscriber-kbps", paramLabel = "KBPS", order = 1,
                description = "Give each receive-only participant (--subscribers) a downlink of KBPS kbit/s "
                        + "(16-1000000), as a bottleneck link would: a token bucket at that rate with a bounded "
                        + "queue in the tester's receive path, IP and UDP headers counted. A datagram that would"
                        + " wait longer than --subscriber-queue-ms is dropped (a bottleneck drop: the server "
                        + "sent more than the link carries); the others arrive when the link has carried them, "
                        + "and that is the arrival time the receiver measures and reports. Publishers stay "
                        + "uncapped. Default: no cap")
        Integer subscriberKbps;

        @Option(names = "--subscriber-queue-ms", paramLabel = "MS", order = 2,
                description = "The capped link's queue, as tc tbf's latency, 0-10000. Default: 50")
        Double subscriberQueueMs;

        @Option(names = "--max-capped-loss", paramLabel = "PCT", order = 3,
                description = "Fail (exit 4) when a capped subscriber's loss in the measured window is above PCT "
                        + "(issue 13 asks for under 2)")
        Double maxCappedLoss;
    }

    static final class Media {
        @Option(names = "--audio-only", order = 1, description = "No video")
        boolean audioOnly;

        @Option(names = "--speakers", paramLabel = "N", order = 2,
                description = "Publishers per room that speak at once (0-10000); the turn passes every 4 s. The "
                        + "others are silent, as most people in a meeting are: audio level 127 and a 1-byte Opus"
                        + " frame every 20 ms, or every 400 ms when the server's answer asks for DTX (usedtx=1),"
                        + " as a browser's libopus does. Default: all")
        Integer speakers;

        @Option(names = "--video-kbps", paramLabel = "KBPS", order = 3, defaultValue = "500",
                description = "Video bitrate per publisher, 10-100000. Default: ${DEFAULT-VALUE}")
        int videoKbps;

        @Option(names = "--fps", paramLabel = "N", order = 4, defaultValue = "30",
                description = "Video frames per second, 1-120. Default: ${DEFAULT-VALUE}")
        int fps;

        @Option(names = "--keyframe-interval", paramLabel = "SEC", order = 5, defaultValue = "5",
                description = "Seconds between periodic key frames, 0.1-3600; PLI/FIR also get one. Default: "
                        + "${DEFAULT-VALUE}")
        double keyframeInterval;

        @Option(names = "--max-packet-size", paramLabel = "BYTES", order = 6, defaultValue = "1200",
                description = "Largest RTP packet sent, 200-1400. Default: ${DEFAULT-VALUE}")
        int maxPacketSize;

        @Option(names = "--participants-per-thread", paramLabel = "N", order = 7, defaultValue = "10",
                description = "Publishers paced by one sending thread, 1-10000. Default: ${DEFAULT-VALUE}")
        int participantsPerThread;

        @Option(names = "--rx-poll-us", paramLabel = "MICROS", order = 8, defaultValue = "200",
                description = "The receive thread checks all sockets this often instead of sleeping until a datagram"
                        + " arrives (0-100000; 0 = sleep). With a server on the same host, waking a sleeping "
                        + "receiver is charged to the server's sendto; polling keeps that cost off the server, "
                        + "as on a real network. Adds at most this much to each measured latency. Default: "
                        + "${DEFAULT-VALUE}")
        int rxPollMicros;
    }

    static final class Simulcast {
        @Option(names = "--simulcast", order = 1,
                description = "Each publisher offers its video as three simulcast layers, as Chromium does: a=rid q,"
                        + " h, f and a=simulcast:send q;h;f, no video a=ssrc lines, the rtp-stream-id (and on "
                        + "RTX repaired-rtp-stream-id) extension. When the server's answer has a=simulcast:recv,"
                        + " each layer is sent on its own SSRC (and RTX SSRC) at 320x180, 640x360, 1280x720 with"
                        + " VP8 temporal layers, and layersNeeded messages stop and resume layers (dynacast); "
                        + "otherwise the publisher falls back to one stream at --video-kbps (the report says how"
                        + " many did)")
        boolean simulcast;

        @Option(names = "--layer-kbps", paramLabel = "Q,H,F", order = 2,
                description = "Bitrates of the q, h and f layers with --simulcast, each 10-100000. Default: "
                        + "150,500,1500")
        String layerKbps;

        @Option(names = "--subscribe-layer", paramLabel = "q|h|f", order = 3, converter = Layer.class,
                completionCandidates = Layer.Names.class,
                description = "After each answer to a server offer, every receiver sends videoTiles sizing each "
                        + "remote video at that layer (q 320x180, h 640x360, f 1280x720), as the call page does;"
                        + " without it nothing is sent (the server forwards its default, the highest layer)")
        SimulcastLayer subscribeLayer;
    }

    static final class Run {
        @Option(names = "--duration", paramLabel = "SECONDS", order = 1, defaultValue = "30",
                description = "Measured time after the last participant started, 1-86400. Default: ${DEFAULT-VALUE}")
        double duration;

        @Option(names = "--warmup", paramLabel = "SECONDS", order = 2, defaultValue = "5",
                description = "Media flows this long before the measured window opens (0-3600), so that the server's"
                        + " JIT compilation is not billed as CPU per packet. Default: ${DEFAULT-VALUE}")
        double warmup;

        @Option(names = "--json", paramLabel = "FILE", order = 3, description = "Write the full report as JSON")
        Path json;

        @Option(names = "--plot", paramLabel = "FILE.png", order = 4,
                description = "Write a plot of bitrate and latency over time (XChart)")
        Path plot;

        @Option(names = "--server-pid", paramLabel = "PID", order = 5,
                description = "Read the server's CPU from /proc/PID/stat (server on this machine); without it, the "
                        + "server's /metrics sfu_process_cpu_ratio is used if present")
        Integer serverPid;

        @Option(names = "--quiet", order = 6, description = "No progress line per second")
        boolean quiet;

        @Option(names = "--sweep", paramLabel = "N,N,...", order = 7,
                description = "Run once per room size (publishers per room, 1-10000), stopping after the first size "
                        + "whose loss exceeds --sweep-stop-loss; --plot then plots the sweep")
        String sweep;

        @Option(names = "--sweep-stop-loss", paramLabel = "PCT", order = 8, defaultValue = "1",
                description = "Loss that ends a sweep, 0-100. Default: ${DEFAULT-VALUE}")
        double sweepStopLoss;
    }

    static final class Criteria {
        @Option(names = "--max-loss", paramLabel = "PCT", order = 1,
                description = "Fail (exit 4) when loss in the measured window (every participant connected, after "
                        + "--warmup) is above PCT (0-100)")
        Double maxLoss;

        @Option(names = "--max-run-loss", paramLabel = "PCT", order = 2,
                description = "Fail (exit 4) when loss over the whole run, the join phase included, is above PCT "
                        + "(both losses are always reported)")
        Double maxRunLoss;

        @Option(names = "--max-p99-ms", paramLabel = "MS", order = 3,
                description = "Fail (exit 5) when the p99 one-way latency is above MS")
        Double maxP99;

        @Option(names = "--max-failures", paramLabel = "N", order = 4, defaultValue = "0",
                description = "Fail (exit 6) when more than N participants failed. Default: ${DEFAULT-VALUE}")
        int maxFailures;

        @Option(names = "--max-tester-lag-ms", paramLabel = "MS", order = 5, defaultValue = "20",
                description = "Declare the run invalid (exit 7) when the tester's own send lag p99, or the mean wait"
                        + " in its own receive queues, is above MS: the tester, not the server, then set the "
                        + "figures. Default: ${DEFAULT-VALUE}")
        double maxTesterLag;
    }

    /** --server: an http, https, ws or wss URL with a host. */
    static final class ServerUrl implements ITypeConverter<URI> {
        @Override
        public URI convert(String v) {
            try {
                URI u = URI.create(v);
                if (u.getScheme() != null && u.getHost() != null
                        && List.of("http", "https", "ws", "wss").contains(u.getScheme().toLowerCase(Locale.ROOT))) {
                    return u;
                }
            } catch (IllegalArgumentException e) {
                // Reported below.
            }
            throw new TypeConversionException("must be a URL such as http://127.0.0.1:8080, not '" + v + "'");
        }
    }

    /** --subscribe-layer: q, h or f. */
    static final class Layer implements ITypeConverter<SimulcastLayer> {
        @Override
        public SimulcastLayer convert(String v) {
            SimulcastLayer l = SimulcastLayer.ofRid(v.strip());
            if (l == null) {
                throw new TypeConversionException("must be q (320x180), h (640x360) or f (1280x720), "
                        + "not '" + v + "'");
            }
            return l;
        }

        /** Completion candidates. */
        static final class Names implements Iterable<String> {
            @Override
            public java.util.Iterator<String> iterator() {
                return List.of("q", "h", "f").iterator();
            }
        }
    }
}
