package dev.sfu.signaling.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sfu.core.room.Participant;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The operator endpoints over a real server on 127.0.0.1, read with java.net.http. */
class AdminEndpointsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private AdminServer s;

    @AfterEach
    void stop() {
        if (s != null) {
            s.close();
        }
    }

    @Test
    void roomsListEachRoomWithParticipantsAndBitrate() throws Exception {
        s = new AdminServer(AdminConfig.open());
        Participant a = s.rooms.join("alpha", "a");
        SyntheticRooms.publishVideo(a, 0x1234);
        s.rooms.join("alpha", "b");
        s.rooms.join("beta", "c");
        s.collect();
        HttpResponse<String> r = s.get("/api/rooms");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        JsonNode rooms = JSON.readTree(r.body()).get("rooms");
        assertEquals(2, rooms.size());
        JsonNode alpha = rooms.get(0).get("id").asText().equals("alpha") ? rooms.get(0) : rooms.get(1);
        assertEquals(2, alpha.get("participants").asInt());
        assertEquals(1, alpha.get("tracks").asInt());
        assertTrue(alpha.has("bitrateIn") && alpha.has("bitrateOut"), alpha.toString());
    }

    @Test
    void oneRoomShowsItsParticipantsWithPerTrackFigures() throws Exception {
        s = new AdminServer(AdminConfig.open());
        Participant a = s.rooms.join("alpha", "a");
        SyntheticRooms.publishVideo(a, 0x1234);
        s.rooms.join("alpha", "b");
        s.collect();
        JsonNode room = JSON.readTree(s.get("/api/rooms/alpha").body());
        assertEquals("alpha", room.get("id").asText());
        JsonNode ps = room.get("participants");
        assertEquals(2, ps.size());
        JsonNode b = ps.get(1);
        assertEquals("b", b.get("id").asText());
        assertEquals("connected", b.get("connectionState").asText());
        JsonNode track = b.get("tracks").get(0);
        assertEquals("down", track.get("direction").asText());
        assertEquals("a", track.get("publisherId").asText());
        assertEquals("video", track.get("kind").asText());
        for (String f : new String[] {"bitrate", "packets", "packetsLost", "loss", "jitterMillis", "rttMillis"}) {
            assertTrue(track.has(f), f + " in " + track);
        }
        for (String f : new String[] {"bitrateUp", "bitrateDown", "lossUp", "lossDown", "rttMillis", "jitterMillis",
                "nacksReceived", "plisReceived", "keyframes"}) {
            assertTrue(b.has(f), f + " in " + b);
        }
    }

    @Test
    void oneRoomShowsSimulcastLayersWhatEachSubscriberGetsStagesAndTheSpeaker() throws Exception {
        s = new AdminServer(AdminConfig.open());
        Participant a = s.rooms.join("alpha", "a");
        SyntheticRooms.publishSimulcast(a);
        Participant b = s.rooms.join("alpha", "b");
        SyntheticRooms.Layer q = new SyntheticRooms.Layer("q", 0x5000, 320, 180);
        SyntheticRooms.Layer h = new SyntheticRooms.Layer("h", 0x5001, 640, 360);
        for (int i = 0; i < 10; i++) {
            if (i == 5) {
                // q and h arrive, f does not: b, which never sent a tile size, gets the largest arriving.
                s.rooms.manager.scheduler().allocate(s.rooms.manager.room("alpha"));
            }
            for (SyntheticRooms.Layer l : new SyntheticRooms.Layer[] {q, h}) {
                byte[] p = SyntheticRooms.simulcastPacket(i, i * 3000L, l, 500);
                a.endpoint().onRtp(p, 0, p.length);
            }
        }
        s.collect();
        JsonNode room = JSON.readTree(s.get("/api/rooms/alpha").body());
        assertTrue(room.has("dominantSpeaker") && room.get("dominantSpeaker").isNull(), "nobody spoke: " + room);
        assertEquals("twcc", room.get("stages").get(0).get("name").asText(), "transport-wide feedback first");
        JsonNode resolve = room.get("stages").get(1);
        assertEquals("resolve", resolve.get("name").asText());
        assertEquals(20, resolve.get("in").asInt());
        assertTrue(resolve.has("out") && resolve.has("dropped"), resolve.toString());

        JsonNode up = room.get("participants").get(0).get("tracks").get(0);
        assertEquals("up", up.get("direction").asText());
        JsonNode layers = up.get("layers");
        assertEquals(3, layers.size());
        assertEquals("q", layers.get(0).get("rid").asText());
        assertEquals(0x5000, layers.get(0).get("ssrc").asLong());
        assertEquals(320, layers.get(0).get("width").asInt());
        assertEquals(180, layers.get(0).get("height").asInt());
        assertTrue(layers.get(0).get("live").asBoolean());
        assertTrue(layers.get(0).has("bitrate"));
        assertEquals("f", layers.get(2).get("rid").asText());
        assertFalse(layers.get(2).get("live").asBoolean(), "f was never sent");

        JsonNode down = room.get("participants").get(1).get("tracks").get(0);
        assertEquals("down", down.get("direction").asText());
        assertTrue(down.get("layers").isEmpty());
        JsonNode f = down.get("forwarding");
        assertEquals("h", f.get("rid").asText(), "no tile size: the largest layer that arrives: " + f);
        assertEquals(1, f.get("layer").asInt());
        assertEquals("h", f.get("targetRid").asText());
        assertEquals(3, f.get("maxTemporalLayer").asInt());
        assertEquals(0, f.get("switches").asInt());
        assertFalse(f.get("paused").asBoolean());
        assertTrue(f.get("pauseReason").isNull());
        assertEquals(-1, f.get("tileWidth").asInt(), "b never said its tile size");
        assertTrue(f.get("tileVisible").asBoolean());
        assertTrue(b.downTracks().get(0).isActive());

        String metrics = s.get("/metrics").body();
        assertTrue(metrics.contains("sfu_layer_bitrate_bits_per_second{node=\"test-node\",room=\"alpha\",participant=\"a\",track=\"v-a\",rid=\"q\"} "), metrics);
        assertTrue(metrics.contains("sfu_down_paused{node=\"test-node\",room=\"alpha\",participant=\"b\",publisher=\"a\",track=\"v-a\"} 0\n"));
        assertTrue(metrics.contains("sfu_stage_packets_total{node=\"test-node\",room=\"alpha\",stage=\"resolve\",direction=\"in\"} 20\n"));
        PrometheusParser.parse(metrics);
    }

    @Test
    void unknownRoomIs404WithAJsonError() throws Exception {
        s = new AdminServer(AdminConfig.open());
        HttpResponse<String> r = s.get("/api/rooms/nope");
        assertEquals(404, r.statusCode());
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertEquals("ROOM_NOT_FOUND", e.get("code").asText());
        assertTrue(e.get("message").asText().contains("nope"));
    }

    @Test
    void metricsAreThePrometheusTextFormatWithARoomLabel() throws Exception {
        s = new AdminServer(AdminConfig.open());
        Participant a = s.rooms.join("abc", "a");
        SyntheticRooms.publishVideo(a, 0x1234);
        s.collect();
        HttpResponse<String> r = s.get("/metrics");
        assertEquals(200, r.statusCode());
        assertEquals(PrometheusFormat.CONTENT_TYPE, r.headers().firstValue("content-type").orElse(""));
        assertTrue(r.body().contains("sfu_room_bitrate_bits_per_second{node=\"test-node\",room=\"abc\",direction=\"in\"} "), r.body());
        assertTrue(r.body().contains("sfu_participant_bitrate_bits_per_second{node=\"test-node\",room=\"abc\",participant=\"a\",direction=\"up\"} "));
        assertTrue(r.body().contains("# TYPE sfu_jvm_gc_collections_total counter"));
        PrometheusParser.parse(r.body()); // Well-formed throughout.
    }

    @Test
    void apiClusterOnASingleNodeShowsThatNodeAloneWithItsLoadAndRooms() throws Exception {
        s = new AdminServer(AdminConfig.open());
        HttpResponse<String> r = s.get("/api/cluster");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        JsonNode c = JSON.readTree(r.body());
        assertEquals("test-node", c.get("self").asText());
        assertEquals("single", c.get("mode").asText());
        assertEquals("off", c.get("redis").asText());
        assertEquals(1, c.get("nodes").size());
        JsonNode n = c.get("nodes").get(0);
        assertEquals("test-node", n.get("id").asText());
        assertTrue(n.get("live").asBoolean() && n.get("self").asBoolean());
        assertEquals(s.operators.latest().participantCount(), n.get("load").get("participants").asInt());
        assertEquals(s.operators.latest().roomCount(), n.get("rooms").size());
        assertTrue(c.get("relays").isArray());
        try (AdminServer guarded = new AdminServer(AdminConfig.withToken("s3cret"))) {
            assertEquals(401, guarded.get("/api/cluster").statusCode(), "the admin token guards it too");
        }
    }

    @Test
    void healthIsAlwaysUpAndReadinessTurnsFalseOnDrain() throws Exception {
        s = new AdminServer(AdminConfig.open());
        assertEquals(200, s.get("/health").statusCode());
        assertEquals(200, s.get("/ready").statusCode());
        assertTrue(s.operators.isReady());
        s.server.drain();
        HttpResponse<String> ready = s.get("/ready");
        assertEquals(503, ready.statusCode());
        assertEquals("draining", JSON.readTree(ready.body()).get("status").asText());
        assertEquals(200, s.get("/health").statusCode(), "a draining server is alive");
        assertTrue(s.get("/metrics").body().contains("\nsfu_ready{node=\"test-node\"} 0\n"));
    }

    @Test
    void withATokenTheOperatorEndpointsNeedIt() throws Exception {
        s = new AdminServer(AdminConfig.withToken("s3cret"));
        for (String path : new String[] {"/api/rooms", "/api/rooms/x", "/metrics", "/dashboard", "/api/stream"}) {
            HttpResponse<String> r = s.get(path);
            assertEquals(401, r.statusCode(), path);
            assertEquals("UNAUTHORIZED", JSON.readTree(r.body()).get("error").get("code").asText(), path);
            assertTrue(r.headers().firstValue("www-authenticate").orElse("").startsWith("Bearer"), path);
            assertEquals(401, s.get(path, "Authorization", "Bearer wrong").statusCode(), path);
        }
        assertEquals(200, s.get("/api/rooms", "Authorization", "Bearer s3cret").statusCode());
        assertEquals(200, s.get("/metrics", "Authorization", "Bearer s3cret").statusCode());
        assertEquals(200, s.get("/dashboard?token=s3cret").statusCode());
        assertEquals(401, s.get("/metrics?token=s3cret").statusCode(), "query tokens only for the dashboard");
        assertEquals(200, s.get("/health").statusCode(), "liveness stays open for probes");
        assertEquals(200, s.get("/ready").statusCode());
        assertEquals(200, s.get("/").statusCode(), "the call page is not an operator endpoint");
    }

    @Test
    void dashboardPageIsServed() throws Exception {
        s = new AdminServer(AdminConfig.open());
        HttpResponse<String> r = s.get("/dashboard");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        assertTrue(r.body().contains("/vendor/chart.js"));
        assertEquals(200, s.get("/js/dashboard.js").statusCode());
        assertEquals(200, s.get("/css/dashboard.css").statusCode());
        assertEquals(200, s.get("/vendor/chart.js").statusCode());
    }

    @Test
    @Timeout(20) // Nothing else bounds a stream that stops sending.
    void streamSendsHistoryThenOneSnapshotPerSecond() throws Exception {
        s = new AdminServer(AdminConfig.open());
        s.rooms.join("alpha", "a");
        HttpRequest req = HttpRequest.newBuilder(URI.create(s.base() + "/api/stream?room=alpha"))
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<InputStream> r = s.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        long previous = -1;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            assertEquals("event: history", in.readLine());
            assertTrue(in.readLine().startsWith("data: ["));
            assertEquals("", in.readLine());
            int snapshots = 0;
            while (snapshots < 2) {
                String line = in.readLine();
                if (line.equals("event: snapshot")) {
                    JsonNode ev = JSON.readTree(in.readLine().substring("data: ".length()));
                    assertEquals("alpha", ev.get("rooms").get(0).get("id").asText());
                    assertEquals("alpha", ev.get("room").get("id").asText(), "the selected room's details");
                    assertTrue(ev.get("server").get("ready").asBoolean());
                    long t = ev.get("t").asLong();
                    assertTrue(t > previous, "each snapshot is a new collection: " + previous + " then " + t);
                    previous = t;
                    snapshots++;
                }
            }
        }
    }

    @Test
    void nonLoopbackBindWithoutTokenIsRecognised() {
        assertTrue(Operators.isLoopback("127.0.0.1"));
        assertTrue(Operators.isLoopback("::1"));
        assertTrue(Operators.isLoopback("localhost"));
        assertFalse(Operators.isLoopback("0.0.0.0"));
        assertFalse(Operators.isLoopback("10.1.2.3"));
    }
}
