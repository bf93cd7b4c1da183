package dev.sfu.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proof 4 of issue 4: mute and camera-off show on the other side; screen share switches the
 * picture the others see with no renegotiation (no offer, no signaling-state change, the same
 * inbound SSRC), and stopping it brings the camera back.
 */
class BrowserMuteAndShareTest {
    /** The sharer's screen is a magenta canvas, so the receiver can tell it from the green fake camera. */
    static final String MAGENTA_SCREEN = """
            navigator.mediaDevices.getDisplayMedia = async () => {
              const c = document.createElement('canvas'); c.width = 640; c.height = 480;
              const g = c.getContext('2d'); let x = 0;
              setInterval(() => { g.fillStyle = '#ff00ff'; g.fillRect(0, 0, 640, 480);
                g.fillStyle = '#ffffff'; g.fillRect((x += 8) % 600, 0, 40, 480); }, 50);
              return c.captureStream(15);
            };
            """;
    private static final String COUNT_SIGNALING = """
            window.__signalingChanges = 0;
            window.sfu.pc.addEventListener('signalingstatechange', () => window.__signalingChanges++);
            """;
    private static final Duration SHOWN = Duration.ofSeconds(3);
    private static LiveSfu sfu;

    @BeforeAll
    static void startServer() {
        BrowserSession.assumeAvailable();
        sfu = LiveSfu.start("mute-share");
    }

    @AfterAll
    static void stopServer() {
        if (sfu != null) {
            sfu.close();
        }
    }

    @Test
    void muteAndCameraOffShowOnTheOtherSide() {
        try (LiveCall call = new LiveCall(sfu, "mute")) {
            BrowserSession a = call.join("Ada");
            BrowserSession b = call.join("Bob");
            call.awaitEveryoneDecodingEveryone(LiveCall.MEDIA);
            String ada = call.id(a);
            String tile = ".tile[data-participant='" + ada + "']";

            double unmutedGain = energyGain(b, ada);
            a.click("#mute");
            assertEquals("true", a.element("#mute").getAttribute("aria-pressed"));
            Waits.until(SHOWN, "Bob sees Ada muted", () -> b.element(tile + " .mic-off").isDisplayed());
            assertEquals("true", b.element(tile).getAttribute("data-audio-muted"));
            Waits.sleep(Duration.ofMillis(500));
            double mutedGain = energyGain(b, ada);
            assertTrue(mutedGain < unmutedGain * 0.05, "Ada's audio is silent while muted: energy gain "
                    + mutedGain + " vs " + unmutedGain + " unmuted");

            a.click("#camera");
            Waits.until(SHOWN, "Bob sees Ada's camera off", () -> b.element(tile + " .cam-off").isDisplayed());
            assertTrue(b.element(tile).getAttribute("class").contains("video-off"), "the overlay covers the video");

            a.click("#mute");
            a.click("#camera");
            Waits.until(SHOWN, "Bob sees Ada unmuted with camera on",
                    () -> !b.element(tile + " .mic-off").isDisplayed() && !b.element(tile + " .cam-off").isDisplayed());
            LiveCall.assertDecodingRises(b, java.util.Set.of(ada), Duration.ofSeconds(2));
        }
    }

    /** Audio energy {@code b} receives from {@code id} over 2 s. */
    private static double energyGain(BrowserSession b, String id) {
        double before = b.stats().totalAudioEnergy(id);
        Waits.sleep(Duration.ofSeconds(2));
        return b.stats().totalAudioEnergy(id) - before;
    }

    static boolean isMagenta(List<Number> rgb) {
        return rgb.get(0).intValue() > 150 && rgb.get(2).intValue() > 150 && rgb.get(1).intValue() < 100;
    }

    private static boolean isGreen(List<Number> rgb) {
        return rgb.get(1).intValue() > rgb.get(0).intValue() + 40 && rgb.get(1).intValue() > rgb.get(2).intValue() + 40;
    }

    private static Object videoSenderTrack(BrowserSession x) {
        return x.js("const s = window.sfu.pc.getSenders().find((s) => s.track && s.track.kind === 'video'); return s ? s.track.id : null;");
    }

    @Test
    void screenShareSwitchesThePictureWithoutRenegotiation() {
        try (LiveCall call = new LiveCall(sfu, "share")) {
            BrowserSession a = call.join("Ada", MAGENTA_SCREEN);
            BrowserSession b = call.join("Bob");
            call.awaitEveryoneDecodingEveryone(LiveCall.MEDIA);
            String ada = call.id(a);
            Waits.until(SHOWN, "Bob sees Ada's green camera", () -> LiveCall.tileColour(b, ada), BrowserMuteAndShareTest::isGreen);
            for (BrowserSession x : List.of(a, b)) {
                Waits.until(LiveCall.MEDIA, x.label() + ": negotiation settled", () -> x.state("signaling"), "stable"::equals);
                x.js(COUNT_SIGNALING);
            }
            Map<String, Object> countersA = a.counters();
            Map<String, Object> countersB = b.counters();
            Object ssrcBefore = b.stats().inbound(ada, "video").orElseThrow().get("ssrc");
            Object camera = videoSenderTrack(a);
            int mLinesB = b.mLineCount();

            a.click("#share");
            Waits.until(SHOWN, "Ada's share button pressed", () -> a.element("#share").getAttribute("aria-pressed"), "true"::equals);
            assertNotEquals(camera, videoSenderTrack(a), "the video sender carries the screen now");
            Waits.until(SHOWN, "Bob sees Ada's magenta screen", () -> LiveCall.tileColour(b, ada), BrowserMuteAndShareTest::isMagenta);
            LiveCall.assertDecodingRises(b, java.util.Set.of(ada), Duration.ofSeconds(2));

            a.click("#share");
            Waits.until(SHOWN, "Bob sees Ada's camera again", () -> LiveCall.tileColour(b, ada), BrowserMuteAndShareTest::isGreen);
            assertEquals(camera, videoSenderTrack(a), "the camera track is back on the same sender");

            assertEquals(countersA, a.counters(), "Ada: no offers or answers during the share");
            assertEquals(countersB, b.counters(), "Bob: no offers or answers during the share");
            for (BrowserSession x : List.of(a, b)) {
                assertEquals(0L, ((Number) x.js("return window.__signalingChanges")).longValue(),
                        x.label() + ": signalingState never left stable");
            }
            assertEquals(ssrcBefore, b.stats().inbound(ada, "video").orElseThrow().get("ssrc"), "same inbound stream");
            assertEquals(mLinesB, b.mLineCount(), "Bob's SDP did not change");
        }
    }
}
