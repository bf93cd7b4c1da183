package dev.sfu.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 section 5, ICE restart after a network change (RFC 8445 section 9): Cy's Chromium sits
 * in a network namespace ({@link BottleneckLink}) whose link goes down for 5 s and comes back.
 * Cy's page restarts ICE (new ufrag and password; the server answers on a new ice4j agent and
 * keeps DTLS and SRTP) and media flows again both ways within 5 s of the link coming back, with
 * the same participant, the same RTCPeerConnection and no renegotiation of the tracks (the others
 * see no leave). Skipped where network namespaces cannot be made (not root).
 */
class BrowserIceRestartTest {
    private static final Duration OUTAGE = Duration.ofSeconds(5);
    private static final Duration RECOVERY = Duration.ofSeconds(5);
    private static final Pattern UFRAG = Pattern.compile("a=ice-ufrag:(\\S+)");
    private static BottleneckLink link;
    private static LiveSfu sfu;

    @BeforeAll
    static void startServerBehindLink() {
        link = BottleneckLink.create("ice-restart");
        sfu = LiveSfu.startBoundTo("ice-restart", link.hostAddress());
    }

    @AfterAll
    static void stopServerAndDeleteLink() {
        try {
            if (sfu != null) {
                sfu.close();
            }
        } finally {
            if (link != null) {
                link.close();
            }
        }
    }

    private static String ufrag(String sdp) {
        Matcher m = UFRAG.matcher(sdp);
        return m.find() ? m.group(1) : "";
    }

    private static long counter(BrowserSession b, String name) {
        return ((Number) b.counters().get(name)).longValue();
    }

    @Test
    void linkDownForFiveSecondsRestartsIceAndMediaResumesWithinFiveSecondsOfTheLinkComingBack() {
        String secure = sfu.secureOriginFlag();
        try (LiveCall call = new LiveCall(sfu, "restart", name -> name.equals("Cy")
                ? link.startBrowser(name, secure) : BrowserSession.start(name, secure))) {
            BrowserSession ada = call.join("Ada");
            BrowserSession cy = call.join("Cy");
            call.awaitEveryoneDecodingEveryone(LiveCall.MEDIA);
            String adaId = call.id(ada);
            String cyId = call.id(cy);
            String cyUfrag = ufrag(cy.localSdp());
            String serverUfrag = ufrag(String.valueOf(cy.js("return window.sfu.pc.remoteDescription.sdp")));
            long offersBefore = counter(cy, "offersReceived");
            cy.js("window.__pc = window.sfu.pc");

            link.setLinkUp(false);
            long down = System.nanoTime();
            Waits.sleep(Duration.ofSeconds(2));
            long adaFramesDuring = ada.stats().framesDecoded(cyId);
            Waits.sleep(OUTAGE.minusNanos(System.nanoTime() - down));
            link.setLinkUp(true);
            long up = System.nanoTime();

            // Media is back when framesDecoded rises between two reads, in both directions.
            long adaPrev = adaFramesDuring;
            long cyPrev = -1;
            double adaBackS = -1;
            double cyBackS = -1;
            long deadline = up + RECOVERY.toNanos() + Duration.ofSeconds(10).toNanos(); // measured, then asserted
            while ((adaBackS < 0 || cyBackS < 0) && System.nanoTime() < deadline) {
                long a = ada.stats().framesDecoded(cyId);
                if (adaBackS < 0 && a > adaPrev) {
                    adaBackS = (System.nanoTime() - up) / 1e9;
                }
                adaPrev = a;
                long c = cy.stats().framesDecoded(adaId);
                if (cyBackS < 0 && cyPrev >= 0 && c > cyPrev) {
                    cyBackS = (System.nanoTime() - up) / 1e9;
                }
                cyPrev = c;
                Waits.sleep(Duration.ofMillis(200));
            }
            System.out.println("Cy's page events: " + cy.js("return window.sfu.call.events"));
            System.out.printf("ICE restart: link down %.1f s; after it came back Ada decodes Cy again in %.2f s, Cy decodes "
                    + "Ada in %.2f s; Cy restarted ICE %d time(s), replaced its WebSocket %d time(s), resumed %d time(s)%n",
                    (up - down) / 1e9, adaBackS, cyBackS, counter(cy, "iceRestarts"), counter(cy, "signalingReplaced"),
                    counter(cy, "resumes"));
            assertTrue(adaBackS >= 0 && adaBackS <= RECOVERY.toSeconds(), "Ada decodes Cy within " + RECOVERY.toSeconds()
                    + " s of the link coming back: " + adaBackS + " s\n" + ada.stats() + "\nserver:\n" + sfu.logTail());
            assertTrue(cyBackS >= 0 && cyBackS <= RECOVERY.toSeconds(), "Cy decodes Ada within " + RECOVERY.toSeconds()
                    + " s of the link coming back: " + cyBackS + " s\n" + cy.stats() + "\nconsole: " + cy.consoleLog());

            assertTrue(counter(cy, "iceRestarts") >= 1, "Cy's page restarted ICE: " + cy.counters());
            assertNotEquals(cyUfrag, ufrag(cy.localSdp()), "Cy's ICE ufrag changed");
            assertNotEquals(serverUfrag, ufrag(String.valueOf(cy.js("return window.sfu.pc.remoteDescription.sdp"))),
                    "the server answered with a new ICE ufrag");
            assertEquals(cyId, cy.js("return window.sfu.participantId"), "the same participant");
            assertEquals(Boolean.TRUE, cy.js("return window.sfu.pc === window.__pc"), "the same RTCPeerConnection");
            assertEquals(1L, counter(cy, "joins"));
            assertEquals(offersBefore, counter(cy, "offersReceived"), "the server offered no new tracks: nothing renegotiated");
            assertEquals(0L, counter(ada, "participantsLeft"), "Ada saw no leave");
            LiveCall.assertDecodingRises(ada, java.util.Set.of(cyId), Duration.ofSeconds(2));
            LiveCall.assertDecodingRises(cy, java.util.Set.of(adaId), Duration.ofSeconds(2));
        }
    }
}
