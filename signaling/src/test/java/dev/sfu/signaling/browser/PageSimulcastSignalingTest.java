package dev.sfu.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;

/**
 * The page's half of simulcast (docs/signaling.md: videoTiles, layersNeeded, remoteVideo,
 * dominantSpeaker) against the fake SFU in the page ({@code browser/fake-sfu.js}), no server:
 * the offered rids per capture size, dynacast on the sender's encodings, tile sizes and
 * visibility sent to the server, paused videos, the speaker highlight and the speaker view.
 */
class PageSimulcastSignalingTest {
    private static final Duration T = Duration.ofSeconds(15);
    /** The fake accepts simulcast as the simulcast SFU does (else it declines, as Chromium answers). */
    private static final String ACCEPT = "window.__fakeSfu.acceptSimulcast = true;";
    /** A 640x360 camera: two layers, cheaper to encode where the layer count does not matter. */
    private static final String SMALL = "&capture=640x360";
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

    /** The video sender's encodings as "rid/scale/maxBitrate/active" ("-" for no rid). */
    @SuppressWarnings("unchecked")
    private static List<String> encodings(BrowserSession b) {
        return (List<String>) b.js("""
                return window.sfu.call.videoTransceiver.sender.getParameters().encodings
                  .map((e) => `${e.rid || '-'}/${e.scaleResolutionDownBy}/${e.maxBitrate}/${e.active}`);
                """);
    }

    private static String ownVideoMid(BrowserSession b) {
        return (String) Waits.until(T, "our video m-line negotiated",
                () -> b.js("return window.sfu.call.videoTransceiver.mid"), mid -> mid != null);
    }

    /** The receive m-line carrying {@code participantId}'s video. */
    private static String remoteVideoMid(BrowserSession b, String participantId) {
        return (String) b.js("return window.sfu.remoteTracks().find((t) => t.participantId === arguments[0] && t.kind === 'video').mid",
                participantId);
    }

    /** The last videoTiles list the page sent, as "mid:WxH:visible". */
    @SuppressWarnings("unchecked")
    private static List<String> lastTiles(BrowserSession b) {
        return (List<String>) b.js("return (window.sfu.lastVideoTiles || []).map((t) => `${t.mid}:${t.width}x${t.height}:${t.visible}`)");
    }

    /** What a tile's video measures now in device pixels, as "WxH". */
    private static String measured(BrowserSession b, String participantId) {
        return (String) b.js("""
                const r = document.querySelector(`.tile[data-participant="${arguments[0]}"] video`).getBoundingClientRect();
                return `${Math.round(r.width * devicePixelRatio)}x${Math.round(r.height * devicePixelRatio)}`;
                """, participantId);
    }

    private static int width(String tile) {
        String size = tile.split(":")[1];
        return Integer.parseInt(size.substring(0, size.indexOf('x')));
    }

    /** The video section of an SDP (from its m=video line to the next m= line). */
    private static List<String> videoSection(String sdp) {
        List<String> lines = sdp.lines().toList();
        int start = 0;
        while (!lines.get(start).startsWith("m=video")) {
            start++;
        }
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).startsWith("m=")) {
            end++;
        }
        return lines.subList(start, end);
    }

    private static List<String> simulcastLines(List<String> section) {
        return section.stream().filter(l -> l.startsWith("a=rid:") || l.startsWith("a=simulcast:")).toList();
    }

    @Test
    void a720pCameraIsOfferedAsThreeSimulcastLayersQHF() {
        try (BrowserSession b = FakeSfuPage.join(web, "simulcast-720p", "", ACCEPT, T)) {
            assertEquals("1280x720", b.js("const s = window.sfu.media.cameraTrack.getSettings(); return s.width + 'x' + s.height"));
            Waits.until(T, "an offer", () -> FakeSfuPage.count(b, "offer"), n -> n >= 1);
            List<String> video = videoSection((String) FakeSfuPage.lastSent(b, "offer").get("sdp"));
            assertEquals(List.of("a=rid:q send", "a=rid:h send", "a=rid:f send", "a=simulcast:send q;h;f"),
                    simulcastLines(video));
            b.awaitConnected(T);
            assertEquals(List.of("q/4/150000/true", "h/2/500000/true", "f/1/1500000/true"), encodings(b),
                    "kept as offered once the answer accepts them");
            // Chromium adds each layer's outbound-rtp entry once that layer has sent: right after the
            // smallest one starts, the others can still be missing (seen once in CI: only q, 4 packets).
            RtcStats s = Waits.until(T, "the smallest layer sending and outbound stats for q, h and f", b::stats,
                    x -> x.outbound("video").stream().anyMatch(e -> "q".equals(e.get("rid")) && RtcStats.number(e, "bytesSent") > 0)
                            && x.outbound("video").stream().map(e -> e.get("rid")).collect(Collectors.toSet()).size() >= 3);
            assertEquals(Set.of("q", "h", "f"), s.outbound("video").stream().map(e -> e.get("rid")).collect(Collectors.toSet()), s.toString());
            assertEquals(1, s.outboundMids("video").size(), "one video track: " + s);
        }
    }

    @Test
    void smallerCapturesOfferFewerLayers() {
        try (BrowserSession b = FakeSfuPage.join(web, "simulcast-360p", SMALL, ACCEPT, T)) {
            assertEquals("640x360", b.js("const s = window.sfu.media.cameraTrack.getSettings(); return s.width + 'x' + s.height"));
            Waits.until(T, "an offer", () -> FakeSfuPage.count(b, "offer"), n -> n >= 1);
            List<String> video = videoSection((String) FakeSfuPage.lastSent(b, "offer").get("sdp"));
            assertEquals(List.of("a=rid:h send", "a=rid:f send", "a=simulcast:send h;f"), simulcastLines(video));
            b.awaitConnected(T);
            assertEquals(List.of("h/2/500000/true", "f/1/1500000/true"), encodings(b));
            assertTrue(b.driver().getCurrentUrl().endsWith("?room=fake-room&capture=640x360"),
                    "the knob stays in the address: " + b.driver().getCurrentUrl());
            assertTrue(b.element("#share-link").getText().endsWith("/?room=fake-room"), "but not in the share link");

            // The rule per capture height, from the page's own module: >= 540 q/h/f, >= 270 h/f, else one encoding.
            Object table = b.asyncJs("""
                    const done = arguments[arguments.length - 1];
                    import('/js/media.js').then((m) => {
                      const rids = (encs) => encs.map((e) => e.rid || '-').join(',');
                      const rows = [1080, 720, 540, 539, 480, 360, 270, 269, 180].map((h) => h + ':' + rids(m.sendEncodings(h)));
                      rows.push('off:' + rids(m.sendEncodings(720, { ...m.videoConfig, simulcast: false })));
                      done(rows);
                    }, (e) => done('import failed: ' + e));
                    """);
            assertEquals(List.of("1080:q,h,f", "720:q,h,f", "540:q,h,f", "539:h,f", "480:h,f", "360:h,f", "270:h,f",
                    "269:-", "180:-", "off:-"), table);
        }
    }

    @Test
    void simulcastOffOffersOneEncodingWithoutRid() {
        try (BrowserSession b = FakeSfuPage.join(web, "simulcast-off", "&simulcast=off" + SMALL, ACCEPT, T)) {
            Waits.until(T, "an offer", () -> FakeSfuPage.count(b, "offer"), n -> n >= 1);
            List<String> video = videoSection((String) FakeSfuPage.lastSent(b, "offer").get("sdp"));
            assertEquals(List.of(), simulcastLines(video));
            b.awaitConnected(T);
            assertEquals(List.of("-/1/1500000/true"), encodings(b));
        }
    }

    @Test
    void declinedSimulcastFallsBackToOneFullResolutionEncoding() {
        try (BrowserSession b = FakeSfuPage.join(web, "simulcast-declined", "", "", T)) {
            b.awaitConnected(T);
            Waits.until(T, "the answer applied", () -> b.state("signaling"), "stable"::equals);
            assertFalse(String.valueOf(b.js("return window.sfu.pc.remoteDescription.sdp")).contains("a=simulcast"),
                    "the answer declines simulcast");
            // Chromium keeps the first (quarter-size) encoding; the page raises it to the full size.
            Waits.until(T, "the remaining encoding at full size", () -> encodings(b), List.of("q/1/1500000/true")::equals);
            Waits.until(T, "video sent larger than the quarter layer", b::stats,
                    s -> s.outbound("video").stream().anyMatch(e -> RtcStats.number(e, "frameWidth") > 320));
        }
    }

    @Test
    void layersNeededSwitchesEncodingsOffAndOnAndSurvivesRenegotiation() {
        try (BrowserSession b = FakeSfuPage.join(web, "dynacast", "", ACCEPT, T)) {
            b.awaitConnected(T);
            String mid = ownVideoMid(b);
            Waits.until(T, "three encodings", () -> encodings(b).size(), n -> n == 3);

            FakeSfuPage.deliver(b, "{type: 'layersNeeded', mid: '" + mid + "', rids: ['q']}");
            Waits.until(T, "only q active", () -> encodings(b),
                    List.of("q/4/150000/true", "h/2/500000/false", "f/1/1500000/false")::equals);
            assertEquals(Map.of("mid", mid, "rids", List.of("q")), b.js("return window.sfu.layersNeeded"));
            Waits.until(T, "the stats show f inactive", b::stats, s -> s.outbound("video").stream()
                    .anyMatch(e -> "f".equals(e.get("rid")) && Boolean.FALSE.equals(e.get("active"))));

            FakeSfuPage.deliver(b, "{type: 'layersNeeded', mid: '" + mid + "', rids: ['h', 'f']}");
            Waits.until(T, "h and f active, q off", () -> encodings(b),
                    List.of("q/4/150000/false", "h/2/500000/true", "f/1/1500000/true")::equals);

            // Another m-line's layers are not ours: recorded, not applied.
            FakeSfuPage.deliver(b, "{type: 'layersNeeded', mid: 'nope', rids: []}");
            Waits.until(T, "the foreign layersNeeded received", () -> b.js("return window.sfu.layersNeeded.mid"), "nope"::equals);
            assertEquals(List.of("q/4/150000/false", "h/2/500000/true", "f/1/1500000/true"), encodings(b));

            // A server offer (someone publishes) keeps the simulcast layers and their state.
            FakeSfuPage.publish(b, "p-ada", "Ada");
            assertEquals(List.of("q/4/150000/false", "h/2/500000/true", "f/1/1500000/true"), encodings(b));
            assertTrue(FakeSfuPage.lastSent(b, "answer").get("sdp").toString().contains("a=simulcast:send"),
                    "the page's answer keeps its simulcast");
            assertEquals(List.of(), b.counters().get("errors"));
        }
    }

    @Test
    void videoTilesReportEachRemoteVideosSizeAndFollowAResize() {
        try (BrowserSession b = FakeSfuPage.join(web, "tiles", SMALL, "", T)) {
            b.awaitConnected(T);
            Waits.until(T, "the answer applied", () -> b.state("signaling"), "stable"::equals);
            FakeSfuPage.publish(b, "p-ada", "Ada");
            String mid = remoteVideoMid(b, "p-ada");
            List<String> first = Waits.until(T, "Ada's tile reported", () -> lastTiles(b),
                    t -> t.equals(List.of(mid + ":" + measured(b, "p-ada") + ":true")));
            assertTrue(width(first.get(0)) > 200, "a large tile: " + first);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> sent = (List<Map<String, Object>>) FakeSfuPage.lastSent(b, "videoTiles").get("tiles");
            assertEquals(1, sent.size(), "only video m-lines: " + sent);
            assertEquals(Set.of("mid", "width", "height", "visible"), sent.get(0).keySet());
            assertEquals(mid, sent.get(0).get("mid"));

            b.driver().manage().window().setSize(new Dimension(390, 844));
            List<String> phone = Waits.until(T, "the smaller tile reported", () -> lastTiles(b),
                    t -> t.size() == 1 && !t.equals(first) && t.equals(List.of(mid + ":" + measured(b, "p-ada") + ":true")));
            assertTrue(width(phone.get(0)) < width(first.get(0)), first + " -> " + phone);
            assertEquals(phone, List.of(tileString(FakeSfuPage.lastSent(b, "videoTiles"))), "the server got it too");
        }
    }

    @SuppressWarnings("unchecked")
    private static String tileString(Map<String, Object> videoTiles) {
        Map<String, Object> t = ((List<Map<String, Object>>) videoTiles.get("tiles")).get(0);
        return t.get("mid") + ":" + t.get("width") + "x" + t.get("height") + ":" + t.get("visible");
    }

    @Test
    void aHiddenPageReportsItsTilesNotVisible() {
        try (BrowserSession b = FakeSfuPage.join(web, "hidden", SMALL, "", T)) {
            b.awaitConnected(T);
            Waits.until(T, "the answer applied", () -> b.state("signaling"), "stable"::equals);
            FakeSfuPage.publish(b, "p-ada", "Ada");
            String mid = remoteVideoMid(b, "p-ada");
            Waits.until(T, "Ada's tile visible", () -> lastTiles(b), t -> t.size() == 1 && t.get(0).endsWith(":true"));

            b.driver().manage().window().minimize();
            Waits.until(T, "the page hidden", () -> b.js("return document.visibilityState"), "hidden"::equals);
            Waits.until(T, "the tile reported not visible", () -> lastTiles(b),
                    t -> t.size() == 1 && t.get(0).startsWith(mid + ":") && t.get(0).endsWith(":false"));
            assertEquals(Boolean.FALSE, FakeSfuPage.lastSent(b, "videoTiles").toString().contains("visible=true"));

            b.driver().manage().window().setSize(new Dimension(1280, 800));
            Waits.until(T, "visible again", () -> lastTiles(b), t -> t.size() == 1 && t.get(0).endsWith(":true"));
        }
    }

    @Test
    void videoTilesAreSentAgainAfterARejoin() {
        try (BrowserSession b = FakeSfuPage.join(web, "tiles-rejoin", SMALL,
                "window.__fakeSfu.participants = [{id: 'p-ada', name: 'Ada', audioMuted: false, videoMuted: false}];", T)) {
            b.awaitConnected(T);
            Waits.until(T, "the answer applied", () -> b.state("signaling"), "stable"::equals);
            FakeSfuPage.publish(b, "p-ada", "Ada");
            Waits.until(T, "Ada's tile reported", () -> FakeSfuPage.count(b, "videoTiles"), n -> n >= 1);
            List<String> before = lastTiles(b);

            b.js("window.__fakeSfu.drop()");
            Waits.until(T, "a second join", () -> FakeSfuPage.count(b, "join"), n -> n == 2);
            b.awaitConnected(T);
            Waits.until(T, "the new answer applied", () -> b.state("signaling"), "stable"::equals);
            long sentBefore = FakeSfuPage.count(b, "videoTiles");
            FakeSfuPage.publish(b, "p-ada", "Ada");
            // The new session gets the list even though it may equal the one sent before.
            List<String> after = Waits.until(T, "the tile reported on the new connection", () -> lastTiles(b),
                    t -> t.size() == 1 && FakeSfuPage.count(b, "videoTiles") > sentBefore);
            assertEquals(remoteVideoMid(b, "p-ada"), after.get(0).split(":")[0]);
            assertEquals(before.get(0).substring(before.get(0).indexOf(':')), after.get(0).substring(after.get(0).indexOf(':')),
                    "same size and visibility");
        }
    }

    @Test
    void aPausedRemoteVideoShowsTheAvatarAndWhy() {
        try (BrowserSession b = FakeSfuPage.join(web, "paused", SMALL, "", T)) {
            b.awaitConnected(T);
            Waits.until(T, "the answer applied", () -> b.state("signaling"), "stable"::equals);
            FakeSfuPage.publish(b, "p-ada", "Ada");
            String mid = remoteVideoMid(b, "p-ada");
            String tile = ".tile[data-participant='p-ada']";
            Waits.until(T, "Ada's video playing", () -> ((Number) b.js("return document.querySelector(arguments[0] + ' video').videoWidth", tile)).intValue(),
                    w -> w > 0);
            assertFalse(b.element(tile + " .avatar").isDisplayed(), "video, not the avatar, while forwarded");

            String[][] reasons = {
                {"hidden", "Paused: not visible"}, {"lastN", "Paused: not a recent speaker"}, {"bandwidth", "Paused to save bandwidth"}};
            for (String[] r : reasons) {
                FakeSfuPage.deliver(b, "{type: 'remoteVideo', mid: '" + mid + "', participantId: 'p-ada', paused: true, reason: '" + r[0] + "', rid: null}");
                Waits.until(T, "the label for " + r[0], () -> b.element(tile + " .paused-label").getText(), r[1]::equals);
                assertTrue(b.element(tile).getAttribute("class").contains("paused"));
                assertEquals("true", b.element(tile).getAttribute("data-paused"));
                assertTrue(b.element(tile + " .paused-label").isDisplayed());
                assertTrue(b.element(tile + " .avatar").isDisplayed(), "the avatar, not a frozen frame");
                assertEquals("A", b.element(tile + " .avatar").getText());
                assertEquals("hidden", b.js("return getComputedStyle(document.querySelector(arguments[0] + ' video')).visibility", tile));
            }

            // Without participantId the page finds the publisher from the m-line.
            FakeSfuPage.deliver(b, "{type: 'remoteVideo', mid: '" + mid + "', paused: false, reason: null, rid: 'h'}");
            Waits.until(T, "resumed", () -> b.element(tile).getAttribute("data-paused"), "false"::equals);
            assertEquals("h", b.element(tile).getAttribute("data-rid"));
            assertFalse(b.element(tile).getAttribute("class").contains("paused"));
            assertFalse(b.element(tile + " .paused-label").isDisplayed());
            assertFalse(b.element(tile + " .avatar").isDisplayed(), "video again");
            assertEquals("visible", b.js("return getComputedStyle(document.querySelector(arguments[0] + ' video')).visibility", tile));
        }
    }

    @Test
    void dominantSpeakerIsHighlightedAndFeaturedInSpeakerView() {
        try (BrowserSession b = FakeSfuPage.join(web, "speaker", SMALL, "", T)) {
            b.awaitConnected(T);
            Waits.until(T, "the answer applied", () -> b.state("signaling"), "stable"::equals);
            FakeSfuPage.publish(b, "p-ada", "Ada");
            FakeSfuPage.publish(b, "p-bob", "Bob");
            String ada = ".tile[data-participant='p-ada']";
            String bob = ".tile[data-participant='p-bob']";
            String adaMid = remoteVideoMid(b, "p-ada");
            String bobMid = remoteVideoMid(b, "p-bob");
            Waits.until(T, "both tiles reported", () -> lastTiles(b), t -> t.size() == 2);

            FakeSfuPage.deliver(b, "{type: 'dominantSpeaker', participantId: 'p-bob', recent: ['p-bob', 'p-ada']}");
            Waits.until(T, "Bob highlighted", () -> b.element(bob).getAttribute("class"), c -> c.contains("speaking"));
            assertFalse(b.element(ada).getAttribute("class").contains("speaking"));
            assertEquals("p-bob", b.js("return window.sfu.dominantSpeaker.participantId"));
            assertEquals("solid", b.js("return getComputedStyle(document.querySelector(arguments[0])).outlineStyle", bob), "a visible ring");
            assertEquals("speaking", b.element(bob + " .speaking-note").getAttribute("textContent"));

            assertEquals("false", b.element("#speaker-view").getAttribute("aria-pressed"));
            b.click("#speaker-view");
            assertEquals("true", b.element("#speaker-view").getAttribute("aria-pressed"));
            assertEquals("Speaker view", b.element("#speaker-view").getAccessibleName());
            assertTrue(b.element(bob).getAttribute("class").contains("featured"));
            List<String> tiles = Waits.until(T, "Bob large and Ada small", () -> lastTiles(b), t -> t.size() == 2
                    && width(tile(t, bobMid)) > 3 * width(tile(t, adaMid)));
            assertEquals(measured(b, "p-ada"), tile(tiles, adaMid).split(":")[1]);
            b.screenshot(BrowserSession.docsScreenshot("call-page-speaker-view.png"));

            // The speaker changes: Ada takes the large tile; we speaking keeps the last other speaker there.
            FakeSfuPage.deliver(b, "{type: 'dominantSpeaker', participantId: 'p-ada', recent: ['p-ada', 'p-bob']}");
            Waits.until(T, "Ada featured", () -> b.element(ada).getAttribute("class"), c -> c.contains("featured") && c.contains("speaking"));
            Waits.until(T, "Ada reported large", () -> lastTiles(b), t -> t.size() == 2 && width(tile(t, adaMid)) > 3 * width(tile(t, bobMid)));
            String me = (String) b.js("return window.sfu.participantId");
            FakeSfuPage.deliver(b, "{type: 'dominantSpeaker', participantId: '" + me + "', recent: ['" + me + "', 'p-ada', 'p-bob']}");
            Waits.until(T, "our own tile highlighted", () -> b.element(".tile.local").getAttribute("class"), c -> c.contains("speaking"));
            assertTrue(b.element(ada).getAttribute("class").contains("featured"), "the large tile stays another person's");
            assertFalse(b.element(ada).getAttribute("class").contains("speaking"));

            // A phone: one column of tiles in the grid, the speaker view fits without sideways scrolling.
            b.driver().manage().window().setSize(new Dimension(390, 844));
            Waits.until(T, "Ada's small-screen size reported", () -> lastTiles(b),
                    t -> t.size() == 2 && tile(t, adaMid).split(":")[1].equals(measured(b, "p-ada")));
            assertPhoneFits(b);
            b.screenshot(BrowserSession.docsScreenshot("call-page-phone-speaker-view.png"));

            b.click("#speaker-view");
            assertEquals("false", b.element("#speaker-view").getAttribute("aria-pressed"));
            assertEquals(0, b.elements(".tile.featured").size());
            assertEquals("2", b.js("return getComputedStyle(document.querySelector('#grid')).getPropertyValue('--cols').trim()"),
                    "three tiles in two columns on a phone");
            assertPhoneFits(b);
        }
    }

    private static String tile(List<String> tiles, String mid) {
        return tiles.stream().filter(t -> t.startsWith(mid + ":")).findFirst()
                .orElseThrow(() -> new AssertionError("no tile for mid " + mid + " in " + tiles));
    }

    /** No sideways scrolling, and every control inside the viewport. */
    private static void assertPhoneFits(BrowserSession b) {
        assertEquals(Boolean.TRUE, b.js("return document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scroll");
        assertEquals(Boolean.TRUE, b.js("""
                return [...document.querySelectorAll('.controls button')].every((e) => {
                  const r = e.getBoundingClientRect();
                  return r.left >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight && r.width > 0;
                });
                """), "every control on screen");
    }

    @Test
    void aSharedScreenIsSentAsDetailAtFullResolution() {
        try (BrowserSession b = FakeSfuPage.join(web, "share-detail", SMALL, "", T)) {
            b.awaitConnected(T);
            b.click("#share");
            Waits.until(T, "sharing", () -> b.element("#share").getAttribute("aria-pressed"), "true"::equals);
            assertEquals("detail", b.js("return window.sfu.call.videoTransceiver.sender.track.contentHint"));
            Waits.until(T, "resolution kept under pressure",
                    () -> b.js("return window.sfu.call.videoTransceiver.sender.getParameters().degradationPreference"),
                    "maintain-resolution"::equals);
            b.click("#share");
            Waits.until(T, "the camera back", () -> b.element("#share").getAttribute("aria-pressed"), "false"::equals);
            Waits.until(T, "the default trade-off again",
                    () -> b.js("return window.sfu.call.videoTransceiver.sender.getParameters().degradationPreference || null"),
                    v -> v == null);
            assertEquals("", b.js("return window.sfu.call.videoTransceiver.sender.track.contentHint"));
        }
    }

    @Test
    void aFailedSwitchToTheScreenIsShownAndKeepsTheCamera() {
        try (BrowserSession b = FakeSfuPage.join(web, "share-fails", SMALL, "", T)) {
            b.awaitConnected(T);
            String camera = (String) b.js("return window.sfu.call.videoTransceiver.sender.track.id");
            b.js("""
                    window.sfu.call.videoTransceiver.sender.replaceTrack =
                      () => Promise.reject(new DOMException('The track cannot be sent.', 'InvalidModificationError'));
                    """);
            b.click("#share");
            String text = Waits.until(T, "the failure shown", b::message, m -> m.contains("Screen sharing failed"));
            assertTrue(text.contains("cannot be sent"), text);
            assertEquals("SHARE_FAILED", b.element("#message").getAttribute("data-code"));
            assertEquals("false", b.element("#share").getAttribute("aria-pressed"));
            assertEquals(Boolean.FALSE, b.js("return window.sfu.media.sharing"));
            assertEquals(camera, b.js("return window.sfu.call.videoTransceiver.sender.track.id"), "still the camera");
            assertNotEquals(Boolean.TRUE, b.js("return window.sfu.media.preview.getVideoTracks()[0].contentHint === 'detail'"),
                    "the preview shows the camera");
            assertNull(b.js("return window.sfu.media.screenTrack"));
        }
    }
}
