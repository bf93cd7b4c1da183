package dev.sfu.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proof 5 of issue 4: bad input on the WebSocket (malformed JSON, duplicate keys, unknown type,
 * offer before join, garbage SDP, a 1 MiB frame) is answered with an {@code error} carrying the
 * code of docs/signaling.md; the sender's connection survives except for the oversized frame,
 * and a two-browser call in the same room never stops decoding.
 */
class BrowserBadInputTest {
    private static final Duration REPLY = Duration.ofSeconds(5);
    private static LiveSfu sfu;

    @BeforeAll
    static void startServer() {
        BrowserSession.assumeAvailable();
        sfu = LiveSfu.start("bad-input");
    }

    @AfterAll
    static void stopServer() {
        if (sfu != null) {
            sfu.close();
        }
    }

    /** Sends {@code text} and expects an error with {@code code} and a non-empty sentence. */
    private static void expectError(RawSignalingClient ws, String text, String code) {
        ws.send(text);
        JsonNode m = ws.next(REPLY);
        assertEquals("error", m.path("type").asText(), "reply to " + abbreviate(text) + ": " + m);
        assertEquals(code, m.path("code").asText(), "code for " + abbreviate(text) + ": " + m);
        assertFalse(m.path("message").asText().isBlank(), "a human sentence: " + m);
    }

    /** The connection still works: a ping gets a pong. */
    private static void expectAlive(RawSignalingClient ws, String after) {
        ws.send("{\"type\":\"ping\"}");
        assertEquals("pong", ws.awaitType("pong", REPLY).path("type").asText(), "alive after " + after);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "... (" + s.length() + " chars)" : s;
    }

    @Test
    void badInputGetsErrorCodesWhileTheOthersMediaContinues() {
        try (LiveCall call = new LiveCall(sfu, "abuse")) {
            BrowserSession a = call.join("Ada");
            BrowserSession b = call.join("Bob");
            call.awaitEveryoneDecodingEveryone(LiveCall.MEDIA);
            RtcStats aBefore = a.stats();
            RtcStats bBefore = b.stats();

            try (RawSignalingClient ws = RawSignalingClient.connect(sfu.webSocketUri())) {
                expectError(ws, "this is not json", "BAD_JSON");
                expectAlive(ws, "malformed JSON");
                expectError(ws, "[1,2,3]", "BAD_JSON");
                expectError(ws, "{\"type\":\"ping\",\"type\":\"ping\"}", "BAD_JSON");
                expectAlive(ws, "duplicate keys");
                expectError(ws, "{\"type\":\"teleport\"}", "UNKNOWN_TYPE");
                expectError(ws, "{\"room\":\"abuse\"}", "UNKNOWN_TYPE");
                expectAlive(ws, "unknown type");
                expectError(ws, "{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"}", "NOT_JOINED");
                expectAlive(ws, "offer before join");
                expectError(ws, "{\"type\":\"join\",\"room\":\"bad room!\",\"name\":\"Eve\"}", "INVALID_FIELD");
                ws.send("{\"type\":\"join\",\"room\":\"abuse\",\"name\":\"Eve\"}");
                JsonNode joined = ws.awaitType("joined", REPLY);
                assertEquals(2, joined.path("participants").size(), "Eve sees Ada and Bob: " + joined);
                expectError(ws, "{\"type\":\"join\",\"room\":\"abuse\",\"name\":\"Eve\"}", "ALREADY_JOINED");
                expectError(ws, "{\"type\":\"offer\",\"sdp\":\"garbage\\r\\nm=nothing\"}", "BAD_SDP");
                expectAlive(ws, "garbage SDP");
                expectError(ws, "{\"type\":\"answer\",\"sdp\":\"v=0\\r\\n\"}", "NO_PENDING_OFFER");
                expectAlive(ws, "an unsolicited answer");
                String huge = "{\"type\":\"offer\",\"sdp\":\"" + "a".repeat(1 << 20) + "\"}";
                expectError(ws, huge, "FRAME_TOO_LARGE");
                ws.awaitClose(REPLY);
                assertFalse(ws.isOpen(), "the server closes after an oversized frame");
            }

            // The page's own socket: garbage from Ada gets an error shown on her page, and her call goes on.
            a.js("window.sfu.ws.send('{not json')");
            Waits.until(REPLY, "Ada's page shows the BAD_JSON error", a::message, m -> m.contains("BAD_JSON"));
            assertEquals("open", a.state("ws"), "Ada's socket survives malformed JSON");
            assertTrue(((List<?>) a.counters().get("errors")).contains("BAD_JSON"));

            RtcStats aAfter = a.stats();
            RtcStats bAfter = b.stats();
            String ada = call.id(a);
            String bob = call.id(b);
            assertTrue(aAfter.framesDecoded(bob) > aBefore.framesDecoded(bob), "Ada kept decoding Bob during the abuse");
            assertTrue(bAfter.framesDecoded(ada) > bBefore.framesDecoded(ada), "Bob kept decoding Ada during the abuse");
            LiveCall.assertDecodingRises(a, Set.of(bob), Duration.ofSeconds(2));
            LiveCall.assertDecodingRises(b, Set.of(ada), Duration.ofSeconds(2));
            Waits.until(Duration.ofSeconds(2), "Eve's tile gone from Ada's grid after her socket closed",
                    a::remoteTiles, Set.of(bob)::equals);
        }
    }
}
