package dev.sfu.signaling.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.HttpURLConnection;
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
 * (or, from {@link #startOnAllInterfaces}, bound to 0.0.0.0 as the README's default).
 * A separate process keeps the test honest about the command line and lets the tests read the
 * server's own CPU time and memory from {@code /proc}.
 */
public final class LiveSfu implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSfu.class);
    private static final Duration STARTUP = Duration.ofSeconds(40);

    private final Process process;
    private final int httpPort;
    private final int mediaPort;
    private final Path log;

    private LiveSfu(Process process, int httpPort, int mediaPort, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.mediaPort = mediaPort;
        this.log = log;
    }

    /** Starts the server and waits until its page answers; fails with the server's output if it dies. */
    public static LiveSfu start(String label) {
        return start(label, false);
    }

    /**
     * Starts the server with the README's default binding: both ports on 0.0.0.0 (every
     * interface) and no advertised address, so its ICE candidates are this machine's interface
     * addresses. The page is still loaded from 127.0.0.1.
     */
    public static LiveSfu startOnAllInterfaces(String label) {
        return start(label, true);
    }

    private static LiveSfu start(String label, boolean allInterfaces) {
        int http = freeTcpPort(allInterfaces);
        int media = freeUdpPort(allInterfaces);
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
            cmd.addAll(List.of("--bind", "127.0.0.1", "--advertise-address", "127.0.0.1"));
        }
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LiveSfu sfu = new LiveSfu(p, http, media, log);
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
        LOG.info("SFU {} up on http://127.0.0.1:{} udp {} (pid {}, log {})", label, http, media, p.pid(), log);
        return sfu;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort + "/";
    }

    public URI webSocketUri() {
        return URI.create("ws://127.0.0.1:" + httpPort + "/ws");
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
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(baseUrl()).toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            try {
                return c.getResponseCode() == 200;
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private static int freeTcpPort(boolean wildcard) {
        try (ServerSocket s = wildcard ? new ServerSocket(0) : new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freeUdpPort(boolean wildcard) {
        try (DatagramSocket s = wildcard ? new DatagramSocket(0) : new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
