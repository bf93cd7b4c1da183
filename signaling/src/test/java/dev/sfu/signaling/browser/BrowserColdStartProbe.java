package dev.sfu.signaling.browser;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A benchmark with a real browser, not a test: a plain main class that asserts nothing (no JUnit,
 * so no test run can start it). N times, it starts a fresh server and joins one Chromium at once,
 * and prints the time from clicking Join to the RTCPeerConnection being connected (the first
 * participant of a cold server). It stays in the signaling test sources because it drives the
 * browser fixtures there ({@link BrowserSession}, {@link LiveSfu}). How to run it and the figures:
 * docs/performance.md ("Probes with a browser") and docs/transport.md ("First connection of a
 * fresh server").
 */
public final class BrowserColdStartProbe {
    private BrowserColdStartProbe() {
    }

    /** {@code args[0]}: how many fresh servers to measure (default 3). */
    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        BrowserSession.exitUnlessInstalled();
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
                System.out.println("cold run " + i + ": " + result);
                results.add("run " + i + ": " + result);
            }
        }
        System.out.println("COLDSTART results:\n" + String.join("\n", results));
        System.exit(0);
    }
}
