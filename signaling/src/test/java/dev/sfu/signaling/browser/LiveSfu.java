package dev.sfu.signaling.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real server for browser tests, started the way users start it ({@code ./sfu serve} with the
 * README's flags) in a child JVM on this test's classpath, bound to and advertising 127.0.0.1
 * (or, from {@link #startOnAllInterfaces}, bound to 0.0.0.0 as the README's default; or, from
 * {@link #startBoundTo}, bound to and advertising one other local address).
 * A separate process keeps the test honest about the command line and lets the tests read the
 * server's own CPU time and memory from {@code /proc}.
 */
public final class LiveSfu implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSfu.class);
    private static final Duration STARTUP = Duration.ofSeconds(40);

    private final Process process;
    /** The address the page is loaded from (and, unless bound to 0.0.0.0, the one the server binds). */
    private final String host;
    private final int httpPort;
    private final int mediaPort;
    private final Path log;
    /** "http", or "https" when started with TLS options. */
    private final String scheme;

    private LiveSfu(Process process, String host, int httpPort, int mediaPort, Path log, String scheme) {
        this.process = process;
        this.host = host;
        this.httpPort = httpPort;
        this.mediaPort = mediaPort;
        this.log = log;
        this.scheme = scheme;
    }

    /** Starts the server and waits until its page answers; fails with the server's output if it dies. */
    public static LiveSfu start(String label) {
        return start(label, "127.0.0.1", false);
    }

    /** Starts the server on 127.0.0.1 with extra environment variables, e.g. SFU_JWT_SECRET. */
    public static LiveSfu startWithEnvironment(String label, java.util.Map<String, String> environment) {
        return startWith(label, List.of(), environment, false);
    }

    /**
     * Starts the server with the README's default binding: both ports on 0.0.0.0 (every
     * interface) and no advertised address, so its ICE candidates are this machine's interface
     * addresses. The page is still loaded from 127.0.0.1.
     */
    public static LiveSfu startOnAllInterfaces(String label) {
        return start(label, "127.0.0.1", true);
    }

    /**
     * Starts the server bound to {@code address} (HTTP and media) and advertising it, e.g. the
     * host side of a {@link BottleneckLink}, so that browsers in a network namespace reach it as
     * well as browsers on this host. The page is loaded from that address, which is not a secure
     * context: browsers need {@link #secureOriginFlag()} for their camera.
     */
    public static LiveSfu startBoundTo(String label, String address) {
        return start(label, address, false);
    }

    /**
     * Starts the server on 127.0.0.1 with more command-line options and environment variables;
     * with {@code https} the page is loaded from {@code https://} (the options must turn TLS on).
     */
    public static LiveSfu startWith(String label, List<String> extraArgs, java.util.Map<String, String> env, boolean https) {
        return start(label, "127.0.0.1", false, extraArgs, env, https);
    }

    private static LiveSfu start(String label, String host, boolean allInterfaces) {
        return start(label, host, allInterfaces, List.of(), java.util.Map.of(), false);
    }

    private static LiveSfu start(String label, String host, boolean allInterfaces, List<String> extraArgs,
                                 java.util.Map<String, String> env, boolean https) {
        InetAddress bind;
        try {
            bind = allInterfaces ? null : InetAddress.getByName(host);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int http = freeTcpPort(bind);
        int media = freeUdpPort(bind);
        Path log;
        try {
            Files.createDirectories(Path.of("target", "browser-logs"));
            log = Path.of("target", "browser-logs", "sfu-" + label + ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Xmx512m"));
        cmd.addAll(1, dev.sfu.core.transport.NativeIoFlags.forChildJvm());
        String logConfig = System.getProperty("sfu.live.logback");
        if (logConfig != null) {
            // A debug log of the server for manual runs (-Dsfu.live.logback=path/to/logback.xml).
            cmd.add("-Dlogback.configurationFile=" + logConfig);
        }
        cmd.addAll(List.of(
                "dev.sfu.signaling.Main", "serve",
                "--http-port", String.valueOf(http),
                "--media-port", String.valueOf(media)));
        if (allInterfaces) {
            cmd.addAll(List.of("--bind", "0.0.0.0"));
        } else {
            cmd.addAll(List.of("--bind", host, "--advertise-address", host));
        }
        cmd.addAll(extraArgs);
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LiveSfu sfu = new LiveSfu(p, host, http, media, log, https ? "https" : "http");
        try {
            Waits.until(STARTUP, "the SFU (" + String.join(" ", cmd.subList(cmd.indexOf("serve") - 1, cmd.size())) + ") to serve its page",
                    () -> {
                        if (!p.isAlive()) {
                            throw new AssertionError("the server exited with " + p.exitValue() + ":\n" + sfu.logTail());
                        }
                        return sfu.pageAnswers();
                    }, ok -> ok);
        } catch (AssertionError e) {
            boolean timedOut = p.isAlive();
            sfu.close();
            throw timedOut ? new AssertionError(e.getMessage() + "\nserver output:\n" + sfu.logTail(), e) : e;
        }
        LOG.info("SFU {} up on http://{}:{} udp {} (pid {}, log {})", label, host, http, media, p.pid(), log);
        return sfu;
    }

    /** The server's output (its log). */
    public Path logFile() {
        return log;
    }

    public String baseUrl() {
        return origin() + "/";
    }

    /**
     * The admin API's view of a room's downlinks, one line per participant: estimate, allocated,
     * desired, paused for bandwidth, probes, and the layer it gets of each video; for failure
     * messages. Never throws.
     */
    public String downlinks(String room) {
        try {
            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(URI.create(origin() + "/api/rooms/" + room)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            StringBuilder out = new StringBuilder();
            for (var p : json.path("participants")) {
                var d = p.path("downlink");
                out.append(String.format("%s (%s): estimate %d, allocated %d, desired %d, paused for bandwidth %d, probes %d, feedbacks %d, pacer queue %d, sent %d bit/s; gets",
                        p.path("displayName").asText(), p.path("id").asText(), d.path("estimateBps").asLong(),
                        d.path("allocatedBps").asLong(), d.path("desiredBps").asLong(), d.path("pausedForBandwidth").asInt(),
                        d.path("probeClusters").asLong(), d.path("feedbacks").asLong(), d.path("pacerQueue").asInt(),
                        p.path("bitrateDown").asLong()));
                out.append(" [estimator ").append(d.path("estimator")).append("; pacer dropped ")
                        .append(d.path("pacerDroppedFull").asLong()).append(" full, ").append(d.path("pacerDroppedExpired").asLong())
                        .append(" expired; NACKs from it ").append(p.path("nacksReceived").asLong()).append(", packets to it ")
                        .append(p.path("packetsDown").asLong()).append("]");
                for (var t : p.path("tracks")) {
                    if (t.path("direction").asText().equals("up")) {
                        for (var l : t.path("layers")) {
                            out.append(String.format(" sends %s %dx%d %s %d bit/s;", l.path("rid").asText(), l.path("width").asInt(),
                                    l.path("height").asInt(), l.path("live").asBoolean() ? "live" : "off", l.path("bitrate").asLong()));
                        }
                    }
                    var f = t.path("forwarding");
                    if (t.path("direction").asText().equals("down") && !f.isMissingNode() && !f.isNull()) {
                        out.append(String.format(" %s:%s->%s T%d%s", t.path("publisherId").asText(), f.path("rid").asText(),
                                f.path("targetRid").asText(), f.path("maxTemporalLayer").asInt(),
                                f.path("paused").asBoolean() ? " paused(" + f.path("pauseReason").asText() + ")" : "")
                                + " tile " + f.path("tileWidth").asInt() + "x" + f.path("tileHeight").asInt());
                    }
                }
                out.append('\n');
            }
            return out.toString();
        } catch (Exception e) {
            return "(no downlink view: " + e + ")\n";
        }
    }

    /** The page's origin, {@code http://HOST:PORT} (or https). */
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * GET {@code path} on this server as JSON: an empty object when it does not answer 200 within
     * 2 s (a killed node, a room that is gone).
     */
    public com.fasterxml.jackson.databind.JsonNode getJson(String path) {
        try {
            java.net.http.HttpResponse<String> r = HTTP.send(java.net.http.HttpRequest.newBuilder(URI.create(origin() + path))
                    .timeout(Duration.ofSeconds(2)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode();
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    /** The ids of the nodes this server's /api/cluster shows live (cluster mode). */
    public java.util.Set<String> liveClusterNodes() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (com.fasterxml.jackson.databind.JsonNode n : getJson("/api/cluster").path("nodes")) {
            if (n.path("live").asBoolean()) {
                out.add(n.path("id").asText());
            }
        }
        return out;
    }

    public String origin() {
        return scheme + "://" + host + ":" + httpPort;
    }

    /**
     * The Chromium flag that lets a page from {@link #origin()} use the camera although it is
     * plain HTTP on an address other than localhost (only secure contexts get getUserMedia).
     */
    public String secureOriginFlag() {
        return "--unsafely-treat-insecure-origin-as-secure=" + origin();
    }

    public URI webSocketUri() {
        return URI.create((scheme.equals("https") ? "wss" : "ws") + "://" + host + ":" + httpPort + "/ws");
    }

    public int httpPort() {
        return httpPort;
    }

    public int mediaPort() {
        return mediaPort;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** CPU time (user + system) the server process has used so far, from /proc/PID/stat. */
    public Duration cpuTime() {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return Duration.ofMillis(ticks * 1000 / 100);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Resident memory of the server process in bytes, from /proc/PID/status (VmRSS). */
    public long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last lines the server printed. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private boolean pageAnswers() {
        return scheme.equals("https") ? Waits.answersOkOverAnyTls(baseUrl()) : Waits.answersOk(baseUrl());
    }

    /** A free TCP port on {@code bind} (null: on every interface). */
    private static int freeTcpPort(InetAddress bind) {
        try (ServerSocket s = bind == null ? new ServerSocket(0) : new ServerSocket(0, 1, bind)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freeUdpPort(InetAddress bind) {
        try (DatagramSocket s = bind == null ? new DatagramSocket(0) : new DatagramSocket(0, bind)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Kills the server with SIGKILL, as a crash or the kernel's OOM killer would: no shutdown hook
     * runs, nothing is said to anyone; returns once the process is gone.
     */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("the server (pid " + pid() + ") survived SIGKILL for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after 5 s). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
