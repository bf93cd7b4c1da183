package dev.sfu.bench.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sfu.signaling.Server;
import dev.sfu.signaling.admin.AdminConfig;
import dev.sfu.signaling.config.ServerConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /dashboard} in headless Chromium while real traffic flows: a server on 127.0.0.1 (in
 * this JVM, real sockets), and the load tester's two synthetic publishers in one room, each
 * subscribing to the other, over WebSocket, ICE, DTLS and SRTP. The room's bitrate the page
 * shows must be within 20 % of what the load tester sends in the same seconds.
 *
 * <p>Both sides count the same thing on the same clock: the server's room meter counts
 * decrypted RTP bytes per second of {@link System#nanoTime()} (the dashboard shows the last
 * complete second), and {@link LoadRun#bytesSent()} counts RTP bytes before SRTP. A sampler
 * thread turns the load tester's counter into bytes per nanoTime second; each dashboard redraw
 * carries the snapshot's wall-clock time, mapped back to that second.
 */
class DashboardUnderLoadBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String ROOM = "dash-1";
    private static final int VIDEO_KBPS = 300;
    /** Readings before this long after the first non-zero bitrate are ramp-up, not steady state. */
    private static final Duration SETTLE = Duration.ofSeconds(5);
    /** How long steady-state readings are gathered. */
    private static final Duration MEASURE = Duration.ofSeconds(12);
    private static final long SECOND = 1_000_000_000L;

    /** One redraw of the room's row, as the page showed it. */
    record Reading(long t, String textIn, String textOut, long dataIn, long dataOut, String participants) {
    }

    @Test
    @Timeout(300)
    void dashboardShowsTheRoomBitrateWithin20PercentOfWhatTheLoadTesterSends() throws Exception {
        Assumptions.assumeFalse(Boolean.getBoolean("skipBrowserTests"), "browser tests skipped: -DskipBrowserTests=true");
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "browser tests skipped: " + CHROMIUM + " or " + CHROMEDRIVER + " is missing");
        int media;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            media = s.getLocalPort();
        }
        try (Server server = Server.start(ServerConfig.loopback(media), AdminConfig.open())) {
            String base = "http://127.0.0.1:" + server.httpPort();
            LoadTestOptions o = LoadTestOptions.parse("--server", base, "--publishers", "2", "--room-prefix", "dash",
                    "--duration", "35", "--ramp-up", "10", "--video-kbps", Integer.toString(VIDEO_KBPS), "--quiet",
                    "--connect-timeout", "40", "--bind", "127.0.0.1");
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            LoadRun run = new LoadRun(o, new PrintStream(text, true, StandardCharsets.UTF_8));
            SendSampler sent = new SendSampler(run);
            CompletableFuture<RunReport> report = new CompletableFuture<>();
            Thread runner = new Thread(() -> {
                try {
                    report.complete(run.run());
                } catch (Throwable e) {
                    report.completeExceptionally(e);
                }
            }, "dashboard-load-run");
            runner.setDaemon(true);
            runner.start();
            sent.start();
            // Wall-clock to nanoTime: the snapshot's timestamp is wall-clock milliseconds.
            long wallToNano = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
            Path profile = Files.createTempDirectory("sfu-chromium-");
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
            ChromeDriver driver = null;
            try {
                ChromeOptions co = new ChromeOptions();
                co.setBinary(CHROMIUM.toFile());
                co.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--no-first-run", "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--window-size=1440,900", "--user-data-dir=" + profile);
                driver = new ChromeDriver(service, co);
                driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
                driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(15));
                JavascriptExecutor js = driver;
                driver.get(base + "/dashboard");
                String row = "#rooms tbody tr[data-room=\"" + ROOM + "\"]";
                awaitTrue(Duration.ofSeconds(90), "the room's row with traffic on the dashboard", report,
                        () -> Boolean.TRUE.equals(js.executeScript(
                                "const r = document.querySelector(arguments[0]);"
                                        + "return r != null && Number(r.dataset.bitrateIn) > 0;", row)));
                // Every redraw of the table (one per snapshot) is recorded by the page itself, so
                // none is missed or read twice however slowly this thread polls.
                js.executeScript("""
                        window.__readings = [];
                        new MutationObserver(() => {
                          const r = document.querySelector(arguments[0]);
                          const s = window.dashboardState.last;
                          if (!r || !s) return;
                          window.__readings.push({t: s.t, textIn: r.querySelector('td.in').textContent,
                            textOut: r.querySelector('td.out').textContent, dataIn: Number(r.dataset.bitrateIn),
                            dataOut: Number(r.dataset.bitrateOut), participants: r.children[1].textContent});
                        }).observe(document.querySelector('#rooms tbody'), {childList: true});
                        """, row);
                Thread.sleep(SETTLE.toMillis());
                js.executeScript("window.__readings = [];");
                long until = System.nanoTime() + MEASURE.toNanos();
                List<double[]> api = new ArrayList<>();
                HttpClient http = HttpClient.newHttpClient();
                ObjectMapper json = new ObjectMapper();
                while (System.nanoTime() < until) {
                    if (report.isDone()) {
                        throw new AssertionError("the load run ended while the dashboard was read: " + report.get());
                    }
                    JsonNode rooms = json.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/rooms"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body());
                    for (JsonNode r : rooms.get("rooms")) {
                        if (r.get("id").asText().equals(ROOM)) {
                            assertEquals(2, r.get("participants").asInt(), r.toString());
                            assertEquals(4, r.get("tracks").asInt(), "audio and video of each: " + r);
                            api.add(new double[] {rooms.get("timestamp").asLong(), r.get("bitrateIn").asLong(),
                                    r.get("bitrateOut").asLong()});
                        }
                    }
                    Thread.sleep(1500);
                }
                List<Reading> readings = readings(js.executeScript("return window.__readings;"));
                Path png = Path.of("target", "screenshots", "dashboard-under-load.png");
                Files.createDirectories(png.toAbsolutePath().getParent());
                Files.write(png, driver.getScreenshotAs(OutputType.BYTES));
                assertTrue(driver.findElement(By.cssSelector(row)).isDisplayed(), "the room's row is visible");

                // Compare each reading with what was sent in the second it shows.
                StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                        "%-8s %-14s %-14s %10s %10s %10s%n", "second", "shown in", "shown out", "data-in", "data-out",
                        "sent"));
                double shownSum = 0;
                double outSum = 0;
                double sentSum = 0;
                int n = 0;
                int off = 0;
                for (Reading r : readings) {
                    long second = shownSecond(r.t(), wallToNano);
                    long s = sent.bitsIn(second);
                    if (s < 0) {
                        continue;
                    }
                    double in = parseBitrate(r.textIn());
                    double out = parseBitrate(r.textOut());
                    assertTrue(Math.abs(in - r.dataIn()) <= 0.01 * r.dataIn() + 1000, "text and data-bitrate-in agree: " + r);
                    assertEquals("2", r.participants(), r.toString());
                    table.append(String.format(Locale.ROOT, "%-8d %-14s %-14s %10d %10d %10d%n", second % 100_000,
                            r.textIn(), r.textOut(), r.dataIn(), r.dataOut(), s));
                    if (Math.abs(pct(in, s)) > 20) {
                        off++;
                    }
                    shownSum += in;
                    outSum += out;
                    sentSum += s;
                    n++;
                }
                double apiIn = 0;
                double apiSent = 0;
                int apiN = 0;
                for (double[] a : api) {
                    long s = sent.bitsIn(shownSecond((long) a[0], wallToNano));
                    if (s >= 0) {
                        apiIn += a[1];
                        apiSent += s;
                        apiN++;
                    }
                }
                String summary = String.format(Locale.ROOT,
                        "dashboard under load (%d readings): shown in %.0f bit/s, shown out %.0f bit/s, sent %.0f bit/s"
                                + " (in %+.1f %%, out %+.1f %%); /api/rooms (%d reads) in %.0f bit/s vs sent %.0f bit/s"
                                + " (%+.1f %%)%n%s",
                        n, shownSum / n, outSum / n, sentSum / n, pct(shownSum, sentSum), pct(outSum, sentSum), apiN,
                        apiIn / Math.max(1, apiN), apiSent / Math.max(1, apiN), pct(apiIn, apiSent), table);
                System.out.println(summary);
                assertTrue(n >= 6, "at least 6 steady-state redraws in " + MEASURE + ": " + summary + "\n" + text);
                // Two publishers at 300 kbit/s of video plus audio: the sent figure itself is sane.
                assertTrue(sentSum / n > 2 * VIDEO_KBPS * 1000 * 0.8, summary);
                assertTrue(Math.abs(pct(shownSum, sentSum)) <= 20, "shown in vs sent: " + summary);
                // Second by second too; one reading may fall on the wrong side of a second boundary.
                assertTrue(off <= 1, off + " readings more than 20 % off what was sent that second: " + summary);
                // Each publisher's stream goes to the other one: out matches in.
                assertTrue(Math.abs(pct(outSum, sentSum)) <= 20, "shown out vs sent: " + summary);
                assertTrue(apiN >= 3, "/api/rooms listed the room: " + summary);
                assertTrue(Math.abs(pct(apiIn, apiSent)) <= 20, "/api/rooms in vs sent: " + summary);
            } finally {
                if (driver != null) {
                    driver.quit();
                }
                service.stop();
                deleteTree(profile);
                sent.stop();
            }
            RunReport r = report.get(120, TimeUnit.SECONDS);
            assertEquals(List.of(), r.failures(), text.toString(StandardCharsets.UTF_8));
            assertEquals(2, r.total().connected());
        }
    }

    /** The nanoTime second a snapshot taken at wall-clock {@code tMillis} shows: the last complete one. */
    private static long shownSecond(long tMillis, long wallToNano) {
        return Math.floorDiv(tMillis * 1_000_000L - wallToNano, SECOND) - 1;
    }

    private static double pct(double shown, double sent) {
        return sent <= 0 ? Double.NaN : 100.0 * (shown - sent) / sent;
    }

    /** Parses what a table cell shows ("1.23 Mbit/s", "640 kbit/s") back into bits/s. */
    static double parseBitrate(String text) {
        String[] p = text.strip().split(" ");
        double v = Double.parseDouble(p[0]);
        return switch (p[1]) {
            case "Gbit/s" -> v * 1e9;
            case "Mbit/s" -> v * 1e6;
            case "kbit/s" -> v * 1e3;
            default -> v;
        };
    }

    @SuppressWarnings("unchecked")
    private static List<Reading> readings(Object raw) {
        List<Reading> out = new ArrayList<>();
        for (Object o : (List<Object>) raw) {
            Map<String, Object> m = (Map<String, Object>) o;
            out.add(new Reading(((Number) m.get("t")).longValue(), (String) m.get("textIn"), (String) m.get("textOut"),
                    ((Number) m.get("dataIn")).longValue(), ((Number) m.get("dataOut")).longValue(),
                    (String) m.get("participants")));
        }
        return out;
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(Duration timeout, String what, CompletableFuture<RunReport> run, Check check)
            throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (run.isDone()) {
                throw new AssertionError("the load run ended before " + what + ": " + run.get());
            }
            if (check.ok()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * Samples {@link LoadRun#bytesSent()} every 10 ms and keeps, for each {@link System#nanoTime()}
     * second boundary, the byte count interpolated at that boundary.
     */
    static final class SendSampler {
        private final LoadRun run;
        private final ConcurrentSkipListMap<Long, Double> atBoundary = new ConcurrentSkipListMap<>();
        private final Thread thread;
        private volatile boolean stopped;

        SendSampler(LoadRun run) {
            this.run = run;
            this.thread = new Thread(this::loop, "dashboard-send-sampler");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            stopped = true;
            thread.join(5000);
        }

        private void loop() {
            long prevNanos = System.nanoTime();
            long prevBytes = run.bytesSent();
            while (!stopped) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                long bytes = run.bytesSent();
                for (long s = Math.floorDiv(prevNanos, SECOND) + 1; s <= Math.floorDiv(now, SECOND); s++) {
                    double f = (double) (s * SECOND - prevNanos) / (now - prevNanos);
                    atBoundary.put(s, prevBytes + f * (bytes - prevBytes));
                }
                prevNanos = now;
                prevBytes = bytes;
            }
        }

        /** Bits sent in nanoTime second {@code s} (from s to s + 1), or -1 when not sampled. */
        long bitsIn(long s) {
            Double a = atBoundary.get(s);
            Double b = atBoundary.get(s + 1);
            return a == null || b == null ? -1 : Math.round((b - a) * 8);
        }
    }
}
