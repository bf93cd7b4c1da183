package dev.sfu.signaling.browser;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One headless Firefox ESR with fake camera and microphone, driven over WebDriver BiDi by
 * puppeteer-core in a node child process ({@code browser-tests/firefox-driver.mjs}: one JSON
 * command per line in, one reply per line out). There is no geckodriver package on Debian; the
 * pinned puppeteer-core ({@code browser-tests/package-lock.json}) is installed by
 * {@code scripts/install-test-deps.sh}. Tests are skipped where Firefox, node or that install is
 * missing, or with {@code -DskipBrowserTests}.
 *
 * <p>Firefox gathers no loopback ICE candidates: the server must listen on an interface address
 * ({@link LiveSfu#startOnAllInterfaces}); the page is still loaded from 127.0.0.1.
 */
public final class FirefoxSession implements CallPage {
    public static final Path FIREFOX = Path.of("/usr/bin/firefox-esr");
    /** The driver script and its node_modules, from the signaling module's directory. */
    public static final Path DRIVER_DIR = Path.of("..", "browser-tests");
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration COMMAND = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(FirefoxSession.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@link BrowserSession#stats()}'s reading, as a promise (the driver awaits it). */
    private static final String STATS = """
            const s = window.sfu;
            if (!s || !s.pc) return [];
            const byMid = new Map(), byTrack = new Map();
            for (const t of s.remoteTracks()) { byMid.set(t.mid, t.participantId); byTrack.set(t.trackId, t.participantId); }
            const report = await s.pc.getStats();
            const out = [];
            report.forEach((e) => {
              const o = Object.assign({}, e);
              if (o.type === 'inbound-rtp') {
                const owner = byMid.get(o.mid) || byTrack.get(o.trackIdentifier);
                if (owner) o.participantId = owner;
              }
              out.push(o);
            });
            return out;
            """;

    private final String label;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<JsonNode> replies = new ArrayBlockingQueue<>(64);
    private final AtomicLong nextId = new AtomicLong();
    private final Path log;
    private final String version;

    private FirefoxSession(String label, Process process, Path log) {
        this.label = label;
        this.process = process;
        this.log = log;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readReplies, "firefox-" + label);
        reader.setDaemon(true);
        reader.start();
        JsonNode ready = next(STARTUP, "Firefox to start");
        if (!ready.path("ready").asBoolean()) {
            throw new AssertionError(label + ": the driver did not start: " + ready);
        }
        this.version = ready.path("version").asText();
    }

    /** Skips the calling test when Firefox or its driver cannot run here. */
    public static void assumeAvailable() {
        BrowserSession.assumeAvailable();
        Assumptions.assumeTrue(Files.isExecutable(FIREFOX), "Firefox tests skipped: " + FIREFOX
                + " is missing (scripts/install-test-deps.sh installs firefox-esr)");
        Assumptions.assumeTrue(Files.isDirectory(DRIVER_DIR.resolve("node_modules").resolve("puppeteer-core")),
                "Firefox tests skipped: " + DRIVER_DIR.toAbsolutePath().normalize()
                        + "/node_modules has no puppeteer-core (scripts/install-test-deps.sh runs npm ci there)");
    }

    /** Starts Firefox; {@code label} names it in logs (target/browser-logs/firefox-LABEL.log). */
    public static FirefoxSession start(String label) {
        assumeAvailable();
        Path log = Path.of("target", "browser-logs", "firefox-" + label + ".log");
        try {
            Files.createDirectories(log.getParent());
            Files.deleteIfExists(log);
            Process p = new ProcessBuilder("node", "firefox-driver.mjs", "--executable", FIREFOX.toString())
                    .directory(DRIVER_DIR.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return new FirefoxSession(label, p, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The browser's name and version, e.g. {@code firefox/153.8.0}. */
    public String version() {
        return version;
    }

    @Override
    public String label() {
        return label;
    }

    private void readReplies() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer console = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                     java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (IOException e) {
                    console.write("(driver) " + line + "\n");
                    console.flush();
                    continue;
                }
                if (n.has("event")) {
                    console.write("[" + n.path("level").asText() + "] " + n.path("text").asText() + "\n");
                    console.flush();
                } else {
                    replies.put(n);
                }
            }
        } catch (IOException | InterruptedException e) {
            // The driver ended; a pending command reports it.
        }
    }

    private JsonNode next(Duration timeout, String what) {
        try {
            JsonNode n = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (n == null) {
                throw new AssertionError(label + ": no reply from the Firefox driver within " + timeout.toSeconds() + " s for "
                        + what + (process.isAlive() ? "" : " (the driver exited with " + process.exitValue() + ")")
                        + "; see " + log);
            }
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(label + ": interrupted", e);
        }
    }

    private synchronized JsonNode command(ObjectNode cmd, String what) {
        long id = nextId.incrementAndGet();
        cmd.put("id", id);
        try {
            stdin.write(JSON.writeValueAsString(cmd) + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new AssertionError(label + ": the Firefox driver is gone (" + e.getMessage() + "); see " + log, e);
        }
        while (true) {
            JsonNode r = next(COMMAND, what);
            if (r.path("id").asLong() != id) {
                continue; // The reply to a command that timed out earlier.
            }
            if (!r.path("ok").asBoolean()) {
                throw new AssertionError(label + ": " + what + " failed: " + r.path("error").asText());
            }
            return r.path("value");
        }
    }

    @Override
    public Object js(String script, Object... args) {
        ObjectNode cmd = JSON.createObjectNode().put("op", "eval").put("script", script);
        cmd.set("args", JSON.valueToTree(Arrays.asList(args)));
        JsonNode v = command(cmd, "script " + abbreviate(script));
        return JSON.convertValue(v, Object.class);
    }

    @Override
    public void open(String url) {
        command(JSON.createObjectNode().put("op", "open").put("url", url), "open " + url);
        Waits.until(Duration.ofSeconds(10), label + ": the call page script to load",
                () -> Boolean.TRUE.equals(js("return typeof window.sfu === 'object'")));
    }

    /** Runs {@code source} in every document this browser opens from now on, before its scripts. */
    public void addInitScript(String source) {
        command(JSON.createObjectNode().put("op", "init").put("source", source), "init script");
    }

    @Override
    public void type(String css, String text) {
        js("""
                const e = document.querySelector(arguments[0]);
                if (!e) throw new Error('no element ' + arguments[0]);
                e.focus(); e.value = arguments[1];
                e.dispatchEvent(new Event('input', { bubbles: true }));
                e.dispatchEvent(new Event('change', { bubbles: true }));
                """, css, text);
    }

    @Override
    public void click(String css) {
        js("""
                const e = document.querySelector(arguments[0]);
                if (!e) throw new Error('no element ' + arguments[0]);
                e.click();
                """, css);
    }

    @Override
    public RtcStats stats() {
        JsonNode v = command(JSON.createObjectNode().put("op", "eval").put("script", STATS), "getStats");
        return new RtcStats(JSON.convertValue(v, new TypeReference<List<Map<String, Object>>>() { }));
    }

    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // Already closed.
        }
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                LOG.warn("{}: the Firefox driver did not exit; killing it", label);
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String abbreviate(String s) {
        String one = s.strip().replaceAll("\\s+", " ");
        return one.length() <= 60 ? one : one.substring(0, 60) + "...";
    }
}
