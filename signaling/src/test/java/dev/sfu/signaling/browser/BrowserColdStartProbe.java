package dev.sfu.signaling.browser;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A benchmark with a real browser, not a test: it asserts nothing and is never part of
 * {@code ./sfu test} (Surefire runs classes named {@code *Test}; this one runs only when named,
 * {@code -Dtest=BrowserColdStartProbe -Dsfu.coldprobe.runs=N}, and stays idle without
 * {@code sfu.coldprobe.runs} so that a wildcard {@code -Dtest} does not start it). N times, it
 * starts a fresh server and joins one Chromium at once, and prints the time from clicking Join
 * to the RTCPeerConnection being connected (the first participant of a cold server). How to run
 * it and the figures: docs/transport.md, "First connection of a fresh server".
 */
class BrowserColdStartProbe {
    private static final Logger LOG = LoggerFactory.getLogger(BrowserColdStartProbe.class);

    @Test
    void firstParticipantOfAFreshServer() {
        int runs = Integer.getInteger("sfu.coldprobe.runs", 0);
        assumeTrue(runs > 0, "a benchmark: set -Dsfu.coldprobe.runs=N");
        BrowserSession.assumeAvailable();
        List<String> results = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            try (LiveSfu sfu = LiveSfu.start("cold-" + i); BrowserSession b = BrowserSession.start("cold-" + i)) {
                b.open(sfu.baseUrl() + "?room=cold" + i);
                b.type("#name", "Ada");
                long t0 = System.nanoTime();
                b.click("#join");
                String result;
                try {
                    b.awaitConnected(Duration.ofSeconds(40));
                    result = "connected after " + (System.nanoTime() - t0) / 1_000_000 + " ms";
                } catch (AssertionError e) {
                    result = "NOT connected within 40 s: " + e.getMessage();
                }
                LOG.info("cold run {}: {}", i, result);
                results.add("run " + i + ": " + result);
            }
        }
        LOG.info("cold-start results:\n{}", String.join("\n", results));
    }
}
