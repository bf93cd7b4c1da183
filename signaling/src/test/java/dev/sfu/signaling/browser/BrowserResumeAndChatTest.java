package dev.sfu.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;

/**
 * Issue 14 sections 5 and 6 in Chromium, one call for both (three browsers are the costly part):
 * <ul>
 *   <li>Chat: a message with markup in it reaches a late joiner from the room's history and is
 *       shown as text (no element made from it, no script run); a message to someone whose panel
 *       is closed raises the unread badge, and opening the panel clears it.</li>
 *   <li>Resume: Bob's WebSocket is killed mid-call and kept from reconnecting for a while. His
 *       media keeps flowing both ways meanwhile (framesDecoded rises), Cy joins (the server's
 *       offer to Bob is lost with the connection), and when Bob reconnects he gets the same
 *       participant id and keeps his RTCPeerConnection; the negotiation he missed completes (he
 *       decodes Cy), and Ada saw no leave and no second join of Bob.</li>
 * </ul>
 */
class BrowserResumeAndChatTest {
    private static final String MARKUP = "<img src=x onerror=\"window.__xss=1\"><b>bold</b> & <script>window.__xss=2</script>";
    private static final Duration TWO_SECONDS = Duration.ofSeconds(2);
    private static LiveSfu sfu;

    @BeforeAll
    static void startServer() {
        BrowserSession.assumeAvailable();
        // Bob's WebSocket stays down while Cy joins, which takes long on a loaded machine: a grace
        // period of 60 s (default 20 s) keeps that from turning into a leave.
        sfu = LiveSfu.startWith("resume-chat", java.util.List.of(),
                java.util.Map.of("SFU_RESUME_GRACE", "60s"), false);
    }

    @AfterAll
    static void stopServer() {
        if (sfu != null) {
            sfu.close();
        }
    }

    private static void sendChat(BrowserSession b, String text) {
        if (!b.element("#chat").isDisplayed()) {
            b.click("#chat-toggle");
        }
        b.type("#chat-input", text);
        b.element("#chat-input").sendKeys(Keys.ENTER);
    }

    /** Waits until {@code b}'s framesDecoded from {@code from} rises over one second. */
    private static void awaitDecodingRising(BrowserSession b, String from) {
        long[] last = {-1};
        Waits.until(LiveCall.MEDIA, b.label() + ": video from " + from + " decoding (rising over 1 s)", () -> {
            long now = b.stats().framesDecoded(from);
            boolean rising = last[0] >= 0 && now > last[0];
            last[0] = now;
            if (!rising) {
                Waits.sleep(Duration.ofSeconds(1));
            }
            return rising;
        }, ok -> ok);
    }

    private static long counter(BrowserSession b, String name) {
        return ((Number) b.counters().get(name)).longValue();
    }

    @Test
    void chatIsShownAsTextWithAnUnreadBadgeAndAKilledWebSocketResumesTheSameParticipantAndPeerConnection() {
        try (LiveCall call = new LiveCall(sfu, "resume")) {
            BrowserSession ada = call.join("Ada");
            sendChat(ada, MARKUP);
            Waits.until(LiveCall.MEDIA, "Ada: her own message echoed by the server",
                    () -> ada.elements("#chat-log li").size(), n -> n == 1);
            ada.click("#chat-close");

            BrowserSession bob = call.join("Bob");
            call.awaitEveryoneDecodingEveryone(LiveCall.MEDIA);
            String adaId = call.id(ada);
            String bobId = call.id(bob);

            // The late joiner gets the history; the markup is text, not elements, and ran nothing.
            Waits.until(LiveCall.MEDIA, "Bob: the room's chat history", () -> bob.elements("#chat-log li").size(), n -> n == 1);
            assertEquals(MARKUP, bob.js("return document.querySelector('#chat-log .chat-text').textContent"));
            assertEquals(0L, bob.js("return document.querySelectorAll('#chat-log li *:not(.chat-meta):not(.chat-name)"
                    + ":not(time):not(.chat-text)').length"), "no element was made from the text");
            assertEquals(0L, bob.js("return document.querySelectorAll('#chat-log img, #chat-log b, #chat-log script').length"));
            assertEquals("undefined", bob.js("return typeof window.__xss"));
            assertEquals("Ada", bob.js("return document.querySelector('#chat-log .chat-name').textContent"));
            assertTrue(!bob.element("#chat-badge").isDisplayed(), "history is not unread");

            sendChat(bob, "hi <i>Ada</i>");
            Waits.until(LiveCall.MEDIA, "Ada: the unread badge says 1", () -> ada.element("#chat-badge").isDisplayed()
                    ? ada.element("#chat-badge").getText() : "", "1"::equals);
            assertEquals("hi <i>Ada</i>", ada.js("return [...document.querySelectorAll('#chat-log .chat-text')].pop().textContent"));
            ada.click("#chat-toggle");
            assertTrue(!ada.element("#chat-badge").isDisplayed(), "opening the panel clears the badge");
            assertEquals("undefined", ada.js("return typeof window.__xss"));

            // Start from video flowing both ways (a fresh call's downlink estimate may pause a video for a moment).
            awaitDecodingRising(ada, bobId);
            awaitDecodingRising(bob, adaId);
            // Kill Bob's WebSocket and keep it down (his reconnects go to a closed port) for a while.
            long adaJoinsSeen = counter(ada, "participantsJoined");
            bob.js("window.__pc = window.sfu.pc; window.__url = window.sfu.call.url;"
                    + "window.sfu.call.url = window.__url.replace(/:\\d+\\//, ':1/'); window.sfu.ws.close();");
            long killed = System.nanoTime();
            Waits.until(Duration.ofSeconds(5), "Bob: reconnecting", () -> bob.state("phase"), "reconnecting"::equals);
            // Media flows both ways while signaling is down: ICE and DTLS are alive.
            LiveCall.assertDecodingRises(ada, Set.of(bobId), TWO_SECONDS);
            LiveCall.assertDecodingRises(bob, Set.of(adaId), TWO_SECONDS);
            BrowserSession cy = call.join("Cy");
            String cyId = call.id(cy);
            Waits.until(LiveCall.MEDIA, "Ada: decodes Cy", ada::stats, s -> s.framesDecoded(cyId) > 0);

            long reconnect = System.nanoTime();
            bob.js("window.sfu.call.url = window.__url;");
            Waits.until(LiveCall.MEDIA, "Bob: resumed", () -> counter(bob, "resumes"), n -> n == 1);
            System.out.printf("resume: WebSocket down %.1f s; resumed %.2f s after the server was reachable again%n",
                    (reconnect - killed) / 1e9, (System.nanoTime() - reconnect) / 1e9);
            assertEquals(bobId, bob.js("return window.sfu.participantId"), "the same participant id");
            assertEquals(Boolean.TRUE, bob.js("return window.sfu.pc === window.__pc"), "the same RTCPeerConnection");
            assertEquals(1L, counter(bob, "joins"), "Bob joined once");
            Waits.until(LiveCall.MEDIA, "Bob: decodes Cy (the offer he missed was made again)", bob::stats,
                    s -> s.framesDecoded(cyId) > 0);
            Waits.until(LiveCall.MEDIA, "Bob: tiles for Ada and Cy", bob::remoteTiles, Set.of(adaId, cyId)::equals);
            LiveCall.assertDecodingRises(bob, Set.of(adaId, cyId), TWO_SECONDS);
            LiveCall.assertDecodingRises(ada, Set.of(bobId, cyId), TWO_SECONDS);
            Map<String, Object> adaCounters = ada.counters();
            assertEquals(0L, ((Number) adaCounters.get("participantsLeft")).longValue(), "Ada saw no leave: " + adaCounters);
            assertEquals(adaJoinsSeen + 1, ((Number) adaCounters.get("participantsJoined")).longValue(),
                    "Ada saw Cy join and no second join of Bob: " + adaCounters);
            assertEquals(Set.of(bobId, cyId), ada.remoteTiles());

            sendChat(bob, "back");
            Waits.until(LiveCall.MEDIA, "Ada: Bob's message after the resume",
                    () -> ada.js("return [...document.querySelectorAll('#chat-log .chat-text')].pop().textContent"), "back"::equals);
        }
    }
}
