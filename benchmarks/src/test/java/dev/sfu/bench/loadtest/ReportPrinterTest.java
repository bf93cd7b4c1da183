package dev.sfu.bench.loadtest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report's simulcast part: present only with --simulcast or --subscribe-layer, in text and JSON. */
class ReportPrinterTest {
    private static RunReport report(RunReport.Simulcast simulcast) {
        RunReport.Distribution d = new RunReport.Distribution(0, 0, 0, 0);
        RunReport.Group g = new RunReport.Group("total", 2, 2, 2, 0, 100, 100, 0, 0, 0, 0, 1000, 0, 0, 0, 0, 0, 0, 0,
                0, new RunReport.Latency(100, 1, 2, 3, 4, 1), 0.1, 0.2, d, d, 0, 0, 0, 0, 2000, 0, 0, 0, 0);
        return new RunReport(Map.of(), Map.of(), 1, 10, g, List.of(), List.of(), Map.of(),
                new RunReport.Server("none", Double.NaN, Double.NaN, Double.NaN, Double.NaN),
                new RunReport.LoadTester(1, 1, 0, 0, 0, 0, 0, 0, false, Map.of()), List.of(),
                new RunReport.Verdict(0, List.of()), simulcast);
    }

    private static RunReport.Simulcast simulcast(int accepted, int fellBack) {
        return new RunReport.Simulcast(accepted + fellBack, accepted, fellBack, "h", 4, List.of(
                new RunReport.Layer("q", 0.3, 0.0, 0, 0, 0), new RunReport.Layer("h", 1.0, 1.02, 510, 20, 2),
                new RunReport.Layer("f", 3.0, 0.0, 0, 0, 0), new RunReport.Layer("unknown", 0, 0, 0, 0, 0)),
                3, 1, 5, 2, 6, 4, 2);
    }

    private static String text(RunReport r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ReportPrinter.print(r, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutTheOptionsTheReportHasNoSimulcastPartInTextOrJson(@TempDir Path dir) throws Exception {
        RunReport r = report(null);
        assertFalse(text(r).contains("imulcast"));
        assertFalse(text(r).contains("layer"));
        Path json = dir.resolve("r.json");
        ReportPrinter.writeJson(r, json);
        assertFalse(Files.readString(json).contains("simulcast"), Files.readString(json));
    }

    @Test
    void layersSwitchesAndPausesArePrintedAndWritten(@TempDir Path dir) throws Exception {
        RunReport r = report(simulcast(2, 0));
        String t = text(r);
        assertTrue(t.contains("Simulcast: 2 of 2 publishers offering it send layers."), t);
        assertTrue(t.contains("asked for layer h in 4 videoTiles"), t);
        assertTrue(t.matches("(?s).*\\n  h +1\\.00 +1\\.02 +510 +20\\.0 +2\\n.*"), t);
        assertFalse(t.contains("\n  unknown "), "an empty unknown row is left out");
        assertTrue(t.contains("Layer switches seen by receivers (key frame width): 3, layer changes not at a key frame: 1;"
                + " remoteVideo: 5 message(s), 2 paused; dynacast: 6 layersNeeded, 4 layer stop(s), 2 resume(s)."), t);
        Path json = dir.resolve("r.json");
        ReportPrinter.writeJson(r, json);
        String j = Files.readString(json);
        assertTrue(j.contains("\"simulcast\" : {"), j);
        assertTrue(j.contains("\"forwardedMbps\" : 1.02"), j);
        assertTrue(j.contains("\"layerSwitches\" : 3"), j);
        assertTrue(j.contains("\"remoteVideoPaused\" : 2"), j);
    }

    @Test
    void aServerThatDeclinesSimulcastIsNamedAsTheReasonForTheFallback() {
        String t = text(report(simulcast(0, 2)));
        assertTrue(t.contains("Simulcast: 0 of 2 publishers offering it send layers; 2 fell back to one stream at "
                + "--video-kbps: the server's answer had no a=simulcast:recv (it declined simulcast)."), t);
        assertEquals(1, t.split("fell back", -1).length - 1);
    }

    @Test
    void cappedSubscribersHaveARowEachWithADashForAnUnknownEstimate(@TempDir Path dir) throws Exception {
        RunReport base = report(null);
        RunReport.Capped c = new RunReport.Capped(600, 50, "none: no field", List.of(
                new RunReport.CappedSubscriber("sub-1-5", "loadtest-1", null, null, false, 0, "q 10% h 90%", "h",
                        590, 98.3, 1000, 440, 44.0, 500, 45.5, 49.9, 3, 61.0),
                new RunReport.CappedSubscriber("sub-1-6", "loadtest-1", 580.0, 600.0, true, 150, "-", "-",
                        570, 95, 1000, 10, 1.0, 12, 1.2, 20.0, 0, 30.0)),
                22.5, 44.0, 0.01, 512, 23.0, 580, 3, 1, 45.5);
        RunReport r = new RunReport(base.config(), base.machine(), 1, 10, base.total(), List.of(), List.of(),
                Map.of(), base.server(), base.loadTester(), List.of(), base.verdict(), null, c);
        String t = text(r);
        assertTrue(t.contains("Capped subscribers: downlink 600 kbit/s, queue 50 ms; 1 of 2 negotiated transport-cc"),
                t);
        assertTrue(t.matches("(?s).*\\n  sub-1-5 +loadtest-1 +- +- +no +q 10% h 90% +h +590 +98 +44\\.00 +61\\.00 +500 +45\\.50"
                + " +49\\.9 +3\\n.*"), t);
        assertTrue(t.matches("(?s).*\\n  sub-1-6 +loadtest-1 +580 +600 +150 .*"), t);
        assertTrue(t.contains("worst loss 44.00%") && t.contains("MISSED"), t);
        Path json = dir.resolve("r.json");
        ReportPrinter.writeJson(r, json);
        String j = Files.readString(json);
        assertTrue(j.contains("\"capped\"") && j.contains("\"bottleneckDrops\" : 512"), j);
        assertFalse(Files.readString(writeBase(dir, base)).contains("capped"), "absent without --subscriber-kbps");
    }

    private static Path writeBase(Path dir, RunReport r) throws Exception {
        Path p = dir.resolve("base.json");
        ReportPrinter.writeJson(r, p);
        return p;
    }

    @Test
    void transportCcFeedbackIsSummedOrSaidToBeOff() {
        RunReport base = report(null);
        assertTrue(text(base).contains("Transport-cc feedback: not sent"), text(base));
        RunReport r = new RunReport(base.config(), base.machine(), 1, 10, base.total(), List.of(), List.of(),
                Map.of(), base.server(), base.loadTester(), List.of(), base.verdict(), null, null,
                new RunReport.TransportCc(2, 3, 300, 9000, 4, 1));
        String t = text(r);
        assertTrue(t.contains("negotiated by the server with 2 of 3 receivers; 300 messages sent reporting 9000 "
                + "packets; 4 packets arrived without the extension, 1 after"), t);
    }
}
