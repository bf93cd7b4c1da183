package dev.sfu.signaling.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sfu.signaling.config.ServerConfig;
import com.codahale.metrics.MetricRegistry;
import dev.sfu.core.forward.DownTrack;
import dev.sfu.core.room.Participant;
import dev.sfu.core.room.Room;
import dev.sfu.signaling.room.SfuRoomService;
import dev.sfu.signaling.sdp.Direction;
import dev.sfu.signaling.sdp.Fixtures;
import dev.sfu.signaling.sdp.MediaDescription;
import dev.sfu.signaling.sdp.SdpParser;
import dev.sfu.signaling.sdp.SessionDescription;
import dev.sfu.signaling.session.UnwiredTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real server on 127.0.0.1 with JDK WebSocket clients speaking docs/signaling.md. */
class SignalingServerTest {
    private SignalingServer server;
    private SfuRoomService rooms;

    private void start(int maxParticipants, Duration offerTimeout) throws InterruptedException {
        // A short resume grace: a closed WebSocket leaves the room 0.5 s later (ResumeAndChatSignalingTest covers resuming).
        ServerConfig config = ServerConfig.loopback(10000).with(maxParticipants, offerTimeout)
                .withResumeGrace(Duration.ofMillis(500));
        rooms = new SfuRoomService(maxParticipants, new MetricRegistry(), UnwiredTransport.maker(List.of("127.0.0.1"), 10000));
        server = SignalingServer.start(config, rooms, rooms);
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

    /** The ids of a room's participants in join order; empty when the room does not exist. */
    private List<String> participants(String room) {
        Room r = rooms.rooms().room(room);
        return r == null ? List.of() : r.participants().stream().map(Participant::id).toList();
    }

    /** How many DownTracks forward to this participant (started after its answer). */
    private long activeDownTracks(String participantId) {
        return rooms.participant(participantId).downTracks().stream().filter(DownTrack::isActive).count();
    }

    private WsClient join(String room, String name) throws Exception {
        WsClient c = new WsClient(server.port());
        c.send("type", "join", "room", room, "name", name);
        JsonNode joined = c.next("joined");
        assertEquals(room, joined.get("room").asText());
        return c;
    }

    /** What a polite browser answers to a server offer. */
    private static String browserAnswer(String offer) {
        return offer.replace("a=sendonly", "a=X").replace("a=recvonly", "a=sendonly").replace("a=X", "a=recvonly")
                .replace("a=setup:passive", "a=setup:active");
    }

    @Test
    void joinBroadcastsAndLeaveRemovesTheRoom() throws Exception {
        start(50, Duration.ofSeconds(10));
        try (WsClient a = new WsClient(server.port()); WsClient b = new WsClient(server.port())) {
            a.send("type", "join", "room", "r1", "name", "Ada");
            JsonNode aj = a.next("joined");
            String aId = aj.get("participantId").asText();
            assertEquals(0, aj.get("participants").size());
            b.send("type", "join", "room", "r1", "name", "Bob");
            JsonNode bj = b.next("joined");
            String bId = bj.get("participantId").asText();
            assertEquals(aId, bj.get("participants").get(0).get("id").asText());
            assertEquals("Ada", bj.get("participants").get(0).get("name").asText());
            JsonNode pj = a.next("participantJoined");
            assertEquals(bId, pj.get("participant").get("id").asText());
            assertEquals("Bob", pj.get("participant").get("name").asText());

            b.send("type", "trackState", "audioMuted", true, "videoMuted", false);
            JsonNode ts = a.next("trackState");
            assertEquals(bId, ts.get("participantId").asText());
            assertTrue(ts.get("audioMuted").asBoolean());

            b.send("{\"type\":\"leave\"}");
            assertEquals(bId, a.next("participantLeft").get("participantId").asText());
            assertEquals(List.of(aId), participants("r1"));
            b.assertAlive();
        }
        // Closing the sockets leaves (after the resume grace); the room goes when empty.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (!rooms.rooms().rooms().isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), List.copyOf(rooms.rooms().rooms()));
    }

    @Test
    void offerAnswerAndServerOffersForTheOthersTracks() throws Exception {
        start(50, Duration.ofSeconds(10));
        try (WsClient a = join("r2", "Ada"); WsClient b = join("r2", "Bob")) {
            a.send("type", "offer", "sdp", Fixtures.text(Fixtures.CHROMIUM_SENDRECV));
            SessionDescription answer = SdpParser.parse(a.next("answer").get("sdp").asText());
            assertEquals(List.of("0", "1", "2"), answer.bundleMids());
            MediaDescription audio = answer.media().get(0);
            assertEquals(Direction.RECVONLY, audio.direction());
            assertEquals("passive", answer.setup(audio).sdpValue());
            assertEquals("127.0.0.1", audio.candidates().get(0).address());

            b.send("type", "offer", "sdp", Fixtures.text(Fixtures.FIREFOX_SENDRECV));
            b.next("answer");
            // Bob now receives Ada's two tracks on two new sendonly sections.
            String offerToB = b.next("offer").get("sdp").asText();
            SessionDescription o = SdpParser.parse(offerToB);
            assertEquals(4, o.media().size());
            String aId = participants("r2").get(0);
            assertEquals(aId, o.media().get(2).msidStream());
            assertEquals(Direction.SENDONLY, o.media().get(3).direction());

            // Glare: the server's offer is pending, so Bob's new offer is refused.
            b.send("type", "offer", "sdp", Fixtures.text(Fixtures.FIREFOX_SENDRECV));
            assertEquals("NEGOTIATION_IN_PROGRESS", b.next("error").get("code").asText());
            b.send("type", "answer", "sdp", browserAnswer(offerToB));
            b.assertAlive();
            String bId = participants("r2").get(1);
            assertEquals(2, activeDownTracks(bId));
            // An answer with nothing pending.
            b.send("type", "answer", "sdp", browserAnswer(offerToB));
            assertEquals("NO_PENDING_OFFER", b.next("error").get("code").asText());

            // Ada receives Bob's tracks too.
            String offerToA = a.next("offer").get("sdp").asText();
            assertEquals(5, SdpParser.parse(offerToA).media().size());
            a.send("type", "answer", "sdp", browserAnswer(offerToA));
            a.assertAlive();
            assertEquals(2, activeDownTracks(aId));

            a.send("type", "candidate", "candidate", "candidate:1 1 udp 2122194687 127.0.0.1 5000 typ host", "sdpMid", "0",
                    "sdpMLineIndex", 0);
            a.send("type", "candidate", "candidate", "", "sdpMid", "0", "sdpMLineIndex", 0);
            a.send("type", "candidate", "candidate", "nonsense", "sdpMid", "0");
            assertEquals("INVALID_FIELD", a.next("error").get("code").asText());

            // Bob leaves: Ada is told, and her Bob sections go inactive in the next offer.
            b.close();
            assertEquals(bId, a.next("participantLeft").get("participantId").asText());
            SessionDescription leaveOffer = SdpParser.parse(a.next("offer").get("sdp").asText());
            assertEquals(5, leaveOffer.media().size());
            assertEquals(Direction.INACTIVE, leaveOffer.media().get(3).direction());
            assertEquals(Direction.INACTIVE, leaveOffer.media().get(4).direction());
            assertEquals(10000, leaveOffer.media().get(4).port());
        }
    }

    @Test
    void unansweredOfferIsWithdrawnAndOfferedAgain() throws Exception {
        start(50, Duration.ofMillis(300));
        try (WsClient a = join("r3", "Ada"); WsClient b = join("r3", "Bob")) {
            a.send("type", "offer", "sdp", Fixtures.text(Fixtures.CHROMIUM_SENDRECV));
            a.next("answer");
            b.send("type", "offer", "sdp", Fixtures.text(Fixtures.FIREFOX_SENDRECV));
            b.next("answer");
            String first = b.next("offer").get("sdp").asText();
            String again = b.next("offer").get("sdp").asText();
            assertEquals(SdpParser.parse(first).media().size(), SdpParser.parse(again).media().size());
            b.send("type", "answer", "sdp", browserAnswer(again));
            b.assertAlive();
        }
    }

    @Test
    void roomFullIsAnErrorAndTheConnectionSurvives() throws Exception {
        start(2, Duration.ofSeconds(10));
        try (WsClient a = join("r4", "A"); WsClient b = join("r4", "B"); WsClient c = new WsClient(server.port())) {
            c.send("type", "join", "room", "r4", "name", "C");
            JsonNode e = c.next("error");
            assertEquals("ROOM_FULL", e.get("code").asText());
            assertTrue(e.get("message").asText().contains("full"));
            c.assertAlive();
            c.send("type", "join", "room", "other", "name", "C");
            c.next("joined");
            c.send("type", "join", "room", "other", "name", "C");
            assertEquals("ALREADY_JOINED", c.next("error").get("code").asText());
        }
    }

    @Test
    void drainingRefusesNewJoinsWhileCallsInProgressGoOn() throws Exception {
        start(50, Duration.ofSeconds(10));
        try (WsClient a = join("r5", "A"); WsClient b = join("r5", "B"); WsClient c = new WsClient(server.port())) {
            String bId = a.next("participantJoined").get("participant").get("id").asText();
            server.drain();
            c.send("type", "join", "room", "r5", "name", "C");
            JsonNode e = c.next("error");
            assertEquals("DRAINING", e.get("code").asText());
            assertTrue(e.get("message").asText().contains("another server"), e.get("message").asText());
            c.assertAlive();
            assertEquals(2, participants("r5").size(), "the refused join added no one");
            // The call in progress goes on: its messages still flow both ways.
            b.send("type", "trackState", "audioMuted", true, "videoMuted", false);
            assertEquals(bId, a.next("trackState").get("participantId").asText());
            b.send("{\"type\":\"leave\"}");
            assertEquals(bId, a.next("participantLeft").get("participantId").asText());
        }
    }

    @Test
    void badInputGetsErrorCodesAndOnlyTheHugeFrameCloses() throws Exception {
        start(50, Duration.ofSeconds(10));
        try (WsClient other = join("r5", "Other"); WsClient c = new WsClient(server.port())) {
            c.send("{not json");
            assertEquals("BAD_JSON", c.next().get("code").asText());
            c.assertAlive();
            c.send("{\"type\":\"dance\"}");
            assertEquals("UNKNOWN_TYPE", c.next().get("code").asText());
            c.assertAlive();
            c.send("type", "offer", "sdp", Fixtures.text(Fixtures.CHROMIUM_SENDRECV));
            assertEquals("NOT_JOINED", c.next().get("code").asText());
            c.assertAlive();
            c.send("type", "join", "room", "r5", "name", "C");
            c.next("joined");
            c.send("type", "offer", "sdp", "garbage");
            JsonNode bad = c.next("error");
            assertEquals("BAD_SDP", bad.get("code").asText());
            assertTrue(bad.get("message").asText().contains("v=0"));
            c.assertAlive();
            c.send("type", "offer", "sdp", "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n");
            assertEquals("BAD_SDP", c.next("error").get("code").asText());
            c.send("{\"type\":\"joined\",\"participantId\":\"x\"}");
            assertEquals("UNKNOWN_TYPE", c.next("error").get("code").asText());
            c.assertAlive();

            c.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}");
            JsonNode big = c.next();
            assertEquals("error", big.get("type").asText());
            assertEquals("FRAME_TOO_LARGE", big.get("code").asText());
            assertEquals(1009, c.closed.get(5, TimeUnit.SECONDS));
            assertEquals("participantLeft", other.next("participantLeft").get("type").asText());
            other.assertAlive();
        }
    }

    @Test
    void servesThePageAssetsAndChartJsOverHttp() throws Exception {
        start(50, Duration.ofSeconds(10));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/?room=abc")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("content-type").orElseThrow());
        assertEquals("no-cache", page.headers().firstValue("cache-control").orElseThrow());
        assertTrue(page.body().toLowerCase().contains("<title>"));
        HttpResponse<String> chart = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/vendor/chart.js")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, chart.statusCode());
        assertTrue(chart.headers().firstValue("content-type").orElseThrow().startsWith("text/javascript"));
        assertTrue(chart.body().contains("Chart"));
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/missing.js")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
    }
}
