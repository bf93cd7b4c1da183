package dev.sfu.signaling.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.HasCdp;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.remote.Augmenter;
import org.openqa.selenium.remote.RemoteWebDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One headless Chromium driven by Selenium, with fake camera and microphone, for tests of the
 * call page. Start it in try-with-resources: {@link #close()} quits the browser and deletes its
 * profile. Tests are skipped (not failed) where Chromium is not installed or the system
 * property {@code skipBrowserTests} is true.
 *
 * <p>Usually each browser has its own chromedriver on this host; {@link #startRemote} drives one
 * through a chromedriver that runs elsewhere (in a {@link BottleneckLink}'s network namespace).
 */
public final class BrowserSession implements CallPage {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Long enough for a cold Chromium on a loaded two-core machine. */
    public static final Duration STARTUP = Duration.ofSeconds(30);

    /** The flags known to work here (DESIGN.md, "Environment facts for tests"). */
    public static final List<String> FLAGS = List.of(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            "--allow-loopback-in-peer-connection", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync",
            // Remote audio plays without a click, so received audio is decoded and measured.
            "--autoplay-policy=no-user-gesture-required",
            // getDisplayMedia picks a screen without a picker.
            "--auto-select-desktop-capture-source=Entire screen",
            "--window-size=1280,800");

    private static final Logger LOG = LoggerFactory.getLogger(BrowserSession.class);

    private final String label;
    private final Path profile;
    /** The chromedriver this session started, or null when it drives a remote one. */
    private final ChromeDriverService service;
    private final RemoteWebDriver driver;

    private BrowserSession(String label, Path profile, ChromeDriverService service, RemoteWebDriver driver) {
        this.label = label;
        this.profile = profile;
        this.service = service;
        this.driver = driver;
    }

    /** Skips the calling test when no browser can run here. */
    public static void assumeAvailable() {
        Assumptions.assumeFalse(Boolean.getBoolean("skipBrowserTests"),
                "browser tests skipped: -DskipBrowserTests=true");
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "browser tests skipped: " + CHROMIUM + " or " + CHROMEDRIVER
                        + " is missing (apt-get install chromium chromium-driver)");
    }

    /** Starts a browser with the standard flags; {@code label} names it in logs. */
    public static BrowserSession start(String label, String... extraFlags) {
        return start(label, FLAGS, extraFlags);
    }

    /**
     * Starts a browser with the standard flags except {@code --allow-loopback-in-peer-connection},
     * as a user's Chromium runs: ICE gathers only non-loopback interfaces (as mDNS names unless
     * told otherwise).
     */
    public static BrowserSession startWithoutLoopback(String label, String... extraFlags) {
        return start(label, flagsWithoutLoopback(), extraFlags);
    }

    /** {@link #FLAGS} without {@code --allow-loopback-in-peer-connection}. */
    public static List<String> flagsWithoutLoopback() {
        return FLAGS.stream().filter(f -> !f.equals("--allow-loopback-in-peer-connection")).toList();
    }

    /**
     * Starts a browser with {@code flags} through a chromedriver already listening at
     * {@code driverUrl}, which must see this machine's /tmp (its profile directory is made here).
     */
    public static BrowserSession startRemote(String label, java.net.URL driverUrl, List<String> flags, String... extraFlags) {
        assumeAvailable();
        Path profile = newProfile();
        try {
            RemoteWebDriver driver = new RemoteWebDriver(driverUrl, options(profile, flags, extraFlags));
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(15));
            driver.manage().timeouts().pageLoadTimeout(STARTUP);
            return new BrowserSession(label, profile, null, driver);
        } catch (RuntimeException e) {
            deleteTree(profile);
            throw e;
        }
    }

    private static Path newProfile() {
        try {
            return Files.createTempDirectory("sfu-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ChromeOptions options(Path profile, List<String> flags, String... extraFlags) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(flags);
        options.addArguments(extraFlags);
        options.addArguments("--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        return options;
    }

    private static BrowserSession start(String label, List<String> flags, String... extraFlags) {
        assumeAvailable();
        Path profile = newProfile();
        ChromeOptions options = options(profile, flags, extraFlags);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(15));
            driver.manage().timeouts().pageLoadTimeout(STARTUP);
            return new BrowserSession(label, profile, service, driver);
        } catch (RuntimeException e) {
            service.stop();
            deleteTree(profile);
            throw e;
        }
    }

    public RemoteWebDriver driver() {
        return driver;
    }

    public String label() {
        return label;
    }

    /** Runs {@code source} in every document this browser opens from now on, before its scripts. */
    public void addInitScript(String source) {
        HasCdp cdp = driver instanceof HasCdp own ? own : (HasCdp) new Augmenter().augment(driver);
        cdp.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", source));
    }

    /** Opens a URL and waits until the page's module has run (window.sfu exists). */
    public void open(String url) {
        driver.get(url);
        Waits.until(Duration.ofSeconds(10), label + ": the call page script to load",
                () -> Boolean.TRUE.equals(js("return typeof window.sfu === 'object'")));
    }

    /** Fills the landing form and clicks Join. */
    public void join(String room, String name) {
        type("#name", name);
        type("#room", room);
        click("#join");
    }

    /** Waits until the server has said {@code joined}; returns this participant's id. */
    public String awaitJoined(Duration timeout) {
        return Waits.until(timeout, label + ": joined", () -> (String) js("return window.sfu.participantId"),
                id -> id != null);
    }

    /** Waits until the media connection (ICE and DTLS) is up. */
    public void awaitConnected(Duration timeout) {
        Waits.until(timeout, label + ": RTCPeerConnection connected", () -> state("pc"), "connected"::equals);
    }

    /** One field of {@code window.sfu.state}: phase, ws, pc, ice, signaling. */
    public String state(String field) {
        return String.valueOf(js("return window.sfu.state[arguments[0]]", field));
    }

    public void type(String css, String text) {
        WebElement e = element(css);
        e.clear();
        e.sendKeys(text);
    }

    public void click(String css) {
        element(css).click();
    }

    public WebElement element(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> elements(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The participant ids of the remote tiles now in the grid. */
    public Set<String> remoteTiles() {
        Set<String> ids = new LinkedHashSet<>();
        for (WebElement e : elements(".tile[data-participant]")) {
            ids.add(e.getAttribute("data-participant"));
        }
        return ids;
    }

    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    public Object asyncJs(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
    }

    /** Reads {@code window.sfu.pc.getStats()}, tagging inbound streams with their publisher. */
    @SuppressWarnings("unchecked")
    public RtcStats stats() {
        Object result = asyncJs("""
                const done = arguments[arguments.length - 1];
                const s = window.sfu;
                if (!s || !s.pc) { done([]); return; }
                const byMid = new Map(), byTrack = new Map();
                for (const t of s.remoteTracks()) { byMid.set(t.mid, t.participantId); byTrack.set(t.trackId, t.participantId); }
                s.pc.getStats().then((report) => {
                  const out = [];
                  report.forEach((e) => {
                    const o = Object.assign({}, e);
                    if (o.type === 'inbound-rtp') {
                      const owner = byMid.get(o.mid) || byTrack.get(o.trackIdentifier);
                      if (owner) o.participantId = owner;
                    }
                    out.push(o);
                  });
                  done(out);
                }, (err) => done('getStats failed: ' + err));
                """);
        if (result instanceof String) {
            throw new AssertionError(label + ": " + result);
        }
        return new RtcStats((List<Map<String, Object>>) result);
    }

    /** The current local SDP (empty when none). */
    public String localSdp() {
        Object sdp = js("return window.sfu.pc && window.sfu.pc.localDescription ? window.sfu.pc.localDescription.sdp : ''");
        return String.valueOf(sdp);
    }

    /** The number of m= sections in the local SDP. */
    public int mLineCount() {
        return (int) localSdp().lines().filter(l -> l.startsWith("m=")).count();
    }

    /** Signaling counters kept by the page: offersSent, offersReceived, answersSent, answersReceived, errors. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> counters() {
        return (Map<String, Object>) js("return JSON.parse(JSON.stringify(window.sfu.counters))");
    }

    /** The text of the page's message banner, or "" when hidden. */
    public String message() {
        WebElement box = element("#message");
        return box.isDisplayed() ? box.findElement(By.cssSelector(".message-text")).getText() : "";
    }

    /** Saves a PNG of the viewport. */
    /**
     * Where a documentation screenshot goes: {@code docs/images/NAME} when the build runs with
     * {@code -Dsfu.updateScreenshots=true}, else {@code target/screenshots/NAME}, so an ordinary
     * test run leaves the committed pictures alone.
     */
    public static Path docsScreenshot(String name) {
        return Boolean.getBoolean("sfu.updateScreenshots")
                ? Path.of("..", "docs", "images", name)
                : Path.of("target", "screenshots", name);
    }

    public void screenshot(Path png) {
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            Files.write(png, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The browser console so far (drained: each line is returned once). */
    public List<String> consoleLog() {
        List<String> lines = new ArrayList<>();
        try {
            for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
                lines.add(e.getLevel() + " " + e.getMessage());
            }
        } catch (RuntimeException e) {
            lines.add("(console unavailable: " + e.getMessage() + ")");
        }
        return lines;
    }

    /** Quits the browser, logging its console for diagnosis, and deletes its profile. */
    @Override
    public void close() {
        try {
            for (String line : consoleLog()) {
                LOG.info("[{} console] {}", label, line);
            }
        } finally {
            try {
                driver.quit();
            } catch (RuntimeException e) {
                LOG.warn("{}: quit failed", label, e);
            } finally {
                if (service != null) {
                    service.stop();
                }
                deleteTree(profile);
            }
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}", root, e);
        }
    }

    /** For the probes' main methods: exits with status 2 and says what to install when Chromium or its driver is missing. */
    static void exitUnlessInstalled() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            System.err.println(CHROMIUM + " or " + CHROMEDRIVER
                    + " is missing: run scripts/install-test-deps.sh (apt-get install chromium chromium-driver).");
            System.exit(2);
        }
    }
}
