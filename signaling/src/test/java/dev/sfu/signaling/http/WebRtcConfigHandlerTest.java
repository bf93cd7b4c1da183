package dev.sfu.signaling.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sfu.signaling.ice.IceServersConfig;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /webrtc/config}: its JSON shape, the three credential modes, and bad requests. */
class WebRtcConfigHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 2026-01-01T00:00:00Z; with a 1 h TTL the credentials expire at 1767229200. */
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1767225600L), ZoneOffset.UTC);

    private static FullHttpResponse get(WebRtcConfigHandler h, HttpMethod method, String uri) {
        EmbeddedChannel ch = new EmbeddedChannel(h);
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        ch.writeInbound(req);
        FullHttpResponse r = ch.readOutbound();
        assertEquals(0, req.refCnt(), "the request was released");
        return r;
    }

    private static JsonNode body(FullHttpResponse r) throws Exception {
        try {
            return JSON.readTree(r.content().toString(StandardCharsets.UTF_8));
        } finally {
            r.release();
        }
    }

    @Test
    void withNothingConfiguredTheShapeIsThereWithNoServers() throws Exception {
        FullHttpResponse r = get(new WebRtcConfigHandler(IceServersConfig.none()), HttpMethod.GET, "/webrtc/config");
        assertEquals(HttpResponseStatus.OK, r.status());
        assertEquals("application/json", r.headers().get(HttpHeaderNames.CONTENT_TYPE));
        assertEquals("no-store", r.headers().get(HttpHeaderNames.CACHE_CONTROL));
        assertEquals(JSON.readTree("{\"ice_servers\":[],\"ice_transport_policy\":\"all\",\"bundle_policy\":\"max-bundle\","
                + "\"rtcp_mux_policy\":\"require\"}"), body(r));
    }

    @Test
    void stunAndStaticTurnCredentialsAreGivenAsConfigured() throws Exception {
        IceServersConfig ice = new IceServersConfig(List.of("stun:stun.example.net:3478"),
                List.of("turn:turn.example.net:3478?transport=udp", "turns:turn.example.net:5349?transport=tcp"),
                "sfu", "static-pass", "", Duration.ofHours(1), "all");
        JsonNode j = body(get(new WebRtcConfigHandler(ice), HttpMethod.GET, "/webrtc/config"));
        assertEquals(JSON.readTree("[{\"urls\":[\"stun:stun.example.net:3478\"]},"
                + "{\"urls\":[\"turn:turn.example.net:3478?transport=udp\",\"turns:turn.example.net:5349?transport=tcp\"],"
                + "\"username\":\"sfu\",\"credential\":\"static-pass\"}]"), j.get("ice_servers"));
    }

    /**
     * The coturn REST scheme (use-auth-secret): username {@code <expiry>:<participant>}, credential
     * base64(HMAC-SHA1(secret, username)). The expected value was computed with
     * {@code echo -n "1767229200:alice" | openssl dgst -sha1 -hmac north-star-secret -binary | base64}.
     */
    @Test
    void sharedSecretGivesTimeLimitedCoturnRestCredentialsNamingTheParticipant() throws Exception {
        IceServersConfig ice = IceServersConfig.turnWithSecret(List.of("turn:127.0.0.1:3478"), "north-star-secret",
                Duration.ofHours(1), "relay");
        WebRtcConfigHandler h = new WebRtcConfigHandler(ice, ConfigCaller.anonymous(), CLOCK);
        JsonNode j = body(get(h, HttpMethod.GET, "/webrtc/config?participant=alice"));
        JsonNode turn = j.get("ice_servers").get(0);
        assertEquals("1767229200:alice", turn.get("username").asText());
        assertEquals("zR8iA1M4ZyYXI8BR1uZMlmzmYRo=", turn.get("credential").asText());
        assertEquals("relay", j.get("ice_transport_policy").asText());

        String anonymous = body(get(h, HttpMethod.GET, "/webrtc/config")).get("ice_servers").get(0).get("username").asText();
        assertTrue(anonymous.matches("1767229200:anon-[0-9a-f]{12}"), anonymous);
    }

    @Test
    void aParticipantThatCannotBeInAUsernameIsRefusedWithACode() throws Exception {
        IceServersConfig ice = IceServersConfig.turnWithSecret(List.of("turn:127.0.0.1:3478"), "s", Duration.ofHours(1), "all");
        FullHttpResponse r = get(new WebRtcConfigHandler(ice), HttpMethod.GET, "/webrtc/config?participant=a:b");
        assertEquals(HttpResponseStatus.BAD_REQUEST, r.status());
        assertEquals("INVALID_FIELD", body(r).at("/error/code").asText());
    }

    @Test
    void aRefusingCallerGets401WithBearerChallenge() throws Exception {
        ConfigCaller gate = (req, uri) -> {
            throw new ConfigCaller.Refused(HttpResponseStatus.UNAUTHORIZED, "UNAUTHORIZED", "Send Authorization: Bearer <token>.");
        };
        FullHttpResponse r = get(new WebRtcConfigHandler(IceServersConfig.none(), gate, CLOCK), HttpMethod.GET, "/webrtc/config");
        assertEquals(HttpResponseStatus.UNAUTHORIZED, r.status());
        assertEquals("Bearer", r.headers().get(HttpHeaderNames.WWW_AUTHENTICATE));
        JsonNode j = body(r);
        assertEquals("UNAUTHORIZED", j.at("/error/code").asText());
        assertNull(j.get("ice_servers"));
    }

    @Test
    void otherMethodsGet405AndOtherPathsPassOn() throws Exception {
        WebRtcConfigHandler h = new WebRtcConfigHandler(IceServersConfig.none());
        FullHttpResponse r = get(h, HttpMethod.POST, "/webrtc/config");
        assertEquals(HttpResponseStatus.METHOD_NOT_ALLOWED, r.status());
        assertEquals("GET, HEAD", r.headers().get(HttpHeaderNames.ALLOW));
        r.release();

        EmbeddedChannel ch = new EmbeddedChannel(h);
        FullHttpRequest other = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/webrtc/configx");
        ch.writeInbound(other);
        assertSame(other, ch.readInbound(), "not ours: passed on to the next handler");
        assertNull(ch.readOutbound());
        other.release();
    }

    @Test
    void badSettingsAreRefusedWithTheKeyToFix() {
        IllegalArgumentException relayWithoutTurn = assertThrows(IllegalArgumentException.class,
                () -> new IceServersConfig(List.of(), List.of(), "", "", "", Duration.ofHours(1), "relay"));
        assertTrue(relayWithoutTurn.getMessage().contains("sfu.webrtc.turn.urls"), relayWithoutTurn.getMessage());
        IllegalArgumentException noCredentials = assertThrows(IllegalArgumentException.class,
                () -> new IceServersConfig(List.of(), List.of("turn:t:3478"), "", "", "", Duration.ofHours(1), "all"));
        assertTrue(noCredentials.getMessage().contains("SFU_TURN_SECRET"), noCredentials.getMessage());
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> new IceServersConfig(List.of(), List.of("turn:t:3478"), "u", "p", "s", Duration.ofHours(1), "all"));
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
        IllegalArgumentException notStun = assertThrows(IllegalArgumentException.class,
                () -> new IceServersConfig(List.of("turn:t:3478"), List.of(), "", "", "", Duration.ofHours(1), "all"));
        assertTrue(notStun.getMessage().contains("not a STUN URL"), notStun.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new IceServersConfig(List.of(), List.of(), "", "", "", Duration.ofHours(1), "private"));
    }
}
