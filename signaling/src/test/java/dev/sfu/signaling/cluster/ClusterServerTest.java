package dev.sfu.signaling.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sfu.signaling.Server;
import dev.sfu.signaling.admin.AdminConfig;
import dev.sfu.signaling.cluster.ClusterNodes.TestNode;
import dev.sfu.signaling.config.ServerConfig;
import dev.sfu.signaling.http.AccessControl;
import dev.sfu.signaling.ice.IceServersConfig;
import dev.sfu.signaling.room.JoinResult;
import dev.sfu.signaling.room.NoParticipantEvents;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.sfu.signaling.cluster.ClusterNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A whole server (media port, rooms, HTTP) in both modes: a single node never opens a Redis
 * connection and shows itself alone in {@code /api/cluster}; a node in cluster mode registers,
 * lists the other nodes with their load and rooms, labels /metrics with its node id, and releases
 * a room's claim when the room's last participant leaves.
 */
class ClusterServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void withoutRedisTheServerOpensNoRedisConnectionAndApiClusterShowsThisNodeAlone() throws Exception {
        int before = RedisDirectory.CONNECTION_ATTEMPTS.get();
        try (Server server = Server.start(ServerConfig.loopback(0))) {
            assertEquals(RoomPlacement.SINGLE_NODE, server.placement());
            assertTrue(server.placement().place("any").toCompletableFuture().get(1, TimeUnit.SECONDS).local());
            JsonNode c = JSON.readTree(get(server, "/api/cluster"));
            assertEquals("single", c.get("mode").asText());
            assertEquals("off", c.get("redis").asText());
            assertEquals(server.nodeId(), c.get("self").asText());
            assertEquals(1, c.get("nodes").size());
            JsonNode me = c.get("nodes").get(0);
            assertEquals(server.nodeId(), me.get("id").asText());
            assertTrue(me.get("live").asBoolean() && me.get("self").asBoolean());
            assertEquals(0, me.get("load").get("participants").asInt());
            assertTrue(c.get("relays").isArray() && c.get("relays").isEmpty());
            assertTrue(get(server, "/metrics").contains("\nsfu_rooms{node=\"" + server.nodeId() + "\"} 0\n"));
        }
        assertEquals(before, RedisDirectory.CONNECTION_ATTEMPTS.get(), "a single node never tries to connect to Redis");
    }

    @Test
    void inClusterModeApiClusterListsEveryNodeWithItsLoadAndRoomsAndAClosedRoomIsReleased() throws Exception {
        try (RedisServer redis = RedisServer.start(); ClusterNodes peers = new ClusterNodes(redis)) {
            ClusterConfig config = ClusterConfig.off().withNode(redis.url(), "srv-1", "")
                    .withTimings(ClusterNodes.REFRESH, ClusterNodes.NODE_TTL, ClusterNodes.CLAIM_TTL);
            try (Server server = Server.start(ServerConfig.loopback(0), AdminConfig.open(), null, IceServersConfig.none(),
                    AccessControl.defaults(), config)) {
                TestNode peer = peers.start("peer-2", PlacementPolicy.LEAST_LOADED);
                peer.host("room-x");
                peer.participants(2);
                await(() -> cluster(server).get("nodes").size() == 2
                        && node(cluster(server), "peer-2").get("load").get("participants").asInt() == 2, WAIT,
                        "/api/cluster lists peer-2 with its load");

                JsonNode c = cluster(server);
                assertEquals("srv-1", c.get("self").asText());
                assertEquals("redis", c.get("mode").asText());
                assertEquals("connected", c.get("redis").asText());
                assertEquals("least-loaded", c.get("placement").asText());
                assertTrue(c.get("relays").isArray() && c.get("relays").isEmpty());
                JsonNode me = c.get("nodes").get(0);
                assertEquals("srv-1", me.get("id").asText());
                assertTrue(me.get("self").asBoolean() && me.get("live").asBoolean());
                assertEquals("ws://127.0.0.1:" + server.httpPort() + "/ws", me.get("url").asText(),
                        "the public URL is derived from the bind address and the bound port");
                assertEquals("127.0.0.1:" + server.media().localAddress().getPort(), me.get("mediaAddress").asText());
                JsonNode p = node(c, "peer-2");
                assertTrue(p.get("live").asBoolean());
                assertFalse(p.get("self").asBoolean());
                assertEquals(peer.url(), p.get("url").asText());
                assertEquals(List.of("room-x"), List.of(p.get("rooms").get(0).asText()));
                for (String field : List.of("participants", "tracks", "bitrateBps", "cpu", "maxParticipants", "draining")) {
                    assertTrue(p.get("load").has(field), "load." + field);
                }
                assertTrue(get(server, "/metrics").contains("\nsfu_rooms{node=\"srv-1\"} 0\n"));

                // A room placed and opened here, then closed: its claim goes at once.
                assertTrue(server.placement().place("short").toCompletableFuture().get(5, TimeUnit.SECONDS).local(),
                        "least-loaded: srv-1 (0 participants) rather than peer-2 (2)");
                JoinResult joined = server.rooms().join("short", "alice", new NoParticipantEvents());
                await(() -> "srv-1".equals(owner(peer, "short")), WAIT, "srv-1 holds the claim");
                server.rooms().leave(joined.participantId());
                await(() -> owner(peer, "short") == null, WAIT, "the claim is released when the room closes");

                peer.node().crash();
                await(() -> !node(cluster(server), "peer-2").get("live").asBoolean(), WAIT, "peer-2 shown dead");
            }
        }
    }

    private JsonNode cluster(Server server) {
        try {
            return JSON.readTree(get(server, "/api/cluster"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode node(JsonNode cluster, String id) {
        for (JsonNode n : cluster.get("nodes")) {
            if (n.get("id").asText().equals(id)) {
                return n;
            }
        }
        return JSON.createObjectNode().put("live", false).set("load", JSON.createObjectNode().put("participants", -1));
    }

    private String get(Server server, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static String owner(TestNode n, String room) {
        try {
            return n.node().ownerOf(room).toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            return "?";
        }
    }

}
