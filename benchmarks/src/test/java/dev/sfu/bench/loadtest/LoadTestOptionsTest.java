package dev.sfu.bench.loadtest;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line of ./sfu loadtest. */
class LoadTestOptionsTest {
    @Test
    void severalServersAreTakenRoundRobinBySlot() throws Exception {
        LoadTestOptions one = LoadTestOptions.parse();
        assertEquals(List.of(URI.create("http://127.0.0.1:8080")), one.servers());
        assertFalse(one.multiNode());
        assertEquals(one.webSocketUri(), one.webSocketUri(5), "one server: every slot goes there");

        LoadTestOptions o = LoadTestOptions.parse("--server", "http://10.0.0.1:8080,https://sfu-2.example:8443",
                "--server", "ws://10.0.0.3:9000");
        assertTrue(o.multiNode());
        assertEquals(URI.create("http://10.0.0.1:8080"), o.server(), "the first is the server of CPU and estimates");
        assertEquals(List.of(URI.create("ws://10.0.0.1:8080/ws"), URI.create("wss://sfu-2.example:8443/ws"),
                URI.create("ws://10.0.0.3:9000/ws"), URI.create("ws://10.0.0.1:8080/ws")),
                List.of(o.webSocketUri(0), o.webSocketUri(1), o.webSocketUri(2), o.webSocketUri(3)));
        assertEquals(o.servers(), o.withPublishers(7).servers(), "kept by sweeps");
        String twice = assertThrows(LoadTestOptions.UsageException.class, () -> LoadTestOptions.parse("--server",
                "http://10.0.0.1:8080,http://10.0.0.1:8080")).getMessage();
        assertTrue(twice.contains("twice"), twice);
        String bad = assertThrows(LoadTestOptions.UsageException.class, () -> LoadTestOptions.parse("--server",
                "http://10.0.0.1:8080,nope")).getMessage();
        assertTrue(bad.contains("--server") && bad.contains("'nope'"), bad);
    }

    @Test
    void defaultsNeedNoArguments() throws Exception {
        LoadTestOptions o = LoadTestOptions.parse();
        assertEquals(URI.create("http://127.0.0.1:8080"), o.server());
        assertEquals(URI.create("ws://127.0.0.1:8080/ws"), o.webSocketUri());
        assertEquals(1, o.rooms());
        assertEquals(2, o.publishers());
        assertEquals(0, o.subscribers());
        assertEquals(500, o.videoKbps());
        assertEquals(30, o.fps());
        assertEquals(30.0, o.durationSeconds());
        assertEquals(5.0, o.warmupSeconds());
        assertEquals(20.0, o.maxTesterLagMillis());
        assertNull(o.maxLossPercent());
        assertNull(o.json());
        assertFalse(o.help());
    }

    @Test
    void warmupAndTesterLagLimitAreRead() throws Exception {
        LoadTestOptions o = LoadTestOptions.parse("--warmup", "12", "--max-tester-lag-ms=7.5");
        assertEquals(12.0, o.warmupSeconds());
        assertEquals(7.5, o.maxTesterLagMillis());
        assertThrows(LoadTestOptions.UsageException.class, () -> LoadTestOptions.parse("--warmup", "-1"));
    }

    @Test
    void everyOptionIsRead() throws Exception {
        LoadTestOptions o = LoadTestOptions.parse("--server", "https://sfu.example:8443", "--rooms", "3",
                "--publishers=20", "--subscribers", "4", "--publish-only", "--audio-only", "--video-kbps", "800",
                "--fps", "15", "--keyframe-interval", "2.5", "--duration", "60", "--ramp-up", "10", "--json",
                "r.json", "--plot", "r.png", "--max-loss", "0.5", "--max-p99-ms", "20", "--max-failures", "1",
                "--server-pid", "1234", "--sweep", "2,5,10", "--quiet");
        assertEquals(URI.create("wss://sfu.example:8443/ws"), o.webSocketUri());
        assertEquals(3, o.rooms());
        assertEquals(20, o.publishers());
        assertEquals(4, o.subscribers());
        assertTrue(o.publishOnly());
        assertTrue(o.audioOnly());
        assertEquals(800, o.videoKbps());
        assertEquals(15, o.fps());
        assertEquals(2.5, o.keyframeIntervalSeconds());
        assertEquals(60.0, o.durationSeconds());
        assertEquals(10.0, o.rampUpPerSecond());
        assertEquals(Path.of("r.json"), o.json());
        assertEquals(Path.of("r.png"), o.plot());
        assertEquals(0.5, o.maxLossPercent());
        assertEquals(20.0, o.maxP99Millis());
        assertEquals(1, o.maxFailures());
        assertEquals(1234, o.serverPid());
        assertEquals(List.of(2, 5, 10), o.sweep());
        assertTrue(o.quiet());
    }

    @Test
    void badValuesAreRefusedWithASentenceNamingTheOption() {
        assertTrue(assertThrows(LoadTestOptions.UsageException.class, () -> LoadTestOptions.parse("--rooms", "0"))
                .getMessage().contains("--rooms"));
        assertTrue(assertThrows(LoadTestOptions.UsageException.class, () -> LoadTestOptions.parse("--fps", "abc"))
                .getMessage().contains("--fps"));
        assertTrue(assertThrows(LoadTestOptions.UsageException.class, () -> LoadTestOptions.parse("--server", "nope"))
                .getMessage().contains("--server"));
        assertTrue(assertThrows(LoadTestOptions.UsageException.class, () -> LoadTestOptions.parse("--duration"))
                .getMessage().contains("needs a value"));
        assertTrue(assertThrows(LoadTestOptions.UsageException.class, () -> LoadTestOptions.parse("--frobnicate"))
                .getMessage().contains("--frobnicate"));
        assertThrows(LoadTestOptions.UsageException.class, () -> LoadTestOptions.parse("--publishers", "0"));
    }

    @Test
    void simulcastIsOffByDefaultWithChromiumLikeLayerBitrates() throws Exception {
        LoadTestOptions o = LoadTestOptions.parse();
        assertFalse(o.simulcast());
        assertNull(o.subscribeLayer());
        assertEquals(List.of(150, 500, 1500), o.layerKbps());
        assertFalse(o.layerReport());
    }

    @Test
    void simulcastOptionsAreRead() throws Exception {
        LoadTestOptions o = LoadTestOptions.parse("--simulcast", "--layer-kbps", "100,300,900", "--subscribe-layer",
                "h");
        assertTrue(o.simulcast());
        assertEquals(List.of(100, 300, 900), o.layerKbps());
        assertEquals(SimulcastLayer.H, o.subscribeLayer());
        assertTrue(o.layerReport());
        LoadTestOptions eq = LoadTestOptions.parse("--simulcast", "--layer-kbps=200,400,800", "--subscribe-layer=F");
        assertEquals(List.of(200, 400, 800), eq.layerKbps());
        assertEquals(SimulcastLayer.F, eq.subscribeLayer());
        assertEquals(List.of(200, 400, 800), eq.withPublishers(5).layerKbps(), "sweeps keep the layers");
        assertTrue(eq.withPublishers(5).simulcast());
        LoadTestOptions subscribeOnly = LoadTestOptions.parse("--subscribe-layer", "q");
        assertFalse(subscribeOnly.simulcast());
        assertTrue(subscribeOnly.layerReport(), "the layer report also works against browsers' simulcast");
    }

    private static String usageError(String... args) {
        return assertThrows(LoadTestOptions.UsageException.class, () -> LoadTestOptions.parse(args)).getMessage();
    }

    @Test
    void badSimulcastOptionsNameTheOptionAndTheAcceptedValues() {
        String layer = usageError("--subscribe-layer", "x");
        assertTrue(layer.contains("--subscribe-layer") && layer.contains("q (320x180), h (640x360) or f (1280x720)")
                && layer.contains("'x'"), layer);
        String two = usageError("--simulcast", "--layer-kbps", "100,200");
        assertTrue(two.contains("--layer-kbps") && two.contains("three bitrates") && two.contains("150,500,1500")
                && two.contains("'100,200'"), two);
        String word = usageError("--simulcast", "--layer-kbps", "100,abc,300");
        assertTrue(word.contains("--layer-kbps") && word.contains("whole number") && word.contains("abc"), word);
        String range = usageError("--simulcast", "--layer-kbps", "100,200,0");
        assertTrue(range.contains("--layer-kbps") && range.contains("between 10 and 100000"), range);
        String empty = usageError("--simulcast", "--layer-kbps", "100,,300");
        assertTrue(empty.contains("--layer-kbps"), empty);
        String withoutSimulcast = usageError("--layer-kbps", "100,200,300");
        assertTrue(withoutSimulcast.contains("--layer-kbps") && withoutSimulcast.contains("--simulcast"),
                withoutSimulcast);
        String audio = usageError("--simulcast", "--audio-only");
        assertTrue(audio.contains("--simulcast") && audio.contains("--audio-only"), audio);
        String audioLayer = usageError("--subscribe-layer", "h", "--audio-only");
        assertTrue(audioLayer.contains("--subscribe-layer") && audioLayer.contains("--audio-only"), audioLayer);
        assertTrue(usageError("--subscribe-layer").contains("needs a value"));
    }

    @Test
    void helpPrintsUsageAndExitCodesAndExitsZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = LoadTestMain.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code);
        assertTrue(text.startsWith("Usage: ./sfu loadtest"));
        for (String option : List.of("--server", "--rooms", "--publishers", "--subscribers", "--publish-only",
                "--audio-only", "--video-kbps", "--fps", "--keyframe-interval", "--duration", "--ramp-up", "--json",
                "--plot", "--max-loss", "--max-p99-ms", "--server-pid", "--simulcast", "--layer-kbps",
                "--subscribe-layer", "videoTiles", "layersNeeded", "a=simulcast:recv", "--subscriber-kbps",
                "--subscriber-queue-ms", "--max-capped-loss", "transport-cc", "downlink.estimateBps")) {
            assertTrue(text.contains(option), "help mentions " + option);
        }
        assertTrue(text.contains("Exit codes"));
    }

    @Test
    void badCommandLineExitsTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LoadTestMain.run(new String[] {"--rooms", "-1"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(Verdict.USAGE, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--rooms"));
    }

    @Test
    void subscriberCapIsOffByDefault() throws Exception {
        LoadTestOptions o = LoadTestOptions.parse();
        assertEquals(0, o.subscriberKbps());
        assertFalse(o.capped());
        assertEquals(50.0, o.subscriberQueueMs());
        assertNull(o.maxCappedLossPercent());
    }

    @Test
    void subscriberCapOptionsAreReadAndKeptBySweeps() throws Exception {
        LoadTestOptions o = LoadTestOptions.parse("--subscribers", "10", "--subscriber-kbps", "600",
                "--subscriber-queue-ms=80", "--max-capped-loss", "2");
        assertTrue(o.capped());
        assertEquals(600, o.subscriberKbps());
        assertEquals(80.0, o.subscriberQueueMs());
        assertEquals(2.0, o.maxCappedLossPercent());
        LoadTestOptions swept = o.withPublishers(7);
        assertEquals(600, swept.subscriberKbps());
        assertEquals(80.0, swept.subscriberQueueMs());
        assertEquals(2.0, swept.maxCappedLossPercent());
    }

    @Test
    void subscriberCapOptionsNeedSubscribersAndACap() {
        assertTrue(assertThrows(LoadTestOptions.UsageException.class,
                () -> LoadTestOptions.parse("--subscriber-kbps", "600")).getMessage().contains("--subscribers"));
        assertTrue(assertThrows(LoadTestOptions.UsageException.class,
                () -> LoadTestOptions.parse("--subscribers", "2", "--subscriber-queue-ms", "50")).getMessage()
                .contains("--subscriber-kbps"));
        assertTrue(assertThrows(LoadTestOptions.UsageException.class,
                () -> LoadTestOptions.parse("--subscribers", "2", "--max-capped-loss", "2")).getMessage()
                .contains("--subscriber-kbps"));
        assertThrows(LoadTestOptions.UsageException.class,
                () -> LoadTestOptions.parse("--subscribers", "2", "--subscriber-kbps", "0"));
        assertThrows(LoadTestOptions.UsageException.class,
                () -> LoadTestOptions.parse("--subscribers", "2", "--subscriber-kbps", "600", "--subscriber-queue-ms",
                        "-5"));
    }

    @Test
    void speakersDefaultToEveryoneAndAreRead() throws Exception {
        assertEquals(-1, LoadTestOptions.parse().speakers());
        assertEquals(2, LoadTestOptions.parse("--publishers", "20", "--speakers", "2").speakers());
        assertTrue(assertThrows(LoadTestOptions.UsageException.class, () -> LoadTestOptions.parse("--speakers", "-1"))
                .getMessage().contains("--speakers"));
    }

    @Test
    void unknownOptionIsNamedWithTheNearestOptionsAndTheHelpHint() {
        String e = usageError("--publisher", "3");
        assertTrue(e.startsWith("Unknown option '--publisher'."), e);
        assertTrue(e.contains("Did you mean --publishers"), e);
        assertTrue(e.contains("Run './sfu loadtest --help'"), e);
    }

    @Test
    void badValueNamesTheOptionAndTheAcceptedValues() {
        String negative = usageError("--subscribers", "2", "--subscriber-kbps", "-5");
        assertTrue(negative.contains("--subscriber-kbps") && negative.contains("between 16 and 1000000")
                && negative.contains("-5"), negative);
        String word = usageError("--fps", "abc");
        assertTrue(word.contains("'--fps'") && word.contains("'abc' is not an int"), word);
        String server = usageError("--server", "nope");
        assertTrue(server.contains("'--server'") && server.contains("http://127.0.0.1:8080") && server.contains("'nope'"),
                server);
        String duration = usageError("--duration", "1e9");
        assertTrue(duration.contains("--duration") && duration.contains("between 1.0 and 86400.0"), duration);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(Verdict.USAGE, LoadTestMain.run(new String[] {"--rooms", "0"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Run './sfu loadtest --help'"), "every error hints --help");
    }

    @Test
    void repeatedOptionKeepsTheLastValueAsBefore() throws Exception {
        assertEquals(7, LoadTestOptions.parse("--rooms", "3", "--rooms=7").rooms());
    }

    @Test
    void helpShowsEachDefaultThatParseApplies() throws Exception {
        LoadTestOptions d = LoadTestOptions.parse();
        String help = LoadTestOptions.HELP;
        assertTrue(optionText(help, "--server").replaceAll("\\s+", "").contains("Default:" + d.server()), help);
        assertTrue(optionText(help, "--rooms").contains("Default: " + d.rooms()));
        assertTrue(optionText(help, "--publishers").contains("Default: " + d.publishers()));
        assertTrue(optionText(help, "--subscribers").contains("Default: " + d.subscribers()));
        assertTrue(optionText(help, "--video-kbps").contains("Default: " + d.videoKbps()));
        assertTrue(optionText(help, "--fps").contains("Default: " + d.fps()));
        assertTrue(optionText(help, "--duration").contains("Default: " + (int) d.durationSeconds()));
        assertTrue(optionText(help, "--warmup").contains("Default: " + (int) d.warmupSeconds()));
        assertTrue(optionText(help, "--max-tester-lag-ms").contains("Default: " + (int) d.maxTesterLagMillis()));
        assertTrue(optionText(help, "--subscriber-queue-ms").contains("Default: " + (int) d.subscriberQueueMs()));
        assertTrue(optionText(help, "--room-prefix").contains("Default: " + d.roomPrefix()));
        assertTrue(optionText(help, "--bind").contains("Default: " + d.bind()));
        assertTrue(optionText(help, "--layer-kbps").replaceAll("\\s+", "").contains("Default:150,500,1500"));
        assertEquals(List.of(150, 500, 1500), d.layerKbps());
        for (String section : List.of("Participants", "Capped subscribers", "Media", "Simulcast", "Run and report",
                "Pass criteria")) {
            assertTrue(help.contains("\n" + section), section);
        }
    }

    /** The help text from the line of {@code option} to the next option's line. */
    private static String optionText(String help, String option) {
        int start = help.indexOf("  " + option + "=");
        assertTrue(start >= 0, option + " in " + help);
        int end = help.indexOf("\n      --", start + 1);
        int blank = help.indexOf("\n\n", start + 1);
        if (end < 0 || (blank >= 0 && blank < end)) {
            end = blank;
        }
        return help.substring(start, end);
    }
}
