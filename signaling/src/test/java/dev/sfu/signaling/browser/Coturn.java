package dev.sfu.signaling.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real coturn ({@code turnserver}, Debian package {@code coturn}) for one test: on 127.0.0.1,
 * on a free port, with {@code use-auth-secret} (the REST credentials scheme the SFU issues), no
 * config file (so neither {@code /etc/turnserver.conf} nor a coturn the package may have started
 * on 3478 is involved), no TLS, no CLI. {@code allow-loopback-peers} lets it relay to the SFU on
 * 127.0.0.1; coturn accepts that option only with a {@code cli-password}. {@link #close()} stops
 * it (SIGTERM, then SIGKILL) and deletes its folder; a JVM shutdown hook does the same if the test
 * JVM ends first.
 */
public final class Coturn implements AutoCloseable {
    public static final Path TURNSERVER = Path.of("/usr/bin/turnserver");
    private static final Duration STARTUP = Duration.ofSeconds(20);

    private final Process process;
    private final int port;
    private final Path dir;
    private final Path log;
    private final Thread hook;

    private Coturn(Process process, int port, Path dir, Path log) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.log = log;
        this.hook = new Thread(process::destroyForcibly, "coturn-" + port + "-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Skips the calling test where coturn is not installed (scripts/install-test-deps.sh installs it). */
    public static void assumeAvailable() {
        Assumptions.assumeTrue(Files.isExecutable(TURNSERVER),
                "TURN tests skipped: " + TURNSERVER + " is missing (apt-get install coturn, or scripts/install-test-deps.sh)");
    }

    /** Starts coturn with {@code secret} as its static-auth-secret and waits until it listens. */
    public static Coturn start(String label, String secret) {
        assumeAvailable();
        int port = freePort();
        // A relay port range of its own, away from the kernel's ephemeral range (32768-60999).
        int minRelay = 61000 + ThreadLocalRandom.current().nextInt(0, 40) * 100;
        Path dir;
        Path log;
        try {
            dir = Files.createTempDirectory("sfu-coturn-");
            Files.createDirectories(Path.of("target", "browser-logs"));
            log = Path.of("target", "browser-logs", "coturn-" + label + ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = List.of(TURNSERVER.toString(), "-n",
                "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", "--listening-port=" + port,
                "--min-port=" + minRelay, "--max-port=" + (minRelay + 99),
                "--use-auth-secret", "--static-auth-secret=" + secret, "--realm=sfu.test",
                "--allow-loopback-peers", "--cli-password=" + secret, "--no-cli", "--no-tls", "--no-dtls",
                "--no-multicast-peers", "--log-file=stdout", "--simple-log", "--verbose",
                "--pidfile=" + dir.resolve("turnserver.pid"), "--userdb=" + dir.resolve("turndb"));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Coturn turn = new Coturn(p, port, dir, log);
        try {
            Waits.until(STARTUP, "coturn on 127.0.0.1:" + port + " to start", () -> {
                if (!p.isAlive()) {
                    throw new AssertionError("turnserver exited with " + p.exitValue() + ":\n" + turn.logText());
                }
                return turn.logText().contains("Total General servers");
            }, ok -> ok);
        } catch (AssertionError e) {
            turn.close();
            throw e;
        }
        return turn;
    }

    /** The TURN URL browsers are given. */
    public String url() {
        return "turn:127.0.0.1:" + port + "?transport=udp";
    }

    public int port() {
        return port;
    }

    /** Everything coturn logged so far. */
    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs anyway.
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // A leftover temp folder is harmless.
        }
    }

    /** A port free for both UDP and TCP on 127.0.0.1 (coturn listens on both). */
    private static int freePort() {
        InetAddress lo = InetAddress.getLoopbackAddress();
        for (int i = 0; i < 50; i++) {
            try (DatagramSocket u = new DatagramSocket(0, lo)) {
                int port = u.getLocalPort();
                try (ServerSocket t = new ServerSocket(port, 1, lo)) {
                    return port;
                } catch (IOException busy) {
                    // TCP taken: try another.
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no port free for both UDP and TCP on 127.0.0.1");
    }
}
