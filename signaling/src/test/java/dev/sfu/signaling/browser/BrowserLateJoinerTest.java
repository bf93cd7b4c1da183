package dev.sfu.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proof 2 of issue 4: a fourth browser joining a running three-way call decodes all three videos
 * within 5 s of being joined (the server asks publishers for a keyframe on subscribe). Also
 * measures the server's CPU and memory during the four-browser call, for docs/performance.md.
 */
class BrowserLateJoinerTest {
    private static final Logger LOG = LoggerFactory.getLogger(BrowserLateJoinerTest.class);
    private static LiveSfu sfu;

    @BeforeAll
    static void startServer() {
        BrowserSession.assumeAvailable();
        sfu = LiveSfu.start("late-joiner");
    }

    @AfterAll
    static void stopServer() {
        if (sfu != null) {
            sfu.close();
        }
    }

    @Test
    void lateFourthDecodesAllThreeVideosWithinFiveSeconds() throws IOException {
        try (LiveCall call = new LiveCall(sfu, "late")) {
            call.join("Ada");
            call.join("Bob");
            call.join("Cy");
            call.awaitEveryoneDecodingEveryone(LiveCall.MEDIA);
            Set<String> earlier = call.ids();

            BrowserSession d = call.join("Dee");
            long joinedAt = System.nanoTime();
            Waits.until(Duration.ofSeconds(5), "Dee decoding all three videos within 5 s of joined", d::stats,
                    s -> earlier.stream().allMatch(id -> s.framesDecoded(id) > 0));
            LOG.info("late joiner decoded all three videos {} ms after joined", (System.nanoTime() - joinedAt) / 1_000_000);
            LiveCall.assertDecodingRises(d, earlier, Duration.ofSeconds(3));
            call.awaitEveryoneDecodingEveryone(LiveCall.MEDIA);
            for (BrowserSession x : call.members()) {
                assertTrue(x.remoteTiles().equals(call.othersOf(x)), x.label() + ": tiles " + x.remoteTiles());
            }
            recordServerLoad(call);
        }
    }

    /** Samples the server's CPU and RSS over 10 s of the 4-browser call into target/performance/. */
    private static void recordServerLoad(LiveCall call) throws IOException {
        Duration window = Duration.ofSeconds(10);
        Duration cpu0 = sfu.cpuTime();
        long t0 = System.nanoTime();
        long maxRss = sfu.residentBytes();
        for (int i = 0; i < 10; i++) {
            Waits.sleep(window.dividedBy(10));
            maxRss = Math.max(maxRss, sfu.residentBytes());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuPercent = 100.0 * (sfu.cpuTime().minus(cpu0).toMillis() / 1000.0) / seconds;
        String line = String.format(Locale.ROOT,
                "4-browser call (server receives 4 audio + 4 video RTP streams, sends 24): server CPU %.1f%% of one core"
                        + " over %.1f s, max RSS %.1f MiB, %d cores%n",
                cpuPercent, seconds, maxRss / 1048576.0, Runtime.getRuntime().availableProcessors());
        LOG.info(line.trim());
        Path out = Path.of("target", "performance", "four-browser-call.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, line);
        assertTrue(call.members().size() == 4 && sfu.isAlive(), "server alive during the measurement");
    }
}
