package dev.sfu.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;

/**
 * The call view against a fake SFU living inside the page ({@code browser/fake-sfu.js}): the
 * page's own WebSocket is replaced, and a second RTCPeerConnection answers the page's offer, so
 * media really flows over loopback. Checks the page's half of docs/signaling.md without a server.
 */
class PageFakeSignalingTest {
    private static final Duration T = Duration.ofSeconds(10);
    private static StaticWebServer web;

    @BeforeAll
    static void startWeb() throws Exception {
        BrowserSession.assumeAvailable();
        web = StaticWebServer.start();
    }

    @AfterAll
    static void stopWeb() {
        if (web != null) {
            web.close();
        }
    }

    /** Opens the page with the fake SFU; {@code setup} runs after it is installed. */
    private static BrowserSession joinFake(String label, String setup) {
        return FakeSfuPage.join(web, label, "", setup, T);
    }

    private static long count(BrowserSession b, String type) {
        return FakeSfuPage.count(b, type);
    }

    private static Map<String, Object> lastSent(BrowserSession b, String type) {
        return FakeSfuPage.lastSent(b, type);
    }

    /**
     * A server that rejects the page's video m-line (port 0) stops that transceiver; the page must
     * not take it for an unpublished one and offer again forever (Firefox did, before issue 15).
     */
    @Test
    void aRejectedVideoMLineIsNotOfferedAgainAndAgain() {
        try (BrowserSession b = joinFake("reject-video", "window.__fakeSfu.rejectVideo = true;")) {
            Waits.until(T, "the answer applied", () -> b.state("signaling"), "stable"::equals);
            Waits.until(T, "the answer rejecting the video applied", () -> Boolean.TRUE.equals(b.js(
                    "return /^m=video 0 /m.test(window.sfu.pc.remoteDescription ? window.sfu.pc.remoteDescription.sdp : '')")));
            Waits.sleep(Duration.ofSeconds(2));
            assertEquals(1, count(b, "offer"), "one offer, no renegotiation loop");
            assertEquals("stable", b.state("signaling"));
        }
    }

    @Test
    void joinedParticipantsBecomeNamedTilesWithTheirState() {
        try (BrowserSession b = joinFake("tiles", """
                window.__fakeSfu.participants = [
                  {id: 'p-ada', name: 'Ada', audioMuted: true, videoMuted: false},
                  {id: 'p-bob', name: 'Bob', audioMuted: false, videoMuted: true}];
                """)) {
            assertEquals(Map.of("type", "join", "room", "fake-room", "name", "Me"), lastSent(b, "join"));
            Waits.until(T, "two remote tiles", b::remoteTiles, ids -> ids.equals(Set.of("p-ada", "p-bob")));
            assertEquals("Ada", b.element(".tile[data-participant='p-ada'] .name").getText());
            assertTrue(b.element(".tile[data-participant='p-ada'] .mic-off").isDisplayed(), "Ada shows muted");
            assertFalse(b.element(".tile[data-participant='p-ada'] .cam-off").isDisplayed());
            assertTrue(b.element(".tile[data-participant='p-bob'] .cam-off").isDisplayed(), "Bob shows camera off");
            assertEquals(1, b.elements(".tile.local").size(), "one local preview");
            assertEquals(0, b.elements(".tile.local[data-participant]").size(), "the preview is not a remote tile");
            assertEquals("3", b.element("#grid").getAttribute("data-count"));

            b.js("window.__fakeSfu.deliver({type: 'trackState', participantId: 'p-ada', audioMuted: false, videoMuted: true})");
            Waits.until(T, "Ada's camera-off overlay",
                    () -> b.element(".tile[data-participant='p-ada'] .cam-off").isDisplayed());
            assertFalse(b.element(".tile[data-participant='p-ada'] .mic-off").isDisplayed(), "Ada unmuted");

            b.js("window.__fakeSfu.deliver({type: 'participantJoined', participant: {id: 'p-cy', name: 'Cy', audioMuted: false, videoMuted: false}})");
            Waits.until(T, "Cy's tile", b::remoteTiles, ids -> ids.contains("p-cy"));
            b.js("window.__fakeSfu.deliver({type: 'participantLeft', participantId: 'p-bob'})");
            Waits.until(T, "Bob's tile removed", b::remoteTiles, ids -> ids.equals(Set.of("p-ada", "p-cy")));
        }
    }

    @Test
    void pagePublishesExactlyOneAudioAndOneVideoOverOneBundledConnection() {
        try (BrowserSession b = joinFake("publish", "")) {
            Waits.until(T, "an offer", () -> count(b, "offer"), n -> n >= 1);
            String sdp = (String) lastSent(b, "offer").get("sdp");
            List<String> mLines = sdp.lines().filter(l -> l.startsWith("m=")).toList();
            assertEquals(2, mLines.size(), "audio + video m-lines: " + mLines);
            assertTrue(mLines.get(0).startsWith("m=audio") && mLines.get(1).startsWith("m=video"), mLines.toString());
            assertEquals(2, sdp.lines().filter("a=sendonly"::equals).count(), "both sendonly");
            assertTrue(sdp.contains("a=group:BUNDLE 0 1"), "bundled");
            assertTrue(sdp.contains("a=rtcp-mux"), "rtcp-mux");
            b.awaitConnected(T);
            assertTrue(count(b, "candidate") >= 1, "trickled at least one candidate");
            Map<String, Object> candidate = lastSent(b, "candidate");
            assertTrue(String.valueOf(candidate.get("candidate")).startsWith("candidate:"), candidate.toString());
            RtcStats stats = Waits.until(T, "media flowing out", b::stats,
                    s -> s.bytesSent("audio") > 0 && s.bytesSent("video") > 0);
            assertEquals(1, stats.outbound("audio").size(), stats.toString());
            // One video track; Chromium lists a stream per offered simulcast rid even when declined.
            assertEquals(1, stats.outboundMids("video").size(), stats.toString());
            assertEquals(1L, count(b, "offer"), "no extra offers");
        }
    }

    @Test
    void serverOfferedMediaLandsInThePublishersTileAndIsDecoded() {
        try (BrowserSession b = joinFake("receive", "")) {
            b.awaitConnected(T);
            Waits.until(T, "the answer applied", () -> b.state("signaling"), "stable"::equals);
            assertEquals("stable", b.asyncJs("window.__fakeSfu.publish('p-ada', 'Ada').then(arguments[arguments.length - 1])"));
            assertEquals(1L, count(b, "answer"), "the page answered the server's offer");
            assertEquals(4, b.mLineCount(), "2 send + 2 receive m-lines");
            long first = Waits.until(T, "Ada's video decoded", () -> b.stats().framesDecoded("p-ada"), n -> n > 0);
            Waits.sleep(Duration.ofSeconds(1));
            RtcStats later = b.stats();
            assertTrue(later.framesDecoded("p-ada") > first, "framesDecoded rising: " + later);
            Waits.until(T, "Ada's audio energy", () -> b.stats().totalAudioEnergy("p-ada"), e -> e > 0);
            Waits.until(T, "Ada's tile playing video",
                    () -> ((Number) b.js("return document.querySelector(\".tile[data-participant='p-ada'] video\").videoWidth")).intValue(),
                    w -> w > 0);
            assertEquals(List.of(), b.counters().get("errors"));
            List<Number> rgb = LiveCall.tileColour(b, "p-ada");
            assertTrue(rgb.get(0).intValue() > rgb.get(1).intValue() + 40, "Ada's red canvas in her tile: " + rgb);
        }
    }

    @Test
    void glareRollsBackAnswersTheServerThenOffersAgain() {
        try (BrowserSession b = joinFake("glare", "window.__fakeSfu.glareOnce = {id: 'p-ada', name: 'Ada'};")) {
            b.awaitConnected(T);
            Waits.until(T, "negotiation settled", () -> b.state("signaling"), "stable"::equals);
            Waits.until(T, "Ada's video decoded", () -> b.stats().framesDecoded("p-ada"), n -> n > 0);
            Map<String, Object> c = b.counters();
            assertEquals(2L, ((Number) c.get("offersSent")).longValue(), "first offer refused, second accepted: " + c);
            assertEquals(1L, ((Number) c.get("answersSent")).longValue(), "answered the server's offer: " + c);
            assertEquals(List.of("NEGOTIATION_IN_PROGRESS"), c.get("errors"));
            assertEquals("", b.message(), "glare is not shown to the user");
            assertEquals(Boolean.TRUE, b.js("return window.sfu.pc.getTransceivers().filter(t => t.currentDirection === 'sendonly').length === 2"),
                    "both publish m-lines negotiated");
            RtcStats s = Waits.until(T, "media flowing out", b::stats, x -> x.bytesSent("video") > 0);
            assertEquals(1, s.outboundMids("video").size(), s.toString());
        }
    }

    @Test
    void muteAndCameraButtonsToggleTracksAndTellTheServer() {
        try (BrowserSession b = joinFake("mute", "")) {
            Waits.until(T, "initial trackState", () -> count(b, "trackState"), n -> n >= 1);
            assertEquals(Boolean.FALSE, lastSent(b, "trackState").get("audioMuted"));
            b.click("#mute");
            assertEquals("true", b.element("#mute").getAttribute("aria-pressed"));
            assertEquals(Boolean.TRUE, lastSent(b, "trackState").get("audioMuted"));
            assertEquals(Boolean.FALSE, b.js("return window.sfu.media.audioTrack.enabled"));
            assertTrue(b.element(".tile.local .mic-off").isDisplayed(), "own tile shows muted");
            b.click("#camera");
            assertEquals("true", b.element("#camera").getAttribute("aria-pressed"));
            assertEquals(Map.of("type", "trackState", "audioMuted", true, "videoMuted", true, "screenShare", false), lastSent(b, "trackState"));
            assertEquals(Boolean.FALSE, b.js("return window.sfu.media.cameraTrack.enabled"));
            b.click("#mute");
            b.click("#camera");
            assertEquals(Map.of("type", "trackState", "audioMuted", false, "videoMuted", false, "screenShare", false), lastSent(b, "trackState"));
            assertEquals("false", b.element("#mute").getAttribute("aria-pressed"));
        }
    }

    @Test
    void screenShareReplacesTheCameraTrackWithoutRenegotiating() {
        try (BrowserSession b = joinFake("share", "")) {
            b.awaitConnected(T);
            long offers = count(b, "offer");
            String camera = (String) b.js("return window.sfu.pc.getSenders().find(s => s.track && s.track.kind === 'video').track.id");
            b.click("#share");
            Waits.until(T, "the share button pressed", () -> b.element("#share").getAttribute("aria-pressed"), "true"::equals);
            String screen = (String) b.js("return window.sfu.pc.getSenders().find(s => s.track && s.track.kind === 'video').track.id");
            assertNotEquals(camera, screen, "the video sender now carries the screen");
            b.js("window.sfu.media.screenTrack.stop(); window.sfu.media.screenTrack.dispatchEvent(new Event('ended'))");
            Waits.until(T, "back to the camera",
                    () -> b.js("return window.sfu.pc.getSenders().find(s => s.track && s.track.kind === 'video').track.id"),
                    camera::equals);
            assertEquals("false", b.element("#share").getAttribute("aria-pressed"));
            assertEquals(offers, count(b, "offer"), "no renegotiation");
        }
    }

    @Test
    void roomFullIsShownAndThePageDoesNotRetry() {
        try (BrowserSession b = BrowserSession.start("full")) {
            b.addInitScript(FakeSfuPage.script() + "\nwindow.__fakeSfu.joinError = {code: 'ROOM_FULL', message: 'The room is full.'};");
            b.open(web.baseUrl() + "?room=crowded");
            b.type("#name", "Me");
            b.click("#join");
            String text = Waits.until(T, "the room-full message", b::message, m -> m.contains("room is full"));
            assertEquals("ROOM_FULL", b.element("#message").getAttribute("data-code"), text);
            assertTrue(b.element("#landing").isDisplayed(), "back on the landing page");
            Waits.sleep(Duration.ofSeconds(2));
            assertEquals(1L, ((Number) b.js("return window.__fakeSfu.sockets.length")).longValue(), "no reconnect");
        }
    }

    @Test
    void errorMessagesFromTheServerAreShownWithTheirCode() {
        try (BrowserSession b = joinFake("error", "")) {
            b.js("window.__fakeSfu.deliver({type: 'error', code: 'BAD_SDP', message: 'The offer has no usable codec.'})");
            String text = Waits.until(T, "the error banner", b::message, m -> m.contains("BAD_SDP"));
            assertTrue(text.contains("no usable codec"), text);
            assertTrue(b.element("#call").isDisplayed(), "a non-fatal error keeps the call");
        }
    }

    @Test
    void droppedSocketReconnectsWithANewPeerConnectionAndRestoresTiles() {
        try (BrowserSession b = joinFake("reconnect", """
                window.__fakeSfu.participants = [{id: 'p-ada', name: 'Ada', audioMuted: false, videoMuted: false}];
                """)) {
            b.awaitConnected(T);
            b.js("window.__oldPc = window.sfu.pc; window.__fakeSfu.drop()");
            String text = Waits.until(T, "the reconnecting notice", b::message, m -> m.contains("Reconnecting"));
            assertTrue(text.contains("lost"), text);
            Waits.until(T, "a second join", () -> count(b, "join"), n -> n == 2);
            b.awaitJoined(T);
            Waits.until(T, "Ada's tile back", b::remoteTiles, ids -> ids.equals(Set.of("p-ada")));
            assertEquals(Boolean.TRUE, b.js("return window.sfu.pc !== window.__oldPc && window.__oldPc.signalingState === 'closed'"));
            b.awaitConnected(T);
            assertEquals("", b.message(), "the notice is gone once rejoined");
        }
    }

    @Test
    void inCallScreenshotsAtDesktopAndPhoneWidth() {
        try (BrowserSession b = joinFake("screenshot", """
                window.__fakeSfu.participants = [
                  {id: 'p-bob', name: 'Bob Marley', audioMuted: true, videoMuted: false},
                  {id: 'p-cy', name: 'Cy Twombly', audioMuted: false, videoMuted: true}];
                """)) {
            b.awaitConnected(T);
            Waits.until(T, "the answer applied", () -> b.state("signaling"), "stable"::equals);
            b.asyncJs("window.__fakeSfu.publish('p-ada', 'Ada Lovelace').then(arguments[arguments.length - 1])");
            Waits.until(T, "Ada's video", () -> b.stats().framesDecoded("p-ada"), n -> n > 10);
            b.click("#mute");
            b.screenshot(BrowserSession.docsScreenshot("call-page-in-call.png"));
            b.driver().manage().window().setSize(new Dimension(390, 844));
            Waits.sleep(Duration.ofMillis(500));
            b.screenshot(BrowserSession.docsScreenshot("call-page-phone.png"));
        }
    }
}
