package dev.sfu.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sfu.signaling.auth.TokenIssuer;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Join tokens in the page (issue 14, section 3): on a server started with SFU_JWT_SECRET, the
 * call page passes {@code ?token=} from its address to the WebSocket; a bad token shows the
 * server's sentence and code, a good one joins the call (media connected) under the token's name.
 */
class BrowserJoinTokenTest {
    private static final String SECRET = "browser-join-token-test-secret-0123456789";
    private static final Duration REPLY = Duration.ofSeconds(10);
    private static LiveSfu sfu;

    @BeforeAll
    static void startServer() {
        BrowserSession.assumeAvailable();
        sfu = LiveSfu.startWithEnvironment("join-token", Map.of("SFU_JWT_SECRET", SECRET));
    }

    @AfterAll
    static void stopServer() {
        if (sfu != null) {
            sfu.close();
        }
    }

    @Test
    void theTokenInThePageAddressJoinsAndABadOneShowsTheServersSentence() throws Exception {
        TokenIssuer issuer = new TokenIssuer(SECRET, null);
        try (BrowserSession b = BrowserSession.start("token")) {
            b.open(sfu.baseUrl() + "?room=tok&token=not-a-token");
            b.join("tok", "Ada");
            String shown = Waits.until(REPLY, "the page shows the refusal", b::message, m -> m.contains("UNAUTHORIZED"));
            assertTrue(shown.contains("join token"), "the server's sentence: " + shown);

            String token = issuer.issue("tok", "ada-1", "Ada Lovelace", Duration.ofMinutes(10), false);
            b.open(sfu.baseUrl() + "?room=tok&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            b.join("tok", "Ada");
            String id = b.awaitJoined(LiveCall.JOIN);
            b.awaitConnected(LiveCall.MEDIA);
            assertTrue(String.valueOf(b.js("return location.search")).contains("token="), "a reload joins again");

            String viewer = issuer.issue("tok", "viewer-1", null, Duration.ofMinutes(10), true);
            try (RawSignalingClient ws = RawSignalingClient.connect(URI.create(sfu.webSocketUri() + "?token=" + viewer))) {
                ws.send("{\"type\":\"join\",\"room\":\"tok\",\"name\":\"Viewer\"}");
                JsonNode joined = ws.awaitType("joined", REPLY);
                JsonNode ada = joined.path("participants").get(0);
                assertEquals(id, ada.path("id").asText(), joined.toString());
                assertEquals("Ada Lovelace", ada.path("name").asText(), "the token's name, not the typed one");
            }
            String log = Files.readString(sfu.logFile());
            assertTrue(!log.contains(token) && !log.contains(viewer), "tokens are never logged");
        }
    }
}
