package dev.sfu.signaling.browser;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A benchmark with real browsers, not a test: a plain main class that asserts nothing (no JUnit,
 * so no test run can start it). N times, on a fresh server, two Chromiums call each other, then a
 * third joins; it prints the time from the late joiner's {@code joined} to it decoding every
 * remote video (framesDecoded above 0 for both), polled every 50 ms. It stays in the signaling
 * test sources because it drives the browser fixtures there ({@link LiveCall}, {@link LiveSfu}).
 * How to run it and the figures: docs/performance.md.
 */
public final class BrowserLateJoinerProbe {
    private BrowserLateJoinerProbe() {
    }

    /** {@code args[0]}: how many fresh servers to measure (default 3). */
    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        BrowserSession.exitUnlessInstalled();
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
                System.out.println("late joiner run " + i + ": " + result);
                results.add(result);
            }
        }
        System.out.println("LATEJOIN " + results);
        System.exit(0);
    }
}
