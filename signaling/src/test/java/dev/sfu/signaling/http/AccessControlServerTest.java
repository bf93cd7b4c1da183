package dev.sfu.signaling.http;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sfu.signaling.admin.Operators;
import dev.sfu.signaling.admin.AdminConfig;
import dev.sfu.signaling.auth.AuthConfig;
import dev.sfu.signaling.auth.JoinTokens;
import dev.sfu.signaling.auth.TokenIssuer;
import dev.sfu.signaling.auth.TokenRefused;
import dev.sfu.signaling.config.ServerConfig;
import dev.sfu.signaling.limit.AccessCounters;
import dev.sfu.signaling.limit.Limit;
import dev.sfu.signaling.limit.LimitsConfig;
import dev.sfu.signaling.limit.RateLimits;
import dev.sfu.signaling.room.SfuRoomService;
import dev.sfu.signaling.sdp.Fixtures;
import dev.sfu.signaling.session.UnwiredTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Join tokens and rate limits on a real server (127.0.0.1, ephemeral port) with JDK WebSocket
 * and HTTP clients: what a client without a good token, or over a limit, is told.
 */
class AccessControlServerTest {
    private static final String SECRET = "access-control-test-secret-0123456789";
    private static final TokenIssuer ISSUER = new TokenIssuer(SECRET, null);
    private SignalingServer server;
    private SfuRoomService rooms;
    private AccessCounters counters;

    private void start(AuthConfig auth, LimitsConfig limits) throws InterruptedException {
        rooms = new SfuRoomService(50, new MetricRegistry(), UnwiredTransport.maker(List.of("127.0.0.1"), 10000));
        counters = new AccessCounters();
        server = SignalingServer.start(ServerConfig.loopback(10000), rooms, rooms, null,
                new AccessControl(JoinTokens.from(auth), new RateLimits(limits, counters)));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (rooms != null) {
            rooms.close();
        }
    }

    private URI ws(String query) {
        return URI.create("ws://127.0.0.1:" + server.port() + "/ws" + query);
    }

    private static JsonNode error(WsClient c, String code) throws InterruptedException {
        JsonNode n = c.next();
        assertEquals("error", n.path("type").asText(), n.toString());
        assertEquals(code, n.path("code").asText(), n.toString());
        return n;
    }

    @Test
    void withKeysAJoinNeedsAValidTokenForItsRoom() throws Exception {
        start(AuthConfig.withSecret(SECRET), LimitsConfig.defaults());
        String blue = ISSUER.issue("blue", "ada-1", "Ada", Duration.ofMinutes(5), false);
        try (WsClient c = new WsClient(server.port())) {
            c.send("type", "join", "room", "blue", "name", "Ada");
            JsonNode missing = error(c, "UNAUTHORIZED");
            assertTrue(missing.path("message").asText().contains("?token="), missing.toString());
            c.send("type", "join", "room", "blue", "name", "Ada", "token", "abc.def.ghi");
            error(c, "UNAUTHORIZED");
            c.send("type", "join", "room", "green", "name", "Ada", "token", blue);
            JsonNode wrongRoom = error(c, "UNAUTHORIZED");
            assertTrue(wrongRoom.path("message").asText().contains("'blue'"), wrongRoom.toString());
            c.send("type", "join", "room", "blue", "name", "Ada", "token", expiredToken());
            JsonNode expired = error(c, "TOKEN_EXPIRED");
            assertTrue(expired.path("message").asText().contains("new token"), expired.toString());
            // The connection stayed open through every refusal: a good token joins.
            c.send("type", "join", "room", "blue", "name", "Ada", "token", blue);
            JsonNode joined = c.next("joined");
            assertEquals("blue", joined.path("room").asText());
            assertTrue(joined.path("canPublish").isMissingNode(), "a publishing session has no canPublish: false");
        }
        assertEquals(1, counters.refusedCount(TokenRefused.Reason.MISSING));
        assertEquals(1, counters.refusedCount(TokenRefused.Reason.WRONG_ROOM));
        assertEquals(1, counters.refusedCount(TokenRefused.Reason.EXPIRED));
    }

    /** A token that expired two minutes ago (past the 60 s leeway), signed with the server's secret. */
    private static String expiredToken() throws Exception {
        com.nimbusds.jwt.JWTClaimsSet claims = new com.nimbusds.jwt.JWTClaimsSet.Builder().subject("ada-1")
                .claim("room", "blue").expirationTime(new java.util.Date(System.currentTimeMillis() - 120_000)).build();
        com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
                new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256), claims);
        jwt.sign(new com.nimbusds.jose.crypto.MACSigner(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    @Test
    void aTokenOnTheWebSocketUrlJoinsAndItsNameWins() throws Exception {
        start(AuthConfig.withSecret(SECRET), LimitsConfig.defaults());
        String t = ISSUER.issue("blue", "ada-1", "Ada Lovelace", Duration.ofMinutes(5), false);
        try (WsClient a = new WsClient(ws("?token=" + t)); WsClient b = new WsClient(ws("?room=blue&token=" + t))) {
            a.send("type", "join", "room", "blue", "name", "Somebody Else");
            a.next("joined");
            b.send("type", "join", "room", "blue", "name", "B");
            JsonNode joined = b.next("joined");
            assertEquals("Ada Lovelace", joined.path("participants").get(0).path("name").asText(),
                    "the token's name, not the one the client typed");
        }
    }

    @Test
    void aSubscribeOnlyTokenGetsAReceiveOnlySession() throws Exception {
        start(AuthConfig.withSecret(SECRET), LimitsConfig.defaults());
        String t = ISSUER.issue("blue", "viewer-1", null, Duration.ofMinutes(5), true);
        try (WsClient c = new WsClient(ws("?token=" + t))) {
            c.send("type", "join", "room", "blue", "name", "Viewer");
            JsonNode joined = c.next("joined");
            assertFalse(joined.path("canPublish").asBoolean(true), joined.toString());
            String sendrecv = Fixtures.text(Fixtures.CHROMIUM_SENDRECV);
            c.send("type", "offer", "sdp", sendrecv);
            JsonNode refused = error(c, "PUBLISH_NOT_ALLOWED");
            assertTrue(refused.path("message").asText().contains("recvonly"), refused.toString());
            String recvonly = sendrecv.replace("a=sendrecv", "a=recvonly").replace("a=sendonly", "a=recvonly");
            c.send("type", "offer", "sdp", recvonly);
            JsonNode answer = c.next("answer");
            assertFalse(answer.path("sdp").asText().contains("a=recvonly"), "the server receives nothing from it");
        }
    }

    /** A token with canSubscribe: false (./sfu token has no flag for it; applications make them). */
    private static String publishOnlyToken() throws Exception {
        com.nimbusds.jwt.JWTClaimsSet claims = new com.nimbusds.jwt.JWTClaimsSet.Builder().subject("camera-1")
                .claim("room", "blue").claim("canSubscribe", false)
                .expirationTime(new java.util.Date(System.currentTimeMillis() + 600_000)).build();
        com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
                new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256), claims);
        jwt.sign(new com.nimbusds.jose.crypto.MACSigner(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    @Test
    void aPublishOnlyTokenReceivesNobodysMedia() throws Exception {
        start(AuthConfig.withSecret(SECRET), LimitsConfig.defaults());
        String offer = Fixtures.text(Fixtures.CHROMIUM_SENDRECV);
        String full = ISSUER.issue("blue", "someone", null, Duration.ofMinutes(5), false);
        try (WsClient pub = new WsClient(ws("?token=" + full)); WsClient both = new WsClient(ws("?token=" + full));
             WsClient camera = new WsClient(ws("?token=" + publishOnlyToken()))) {
            pub.send("type", "join", "room", "blue", "name", "Pub");
            pub.next("joined");
            pub.send("type", "offer", "sdp", offer);
            pub.next("answer");
            // Control: an ordinary participant gets the server's offer of Pub's tracks.
            both.send("type", "join", "room", "blue", "name", "Both");
            both.next("joined");
            both.send("type", "offer", "sdp", offer);
            both.next("answer");
            assertTrue(both.next("offer").path("sdp").asText().contains("a=sendonly"));
            // The publish-only participant publishes, and is never offered anyone's tracks.
            camera.send("type", "join", "room", "blue", "name", "Camera");
            camera.next("joined");
            camera.send("type", "offer", "sdp", offer);
            camera.next("answer");
            JsonNode next = camera.received.poll(2, TimeUnit.SECONDS);
            assertTrue(next == null || !next.path("type").asText().equals("offer"), "no server offer: " + next);
            // Its tracks do reach the others.
            assertTrue(pub.next("offer").path("sdp").asText().contains("a=sendonly"));
        }
    }

    @Test
    void webrtcConfigNeedsABearerJoinTokenWhenKeysAreConfigured() throws Exception {
        start(AuthConfig.withSecret(SECRET), LimitsConfig.defaults());
        HttpClient http = HttpClient.newHttpClient();
        URI config = URI.create("http://127.0.0.1:" + server.port() + "/webrtc/config");
        HttpResponse<String> none = http.send(HttpRequest.newBuilder(config).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, none.statusCode());
        assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
        assertTrue(none.body().contains("\"UNAUTHORIZED\""), none.body());
        HttpResponse<String> expired = http.send(HttpRequest.newBuilder(config)
                .header("Authorization", "Bearer " + expiredToken()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, expired.statusCode());
        assertTrue(expired.body().contains("\"TOKEN_EXPIRED\""), expired.body());
        String t = ISSUER.issue("*", "ada@example.com", null, Duration.ofMinutes(5), false);
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(config).header("Authorization", "Bearer " + t).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode(), ok.body());
        assertTrue(ok.body().contains("\"ice_servers\""), ok.body());
        assertEquals(1, counters.refusedCount(TokenRefused.Reason.MISSING));
        assertEquals(1, counters.refusedCount(TokenRefused.Reason.EXPIRED));
        assertEquals("ada_example.com", JoinTokenCaller.participant("ada@example.com"), "a TURN username part");
        assertEquals(64, JoinTokenCaller.participant("x".repeat(100)).length());
    }

    @Test
    void withoutKeysRoomsStayOpen() throws Exception {
        start(AuthConfig.open(), LimitsConfig.defaults());
        try (WsClient c = new WsClient(ws("?token=ignored"))) {
            c.send("type", "join", "room", "blue", "name", "Ada");
            c.next("joined");
        }
    }

    @Test
    void messagesOverTheBucketAreRateLimitedAndSustainedAbuseCloses() throws Exception {
        // 1 message per second, 3 at once; closed after 5 refusals in a row.
        start(AuthConfig.open(), new LimitsConfig(0, 0, 1, 3, 0, 0, 0, 5, List.of(), List.of()));
        try (WsClient c = new WsClient(server.port())) {
            for (int i = 0; i < 10; i++) {
                c.send("{\"type\":\"ping\"}");
            }
            int pongs = 0;
            List<JsonNode> limited = new ArrayList<>();
            while (limited.size() < 5) {
                JsonNode n = c.next();
                if (n.path("type").asText().equals("pong")) {
                    pongs++;
                } else {
                    assertEquals("RATE_LIMITED", n.path("code").asText(), n.toString());
                    limited.add(n);
                }
            }
            assertTrue(pongs >= 3 && pongs <= 5, "the burst of 3 (and at most a refill or two) passes: " + pongs);
            for (JsonNode n : limited) {
                long retry = n.path("retryAfterMs").asLong();
                assertTrue(retry > 0 && retry <= 1000, n.toString());
            }
            assertTrue(limited.get(4).path("message").asText().contains("closed"), limited.get(4).toString());
            assertEquals(1008, c.closed.get(5, TimeUnit.SECONDS), "policy violation");
        }
        assertTrue(counters.limitedCount(Limit.MESSAGES) >= 5);
        assertEquals(1, counters.closedForAbuseCount());
    }

    @Test
    void joinsPerRoomAreRateLimitedWithRetryAfter() throws Exception {
        start(AuthConfig.open(), new LimitsConfig(0, 0, 0, 0, 1, 2, 0, 0, List.of(), List.of()));
        try (WsClient a = new WsClient(server.port()); WsClient b = new WsClient(server.port());
             WsClient c = new WsClient(server.port())) {
            a.send("type", "join", "room", "busy", "name", "A");
            a.next("joined");
            b.send("type", "join", "room", "busy", "name", "B");
            b.next("joined");
            c.send("type", "join", "room", "busy", "name", "C");
            JsonNode limited = error(c, "RATE_LIMITED");
            long retry = limited.path("retryAfterMs").asLong();
            assertTrue(retry > 0 && retry <= 1000, limited.toString());
            c.send("type", "join", "room", "quiet", "name", "C");
            c.next("joined");
        }
        assertEquals(1, counters.limitedCount(Limit.JOINS_PER_ROOM));
    }

    private static int handshakeStatus(URI uri) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(uri, new java.net.http.WebSocket.Listener() { }).get(5, TimeUnit.SECONDS));
        WebSocketHandshakeException h = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        assertTrue(h.getResponse().headers().firstValue("Retry-After").isPresent(), "Retry-After");
        return h.getResponse().statusCode();
    }

    @Test
    void webSocketConnectionsPerAddressAtOnceAndPerMinuteGet429() throws Exception {
        start(AuthConfig.open(), new LimitsConfig(3, 2, 0, 0, 0, 0, 0, 0, List.of(), List.of()));
        try (WsClient a = new WsClient(server.port()); WsClient b = new WsClient(server.port())) {
            a.assertAlive();
            b.assertAlive();
            assertEquals(429, handshakeStatus(ws("")), "a third at once");
        }
        assertEquals(1, counters.limitedCount(Limit.WS_CONNECTIONS_AT_ONCE));
        // Two closed: one more connection is allowed this minute (3), the next is not.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        WsClient third = null;
        while (third == null) {
            try {
                third = new WsClient(server.port());
            } catch (ExecutionException e) {
                // The server has not seen the closes yet.
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
        try (WsClient c = third) {
            c.assertAlive();
            assertEquals(429, handshakeStatus(ws("")), "a fourth in one minute");
            // The WebSocket handler upgrades paths below /ws too: they count the same.
            assertEquals(429, handshakeStatus(ws("/below")), "a path below the WebSocket path is no way around");
        }
        assertTrue(counters.limitedCount(Limit.WS_CONNECTIONS_PER_MINUTE) >= 1);
    }

    @Test
    void loopbackIsExemptFromPerAddressLimitsByDefault() throws Exception {
        start(AuthConfig.open(), LimitsConfig.defaults());
        List<WsClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < LimitsConfig.defaults().wsConnectionsPerIp() + 5; i++) {
                clients.add(new WsClient(server.port()));
            }
            clients.get(clients.size() - 1).assertAlive();
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    @Test
    void httpApiRequestsOverTheLimitGet429WithRetryAfter() throws Exception {
        start(AuthConfig.open(), new LimitsConfig(0, 0, 0, 0, 0, 0, 2, 0, List.of(), List.of()));
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest api = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/rooms")).build();
        assertTrue(http.send(api, HttpResponse.BodyHandlers.ofString()).statusCode() != 429);
        assertTrue(http.send(api, HttpResponse.BodyHandlers.ofString()).statusCode() != 429);
        HttpResponse<String> r = http.send(api, HttpResponse.BodyHandlers.ofString());
        assertEquals(429, r.statusCode());
        long retry = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retry >= 1 && retry <= 30, "one request per 30 s refills: " + retry);
        assertTrue(r.body().contains("try again"), r.body());
        // The page itself is not limited.
        HttpRequest page = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/")).build();
        assertEquals(200, http.send(page, HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(1, counters.limitedCount(Limit.HTTP_REQUESTS));
    }

    @Test
    void metricsCountRateLimitsAndRefusedTokens() throws Exception {
        MetricRegistry registry = new MetricRegistry();
        rooms = new SfuRoomService(50, registry, UnwiredTransport.maker(List.of("127.0.0.1"), 10000));
        counters = new AccessCounters();
        Operators operators = Operators.start(rooms.rooms(), registry, AdminConfig.open());
        operators.cluster("n1", null);
        server = SignalingServer.start(ServerConfig.loopback(10000), rooms, rooms, operators,
                new AccessControl(JoinTokens.from(AuthConfig.withSecret(SECRET)), new RateLimits(LimitsConfig.defaults(), counters)));
        try (WsClient c = new WsClient(server.port())) {
            c.send("type", "join", "room", "blue", "name", "Ada");
            error(c, "UNAUTHORIZED");
        }
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("# TYPE sfu_rate_limited_total counter"), metrics);
        assertTrue(metrics.contains("sfu_rate_limited_total{node=\"n1\",limit=\"messages\"} 0"), metrics);
        assertTrue(metrics.contains("sfu_join_tokens_refused_total{node=\"n1\",reason=\"missing\"} 1"), metrics);
        assertTrue(metrics.contains("sfu_connections_closed_for_abuse_total{node=\"n1\"} 0"), metrics);
    }
}
