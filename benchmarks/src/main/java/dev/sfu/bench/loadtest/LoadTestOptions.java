package dev.sfu.bench.loadtest;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of {@code ./sfu loadtest}. {@link #parse} throws {@link UsageException} with
 * a sentence naming the bad option; {@link #HELP} is the text of {@code --help}.
 */
public record LoadTestOptions(URI server, int rooms, int publishers, int subscribers, boolean publishOnly,
                              boolean audioOnly, int videoKbps, int fps, double keyframeIntervalSeconds,
                              double durationSeconds, double rampUpPerSecond, String roomPrefix, Path json, Path plot,
                              Double maxLossPercent, Double maxRunLossPercent, Double maxP99Millis, int maxFailures,
                              double maxTesterLagMillis,
                              long serverPid,
                              String bind, int participantsPerThread, int rxPollMicros, int maxPacketSize,
                              double connectTimeoutSeconds,
                              double warmupSeconds,
                              boolean simulcast, List<Integer> layerKbps, SimulcastLayer subscribeLayer,
                              List<Integer> sweep, double sweepStopLossPercent, int subscriberKbps,
                              double subscriberQueueMs, Double maxCappedLossPercent, int speakers, boolean quiet,
                              boolean help) {

    public static final String HELP = """
            Usage: ./sfu loadtest [OPTIONS]

            Synthetic participants join rooms of a running SFU over the real protocol (WebSocket
            signaling, SDP offer/answer, ICE, DTLS, SRTP), publish Opus-like audio and VP8-like video,
            receive everyone else (answering loss with NACKs and sending receiver reports, as a browser
            does), and measure loss, one-way latency, jitter and bitrate.

            Participants
              --server URL               server base URL (default http://127.0.0.1:8080); /ws is appended
              --rooms N                  rooms to fill (default 1)
              --publishers N             publishers per room (default 2); each also receives the others
              --subscribers N            receive-only participants per room (default 0)
              --publish-only             publishers do not receive
              --room-prefix NAME         room names are NAME-1, NAME-2 ... (default loadtest)
              --ramp-up PER_SECOND       participants started per second (default 5)
              --connect-timeout SECONDS  time allowed from join to DTLS connected (default 15)
              --bind ADDRESS             local address of the participants' media sockets (default 127.0.0.1)

            Capped subscribers (congestion control)
              --subscriber-kbps KBPS     give each receive-only participant (--subscribers) a downlink of KBPS
                                         kbit/s, as a bottleneck link would: a token bucket at that rate with a
                                         bounded queue in the tester's receive path, IP and UDP headers counted.
                                         A datagram that would wait longer than --subscriber-queue-ms is dropped
                                         (a bottleneck drop: the server sent more than the link carries); the
                                         others arrive when the link has carried them, and that is the arrival
                                         time the receiver measures and reports. Publishers stay uncapped
              --subscriber-queue-ms MS   the capped link's queue, as tc tbf's latency (default 50)
              --max-capped-loss PCT      fail (exit 4) when a capped subscriber's loss in the measured window
                                         is above PCT (issue 13 asks for under 2)
              Every receiver sends transport-wide congestion control feedback (transport-cc, every 100 ms,
              as Chromium does) when the server's offer negotiates it: the transport-wide sequence number
              extension and a=rtcp-fb transport-cc. With --subscriber-kbps the report adds a row per capped
              subscriber: the server's downlink estimate for it (GET /api/rooms/ROOM, a participant's
              downlink.estimateBps; '-' when the server does not publish one), the layers it received,
              goodput against the cap, loss with bottleneck drops, and layer switches.

            Media
              --audio-only               no video
              --speakers N               publishers per room that speak at once (default: all); the turn passes
                                         every 4 s. The others are silent, as most people in a meeting are: audio
                                         level 127 and a 1-byte Opus frame every 20 ms, or every 400 ms when the
                                         server's answer asks for DTX (usedtx=1), as a browser's libopus does
              --video-kbps KBPS          video bitrate per publisher (default 500)
              --fps N                    video frames per second (default 30)
              --keyframe-interval SEC    seconds between periodic key frames (default 5); PLI/FIR also get one
              --max-packet-size BYTES    largest RTP packet sent (default 1200)
              --participants-per-thread N  publishers paced by one sending thread (default 10)
              --rx-poll-us MICROS        the receive thread checks all sockets this often instead of sleeping until
                                         a datagram arrives (default 200; 0 = sleep). With a server on the same
                                         host, waking a sleeping receiver is charged to the server's sendto; polling
                                         keeps that cost off the server, as on a real network. Adds at most this
                                         much to each measured latency

            Simulcast
              --simulcast                each publisher offers its video as three simulcast layers, as Chromium
                                         does: a=rid q, h, f and a=simulcast:send q;h;f, no video a=ssrc lines,
                                         the rtp-stream-id (and on RTX repaired-rtp-stream-id) extension. When the
                                         server's answer has a=simulcast:recv, each layer is sent on its own SSRC
                                         (and RTX SSRC) at 320x180, 640x360, 1280x720 with VP8 temporal layers,
                                         and layersNeeded messages stop and resume layers (dynacast); otherwise
                                         the publisher falls back to one stream at --video-kbps (the report says
                                         how many did)
              --layer-kbps Q,H,F         bitrates of the q, h and f layers with --simulcast (default 150,500,1500)
              --subscribe-layer q|h|f    after each answer to a server offer, every receiver sends videoTiles
                                         sizing each remote video at that layer (q 320x180, h 640x360, f 1280x720),
                                         as the call page does; without it nothing is sent (the server forwards
                                         its default, the highest layer)
              With --simulcast or --subscribe-layer the report adds, per layer, the bitrate sent and forwarded
              (bits received while on that layer, the layer told by each key frame's width), layer switches,
              and the server's remoteVideo pauses and layersNeeded messages.

            Run and report
              --duration SECONDS         measured time after the last participant started (default 30)
              --warmup SECONDS           media flows this long before the measured window opens (default 5), so
                                         that the server's JIT compilation is not billed as CPU per packet
              --json FILE                write the full report as JSON
              --plot FILE.png            write a plot of bitrate and latency over time (XChart)
              --server-pid PID           read the server's CPU from /proc/PID/stat (server on this machine);
                                         without it, the server's /metrics sfu_process_cpu_ratio is used if present
              --quiet                    no progress line per second
              --sweep N,N,...            run once per room size (publishers per room), stopping after the first
                                         size whose loss exceeds --sweep-stop-loss; --plot then plots the sweep
              --sweep-stop-loss PCT      loss that ends a sweep (default 1)

            Pass criteria (exit codes)
              --max-loss PCT             fail (exit 4) when loss in the measured window (every participant
                                         connected, after --warmup) is above PCT
              --max-run-loss PCT         fail (exit 4) when loss over the whole run, the join phase included,
                                         is above PCT (both losses are always reported)
              --max-p99-ms MS            fail (exit 5) when the p99 one-way latency is above MS
              --max-failures N           fail (exit 6) when more than N participants failed (default 0)
              --max-tester-lag-ms MS     declare the run invalid (exit 7) when the tester's own send lag p99, or
                                         the mean wait in its own receive queues, is above MS (default 20): the
                                         tester, not the server, then set the figures

            Exit codes
              0  every criterion met
              1  the load tester itself failed (a bug; see the message)
              2  bad command line
              3  nothing measured: no participant connected, or no media was received
              4  loss above --max-loss, --max-run-loss or --max-capped-loss
              5  p99 latency above --max-p99-ms
              6  more participant failures than --max-failures
              7  invalid run: the load tester was overloaded ("load tester overloaded: sender lag p99 ...");
                 its loss and latency figures are about the tester, not the server. Run it on another host
                 or with fewer participants
              When several criteria are missed, the lowest code is returned and all are printed; 7 overrides
              4, 5 and 6.

            Example
              ./sfu loadtest --rooms 1 --publishers 20 --video-kbps 500 --duration 30 \\
                  --json report.json --plot report.png --max-loss 0.5 --max-p99-ms 20
            """;

    /** A bad command line; the message is a full sentence for the user. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message);
        }
    }

    /** The bitrates of the q, h and f layers unless --layer-kbps says otherwise. */
    public static final List<Integer> DEFAULT_LAYER_KBPS = List.of(150, 500, 1500);
    /**
     * The capped subscribers' queue bound unless --subscriber-queue-ms says otherwise: 50 ms, a
     * shallow buffer as {@code tc qdisc ... tbf rate R latency 50ms} makes one (tc-tbf(8)'s own
     * example uses 70 ms). A shallow queue is the hard case: a burst the server does not pace
     * is dropped rather than delayed.
     */
    public static final double DEFAULT_SUBSCRIBER_QUEUE_MS = 50;

    public static LoadTestOptions defaults() {
        return new LoadTestOptions(URI.create("http://127.0.0.1:8080"), 1, 2, 0, false, false, 500, 30, 5, 30, 5,
                "loadtest", null, null, null, null, null, 0, 20, -1, "127.0.0.1", 10, 200, 1200, 15, 5, false,
                DEFAULT_LAYER_KBPS, null, List.of(), 1.0, 0, DEFAULT_SUBSCRIBER_QUEUE_MS, null, -1, false, false);
    }

    /** Parses the arguments after {@code loadtest}. */
    public static LoadTestOptions parse(String... args) throws UsageException {
        LoadTestOptions d = defaults();
        URI server = d.server;
        int rooms = d.rooms;
        int publishers = d.publishers;
        int subscribers = d.subscribers;
        boolean publishOnly = false;
        boolean audioOnly = false;
        int kbps = d.videoKbps;
        int fps = d.fps;
        double keyint = d.keyframeIntervalSeconds;
        double duration = d.durationSeconds;
        double ramp = d.rampUpPerSecond;
        String prefix = d.roomPrefix;
        Path json = null;
        Path plot = null;
        Double maxLoss = null;
        Double maxRunLoss = null;
        Double maxP99 = null;
        int maxFailures = d.maxFailures;
        double maxTesterLag = d.maxTesterLagMillis;
        long pid = -1;
        String bind = d.bind;
        int perThread = d.participantsPerThread;
        int rxPoll = d.rxPollMicros;
        int maxPacket = d.maxPacketSize;
        double connectTimeout = d.connectTimeoutSeconds;
        double warmup = d.warmupSeconds;
        boolean simulcast = false;
        List<Integer> layerKbps = null;
        SimulcastLayer subscribeLayer = null;
        List<Integer> sweep = new ArrayList<>();
        double sweepStop = d.sweepStopLossPercent;
        int subscriberKbps = 0;
        double subscriberQueue = d.subscriberQueueMs;
        boolean subscriberQueueSet = false;
        Double maxCappedLoss = null;
        int speakers = d.speakers;
        boolean quiet = false;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            switch (name) {
                case "-h", "--help" -> help = true;
                case "--publish-only" -> publishOnly = true;
                case "--audio-only" -> audioOnly = true;
                case "--quiet" -> quiet = true;
                case "--simulcast" -> simulcast = true;
                default -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException("The option " + name + " needs a value (see --help).");
                        }
                        value = args[++i];
                    }
                    switch (name) {
                        case "--server" -> server = serverUri(value);
                        case "--rooms" -> rooms = intIn(name, value, 1, 10_000);
                        case "--publishers" -> publishers = intIn(name, value, 0, 10_000);
                        case "--subscribers" -> subscribers = intIn(name, value, 0, 10_000);
                        case "--video-kbps" -> kbps = intIn(name, value, 10, 100_000);
                        case "--fps" -> fps = intIn(name, value, 1, 120);
                        case "--keyframe-interval" -> keyint = doubleIn(name, value, 0.1, 3600);
                        case "--duration" -> duration = doubleIn(name, value, 1, 86_400);
                        case "--ramp-up" -> ramp = doubleIn(name, value, 0.1, 10_000);
                        case "--room-prefix" -> {
                            if (!value.matches("[A-Za-z0-9_-]{1,50}")) {
                                throw new UsageException("--room-prefix must be 1 to 50 of A-Z a-z 0-9 _ -.");
                            }
                            prefix = value;
                        }
                        case "--json" -> json = Path.of(value);
                        case "--plot" -> plot = Path.of(value);
                        case "--max-loss" -> maxLoss = doubleIn(name, value, 0, 100);
                        case "--max-run-loss" -> maxRunLoss = doubleIn(name, value, 0, 100);
                        case "--max-p99-ms" -> maxP99 = doubleIn(name, value, 0, 1_000_000);
                        case "--max-failures" -> maxFailures = intIn(name, value, 0, Integer.MAX_VALUE);
                        case "--max-tester-lag-ms" -> maxTesterLag = doubleIn(name, value, 0.1, 1_000_000);
                        case "--server-pid" -> pid = intIn(name, value, 1, Integer.MAX_VALUE);
                        case "--bind" -> bind = value;
                        case "--participants-per-thread" -> perThread = intIn(name, value, 1, 10_000);
                        case "--rx-poll-us" -> rxPoll = intIn(name, value, 0, 100_000);
                        case "--max-packet-size" -> maxPacket = intIn(name, value, 200, 1400);
                        case "--connect-timeout" -> connectTimeout = doubleIn(name, value, 1, 600);
                        case "--warmup" -> warmup = doubleIn(name, value, 0, 3600);
                        case "--layer-kbps" -> layerKbps = layerKbps(value);
                        case "--subscribe-layer" -> subscribeLayer = layer(value);
                        case "--sweep" -> sweep = sizes(value);
                        case "--sweep-stop-loss" -> sweepStop = doubleIn(name, value, 0, 100);
                        case "--subscriber-kbps" -> subscriberKbps = intIn(name, value, 16, 1_000_000);
                        case "--subscriber-queue-ms" -> {
                            subscriberQueue = doubleIn(name, value, 0, 10_000);
                            subscriberQueueSet = true;
                        }
                        case "--max-capped-loss" -> maxCappedLoss = doubleIn(name, value, 0, 100);
                        case "--speakers" -> speakers = intIn(name, value, 0, 10_000);
                        default -> throw new UsageException("Unknown option '" + a + "' (see --help).");
                    }
                }
            }
        }
        if (!help && sweep.isEmpty() && publishers + subscribers == 0) {
            throw new UsageException("Nothing to run: --publishers and --subscribers are both 0.");
        }
        if (!help && simulcast && audioOnly) {
            throw new UsageException("--simulcast sends video layers: it cannot be combined with --audio-only.");
        }
        if (!help && subscribeLayer != null && audioOnly) {
            throw new UsageException("--subscribe-layer asks for a video layer: it cannot be combined with --audio-only.");
        }
        if (!help && layerKbps != null && !simulcast) {
            throw new UsageException("--layer-kbps sets the bitrates of the simulcast layers: add --simulcast "
                    + "(without it, --video-kbps sets the one video stream).");
        }
        if (!help && subscriberKbps > 0 && subscribers == 0) {
            throw new UsageException("--subscriber-kbps caps the downlink of the receive-only participants: add "
                    + "--subscribers N (publishers stay uncapped).");
        }
        if (!help && subscriberKbps == 0 && (subscriberQueueSet || maxCappedLoss != null)) {
            throw new UsageException((subscriberQueueSet ? "--subscriber-queue-ms" : "--max-capped-loss")
                    + " applies to capped subscribers: add --subscriber-kbps KBPS.");
        }
        return new LoadTestOptions(server, rooms, publishers, subscribers, publishOnly, audioOnly, kbps, fps, keyint,
                duration, ramp, prefix, json, plot, maxLoss, maxRunLoss, maxP99, maxFailures, maxTesterLag, pid, bind, perThread, rxPoll, maxPacket,
                connectTimeout, warmup, simulcast, layerKbps == null ? DEFAULT_LAYER_KBPS : layerKbps, subscribeLayer,
                List.copyOf(sweep), sweepStop, subscriberKbps, subscriberQueue, maxCappedLoss, speakers, quiet, help);
    }

    /** A copy with another number of publishers per room (sweeps). */
    public LoadTestOptions withPublishers(int n) {
        return new LoadTestOptions(server, rooms, n, subscribers, publishOnly, audioOnly, videoKbps, fps,
                keyframeIntervalSeconds, durationSeconds, rampUpPerSecond, roomPrefix, json, plot, maxLossPercent,
                maxRunLossPercent, maxP99Millis, maxFailures, maxTesterLagMillis, serverPid, bind, participantsPerThread, rxPollMicros, maxPacketSize,
                connectTimeoutSeconds, warmupSeconds, simulcast, layerKbps, subscribeLayer, List.of(),
                sweepStopLossPercent, subscriberKbps, subscriberQueueMs, maxCappedLossPercent, speakers, quiet, help);
    }

    /** True when the receive-only subscribers have a capped downlink (--subscriber-kbps). */
    public boolean capped() {
        return subscriberKbps > 0;
    }

    /** True when the report covers simulcast layers (--simulcast or --subscribe-layer). */
    public boolean layerReport() {
        return simulcast || subscribeLayer != null;
    }

    /** The WebSocket URI of the server. */
    public URI webSocketUri() {
        String scheme = "https".equalsIgnoreCase(server.getScheme()) || "wss".equalsIgnoreCase(server.getScheme())
                ? "wss" : "ws";
        String path = server.getPath() == null || server.getPath().isEmpty() || server.getPath().equals("/")
                ? "/ws" : server.getPath();
        return URI.create(scheme + "://" + server.getHost() + (server.getPort() > 0 ? ":" + server.getPort() : "") + path);
    }

    /** Participants per room. */
    public int participantsPerRoom() {
        return publishers + subscribers;
    }

    private static URI serverUri(String v) throws UsageException {
        try {
            URI u = URI.create(v);
            if (u.getScheme() == null || u.getHost() == null
                    || !List.of("http", "https", "ws", "wss").contains(u.getScheme().toLowerCase(java.util.Locale.ROOT))) {
                throw new IllegalArgumentException();
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--server must be a URL such as http://127.0.0.1:8080, not '" + v + "'.");
        }
    }

    private static int intIn(String name, String v, int min, int max) throws UsageException {
        try {
            int n = Integer.parseInt(v.strip());
            if (n < min || n > max) {
                throw new UsageException(name + " must be between " + min + " and " + max + ", not " + v + ".");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a whole number, not '" + v + "'.");
        }
    }

    private static double doubleIn(String name, String v, double min, double max) throws UsageException {
        try {
            double n = Double.parseDouble(v.strip());
            if (!(n >= min && n <= max)) {
                throw new UsageException(name + " must be between " + min + " and " + max + ", not " + v + ".");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a number, not '" + v + "'.");
        }
    }

    private static List<Integer> layerKbps(String v) throws UsageException {
        String[] parts = v.split(",", -1);
        if (parts.length != 3) {
            throw new UsageException("--layer-kbps needs three bitrates in kbps, for q,h,f, such as 150,500,1500; not '"
                    + v + "'.");
        }
        List<Integer> out = new ArrayList<>();
        for (String p : parts) {
            out.add(intIn("--layer-kbps", p, 10, 100_000));
        }
        return List.copyOf(out);
    }

    private static SimulcastLayer layer(String v) throws UsageException {
        SimulcastLayer l = SimulcastLayer.ofRid(v.strip());
        if (l == null) {
            throw new UsageException("--subscribe-layer must be q (320x180), h (640x360) or f (1280x720), not '"
                    + v + "'.");
        }
        return l;
    }

    private static List<Integer> sizes(String v) throws UsageException {
        List<Integer> out = new ArrayList<>();
        for (String p : v.split(",")) {
            out.add(intIn("--sweep", p, 1, 10_000));
        }
        return out;
    }
}
