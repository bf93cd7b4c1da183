package dev.sfu.bench.loadtest;

import dev.sfu.signaling.config.UsageError;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of {@code ./sfu loadtest}, parsed by picocli ({@link LoadTestCommand} declares
 * the options). {@code server} is the first of {@code servers} (one unless {@code --server} lists
 * several nodes). {@link #parse} throws {@link UsageException} with a sentence naming the bad option
 * and what it accepts; {@link #HELP} is the text of {@code --help}.
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
                              boolean help, List<URI> servers) {

    /** The text of {@code ./sfu loadtest --help}, made by picocli from {@link LoadTestCommand}. */
    public static final String HELP = usage(new picocli.CommandLine(new LoadTestCommand()));

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
                DEFAULT_LAYER_KBPS, null, List.of(), 1.0, 0, DEFAULT_SUBSCRIBER_QUEUE_MS, null, -1, false, false,
                List.of(URI.create("http://127.0.0.1:8080")));
    }

    /** Parses the arguments after {@code loadtest} with picocli, then checks ranges and the rules between options. */
    public static LoadTestOptions parse(String... args) throws UsageException {
        LoadTestCommand c = new LoadTestCommand();
        picocli.CommandLine cl = new picocli.CommandLine(c);
        cl.getCommandSpec().name("./sfu loadtest");
        // As the hand-written parser did: a repeated option keeps its last value.
        cl.setOverwrittenOptionsAllowed(true);
        cl.setExpandAtFiles(false);
        try {
            cl.parseArgs(args);
        } catch (picocli.CommandLine.ParameterException e) {
            throw new UsageException(UsageError.of(e).getMessage());
        }
        boolean help = c.help;
        var p = c.participants;
        var cap = c.capped;
        var m = c.media;
        var sim = c.simulcast;
        var run = c.run;
        var crit = c.criteria;
        if (!p.roomPrefix.matches("[A-Za-z0-9_-]{1,50}")) {
            throw new UsageException("--room-prefix must be 1 to 50 of A-Z a-z 0-9 _ -.");
        }
        intIn("--rooms", p.rooms, 1, 10_000);
        intIn("--publishers", p.publishers, 0, 10_000);
        intIn("--subscribers", p.subscribers, 0, 10_000);
        intIn("--video-kbps", m.videoKbps, 10, 100_000);
        intIn("--fps", m.fps, 1, 120);
        doubleIn("--keyframe-interval", m.keyframeInterval, 0.1, 3600);
        doubleIn("--duration", run.duration, 1, 86_400);
        doubleIn("--ramp-up", p.rampUp, 0.1, 10_000);
        Double maxLoss = crit.maxLoss == null ? null : doubleIn("--max-loss", crit.maxLoss, 0, 100);
        Double maxRunLoss = crit.maxRunLoss == null ? null : doubleIn("--max-run-loss", crit.maxRunLoss, 0, 100);
        Double maxP99 = crit.maxP99 == null ? null : doubleIn("--max-p99-ms", crit.maxP99, 0, 1_000_000);
        intIn("--max-failures", crit.maxFailures, 0, Integer.MAX_VALUE);
        doubleIn("--max-tester-lag-ms", crit.maxTesterLag, 0.1, 1_000_000);
        long pid = run.serverPid == null ? -1 : intIn("--server-pid", run.serverPid, 1, Integer.MAX_VALUE);
        intIn("--participants-per-thread", m.participantsPerThread, 1, 10_000);
        intIn("--rx-poll-us", m.rxPollMicros, 0, 100_000);
        intIn("--max-packet-size", m.maxPacketSize, 200, 1400);
        doubleIn("--connect-timeout", p.connectTimeout, 1, 600);
        doubleIn("--warmup", run.warmup, 0, 3600);
        List<Integer> layerKbps = sim.layerKbps == null ? null : layerKbps(sim.layerKbps);
        List<Integer> sweep = run.sweep == null ? List.of() : sizes(run.sweep);
        doubleIn("--sweep-stop-loss", run.sweepStopLoss, 0, 100);
        int subscriberKbps = cap.subscriberKbps == null ? 0 : intIn("--subscriber-kbps", cap.subscriberKbps, 16, 1_000_000);
        boolean subscriberQueueSet = cap.subscriberQueueMs != null;
        double subscriberQueue = subscriberQueueSet ? doubleIn("--subscriber-queue-ms", cap.subscriberQueueMs, 0, 10_000)
                : DEFAULT_SUBSCRIBER_QUEUE_MS;
        Double maxCappedLoss = cap.maxCappedLoss == null ? null : doubleIn("--max-capped-loss", cap.maxCappedLoss, 0, 100);
        int speakers = m.speakers == null ? -1 : intIn("--speakers", m.speakers, 0, 10_000);
        int publishers = p.publishers;
        int subscribers = p.subscribers;
        boolean audioOnly = m.audioOnly;
        boolean simulcast = sim.simulcast;
        SimulcastLayer subscribeLayer = sim.subscribeLayer;
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
        List<URI> servers = List.copyOf(new java.util.LinkedHashSet<>(p.server));
        if (servers.size() != p.server.size()) {
            throw new UsageException("--server lists a node twice: " + p.server + "; give each node's URL once.");
        }
        if (servers.size() > 64) {
            throw new UsageException("--server lists " + servers.size() + " nodes; at most 64.");
        }
        return new LoadTestOptions(servers.get(0), p.rooms, publishers, subscribers, p.publishOnly, audioOnly, m.videoKbps,
                m.fps, m.keyframeInterval, run.duration, p.rampUp, p.roomPrefix, run.json, run.plot, maxLoss, maxRunLoss,
                maxP99, crit.maxFailures, crit.maxTesterLag, pid, p.bind, m.participantsPerThread, m.rxPollMicros,
                m.maxPacketSize, p.connectTimeout, run.warmup, simulcast,
                layerKbps == null ? DEFAULT_LAYER_KBPS : layerKbps, subscribeLayer, List.copyOf(sweep),
                run.sweepStopLoss, subscriberKbps, subscriberQueue, maxCappedLoss, speakers, run.quiet, help, servers);
    }

    private static String usage(picocli.CommandLine command) {
        command.getCommandSpec().name("./sfu loadtest");
        return UsageError.usage(command);
    }

    /** A copy with another number of publishers per room (sweeps). */
    public LoadTestOptions withPublishers(int n) {
        return new LoadTestOptions(server, rooms, n, subscribers, publishOnly, audioOnly, videoKbps, fps,
                keyframeIntervalSeconds, durationSeconds, rampUpPerSecond, roomPrefix, json, plot, maxLossPercent,
                maxRunLossPercent, maxP99Millis, maxFailures, maxTesterLagMillis, serverPid, bind, participantsPerThread, rxPollMicros, maxPacketSize,
                connectTimeoutSeconds, warmupSeconds, simulcast, layerKbps, subscribeLayer, List.of(),
                sweepStopLossPercent, subscriberKbps, subscriberQueueMs, maxCappedLossPercent, speakers, quiet, help,
                servers);
    }

    /** True when the receive-only subscribers have a capped downlink (--subscriber-kbps). */
    public boolean capped() {
        return subscriberKbps > 0;
    }

    /** True when the report covers simulcast layers (--simulcast or --subscribe-layer). */
    public boolean layerReport() {
        return simulcast || subscribeLayer != null;
    }

    /** The WebSocket URI of the (first) server. */
    public URI webSocketUri() {
        return webSocketUri(server);
    }

    /**
     * The WebSocket URI that participant {@code slot} of a room connects to first: server
     * {@code slot mod n} of the {@code --server} list, so that each room spreads over the nodes.
     */
    public URI webSocketUri(int slot) {
        return webSocketUri(servers.get(Math.floorMod(slot, servers.size())));
    }

    /** True when the run spreads rooms over several servers (the report then has a table per node). */
    public boolean multiNode() {
        return servers.size() > 1;
    }

    static URI webSocketUri(URI server) {
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

    private static int intIn(String name, int n, int min, int max) throws UsageException {
        if (n < min || n > max) {
            throw new UsageException(name + " must be between " + min + " and " + max + ", not " + n + ".");
        }
        return n;
    }

    private static double doubleIn(String name, double n, double min, double max) throws UsageException {
        if (!(n >= min && n <= max)) {
            throw new UsageException(name + " must be between " + min + " and " + max + ", not "
                    + (Double.isFinite(n) ? java.math.BigDecimal.valueOf(n).stripTrailingZeros().toPlainString()
                    : Double.toString(n)) + ".");
        }
        return n;
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

    private static List<Integer> sizes(String v) throws UsageException {
        List<Integer> out = new ArrayList<>();
        for (String p : v.split(",")) {
            out.add(intIn("--sweep", p, 1, 10_000));
        }
        return out;
    }
}
