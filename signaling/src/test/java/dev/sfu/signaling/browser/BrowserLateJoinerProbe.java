package dev.sfu.signaling.browser;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A benchmark with real browsers, not a test: it asserts nothing and is never part of
 * {@code ./sfu test} (Surefire runs classes named {@code *Test}; this one runs only when named,
 * {@code -Dtest=BrowserLateJoinerProbe -Dsfu.latejoin.runs=N}, and stays idle without
 * {@code sfu.latejoin.runs} so that a wildcard {@code -Dtest} does not start it). N times, on a
 * fresh server, two Chromiums call each other, then a third joins; it prints the time from the
 * late joiner's {@code joined} to it decoding every remote video (framesDecoded above 0 for
 * both), polled every 50 ms. How to run it and the figures: docs/performance.md.
 */
class BrowserLateJoinerProbe {
    private static final Logger LOG = LoggerFactory.getLogger(BrowserLateJoinerProbe.class);

    @Test
    void lateJoinerFromJoinedToDecodingEveryRemoteVideo() {
        int runs = Integer.getInteger("sfu.latejoin.runs", 0);
        assumeTrue(runs > 0, "a benchmark: set -Dsfu.latejoin.runs=N");
        BrowserSession.assumeAvailable();
        List<String> results = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            try (LiveSfu sfu = LiveSfu.start("late-" + i); LiveCall call = new LiveCall(sfu, "late" + i)) {
                call.join("Ada");
                call.join("Bob");
                call.awaitEveryoneDecodingEveryone(LiveCall.MEDIA);
                BrowserSession cy = call.join("Cy");
                long t0 = System.nanoTime();
                Set<String> others = call.othersOf(cy);
                String result;
                try {
                    Waits.until(Duration.ofSeconds(30), "Cy decoding " + others, () -> {
                        RtcStats s = cy.stats();
                        boolean all = others.stream().allMatch(id -> s.framesDecoded(id) > 0);
                        if (!all) {
                            Waits.sleep(Duration.ofMillis(50));
                        }
                        return all;
                    }, ok -> ok);
                    result = (System.nanoTime() - t0) / 1_000_000 + " ms";
                } catch (AssertionError e) {
                    result = "NOT decoding within 30 s";
                }
                LOG.info("late joiner run {}: {}", i, result);
                results.add(result);
            }
        }
        LOG.info("late-joiner results (joined -> decoding every remote video): {}", results);
        System.out.println("LATEJOIN " + results);
    }
}
