package dev.sfu.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;

/**
 * Simulcast in real Chromium (issue 12), one call for every proof so the browsers start once:
 * each browser publishes its 640x360 camera as two layers (h 320x180, f 640x360); a phone-sized
 * window receives the small layer, desktop windows the large one; a hidden page pauses what it
 * receives and a publisher stops the layer nobody needs (dynacast), both coming back when the
 * page is shown; a window that grows switches its videos to the large layer without freezing.
 * Everything is read from getStats().
 */
class BrowserSimulcastTest {
    private static final Duration SWITCH = Duration.ofSeconds(20);
    private static LiveSfu sfu;

    @BeforeAll
    static void startServer() {
        BrowserSession.assumeAvailable();
        sfu = LiveSfu.start("simulcast");
    }

    @AfterAll
    static void stopServer() {
        if (sfu != null) {
            sfu.close();
        }
    }

    @Test
    void layersFollowTileSizeVisibilityAndDynacastInOneCall() {
        try (LiveCall call = new LiveCall(sfu, "simulcast", name -> name.equals("Cy")
                ? BrowserSession.start(name, "--window-size=390,844") : BrowserSession.start(name))) {
            BrowserSession ada = call.join("Ada");
            BrowserSession bob = call.join("Bob");
            BrowserSession cy = call.join("Cy");
            cy.driver().manage().window().setSize(new Dimension(390, 844));
            call.awaitEveryoneDecodingEveryone(LiveCall.MEDIA);
            String adaId = call.id(ada);
            String bobId = call.id(bob);

            // A publisher sends at least two simulcast layers (outbound-rtp with rids, bytes rising).
            RtcStats before = ada.stats();
            Waits.until(SWITCH, "Ada: two video layers sending", ada::stats,
                    s -> ridsRising(before, s).size() >= 2);

            // A phone-sized window gets the small layer, a desktop window the large one.
            Waits.until(SWITCH, "Cy (390x844): remote videos at most 400 px wide", () -> {
                RtcStats s = cy.stats();
                System.out.println("Cy widths " + width(s, adaId) + " " + width(s, bobId) + " tiles " + cy.js("return JSON.stringify(window.sfu.lastVideoTiles)"));
                return s;
            },
                    s -> width(s, adaId) > 0 && width(s, adaId) <= 400 && width(s, bobId) > 0 && width(s, bobId) <= 400);
            Waits.until(SWITCH, "Ada (1280x800): Bob's video at least 640 px wide", ada::stats, s -> width(s, bobId) >= 640);
            Waits.until(SWITCH, "Bob (1280x800): Ada's video at least 640 px wide", bob::stats, s -> width(s, adaId) >= 640);

            // A hidden page pauses what it receives, and Ada's large layer, which only Bob needed, stops.
            bob.driver().manage().window().minimize();
            Waits.until(SWITCH, "Bob: the page hidden", () -> bob.js("return document.visibilityState"), "hidden"::equals);
            Waits.until(SWITCH, "Bob: Ada's video paused (bytes flat over 2 s)", () -> bytesOver(bob, adaId, Duration.ofSeconds(2)),
                    n -> n == 0);
            Waits.until(SWITCH, "Ada: layer f stops sending (dynacast)", () -> ridBytesOver(ada, "f", Duration.ofSeconds(2)),
                    n -> n == 0);
            assertTrue(ridBytesOver(ada, "h", Duration.ofSeconds(2)) > 0, "Ada keeps sending layer h for Cy");

            // Shown again: Bob decodes Ada again at the large layer, and Ada sends f again.
            bob.driver().manage().window().setSize(new Dimension(1280, 800));
            Waits.until(SWITCH, "Bob: the page visible", () -> bob.js("return document.visibilityState"), "visible"::equals);
            Waits.until(SWITCH, "Ada: layer f sending again", () -> ridBytesOver(ada, "f", Duration.ofSeconds(1)), n -> n > 0);
            Waits.until(SWITCH, "Bob: Ada's video decoding again", () -> framesOver(bob, adaId, Duration.ofSeconds(1)), n -> n > 0);
            Waits.until(SWITCH, "Bob: Ada's video at 640 px again", bob::stats, s -> width(s, adaId) >= 640);

            // Resizing Cy's window to a desktop switches to the large layer with no freeze over 500 ms.
            RtcStats small = cy.stats();
            cy.driver().manage().window().setSize(new Dimension(1280, 800));
            RtcStats large = Waits.until(SWITCH, "Cy (1280x800): Ada's video at least 640 px wide", cy::stats,
                    s -> width(s, adaId) >= 640);
            Waits.sleep(Duration.ofSeconds(2));
            RtcStats after = cy.stats();
            double frozen = freezeSeconds(after, adaId) - freezeSeconds(small, adaId);
            assertTrue(frozen < 0.5, "Cy: frozen " + frozen + " s while switching layers\n" + after);
            assertTrue(after.framesDecoded(adaId) > large.framesDecoded(adaId), "Cy: still decoding Ada after the switch");
        }
    }

    private static int width(RtcStats s, String participantId) {
        return s.inbound(participantId, "video").map(e -> (int) RtcStats.number(e, "frameWidth")).orElse(0);
    }

    private static double freezeSeconds(RtcStats s, String participantId) {
        return s.inbound(participantId, "video").map(e -> RtcStats.number(e, "totalFreezesDuration")).orElse(0.0);
    }

    private static Map<String, Double> ridBytes(RtcStats s) {
        return s.outbound("video").stream().filter(e -> e.get("rid") != null)
                .collect(Collectors.toMap(e -> String.valueOf(e.get("rid")), e -> RtcStats.number(e, "bytesSent"), Double::sum));
    }

    private static List<String> ridsRising(RtcStats before, RtcStats after) {
        Map<String, Double> a = ridBytes(before);
        return ridBytes(after).entrySet().stream().filter(e -> e.getValue() > a.getOrDefault(e.getKey(), 0.0))
                .map(Map.Entry::getKey).collect(Collectors.toList());
    }

    private static long ridBytesOver(BrowserSession b, String rid, Duration window) {
        double x = ridBytes(b.stats()).getOrDefault(rid, 0.0);
        Waits.sleep(window);
        return (long) (ridBytes(b.stats()).getOrDefault(rid, 0.0) - x);
    }

    private static long bytesOver(BrowserSession b, String participantId, Duration window) {
        double x = b.stats().inbound(participantId, "video").map(e -> RtcStats.number(e, "bytesReceived")).orElse(0.0);
        Waits.sleep(window);
        double y = b.stats().inbound(participantId, "video").map(e -> RtcStats.number(e, "bytesReceived")).orElse(0.0);
        return (long) (y - x);
    }

    private static long framesOver(BrowserSession b, String participantId, Duration window) {
        long x = b.stats().framesDecoded(participantId);
        Waits.sleep(window);
        return b.stats().framesDecoded(participantId) - x;
    }
}
