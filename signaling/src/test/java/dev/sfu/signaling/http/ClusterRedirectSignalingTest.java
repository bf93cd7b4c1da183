package dev.sfu.signaling.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sfu.signaling.Server;
import dev.sfu.signaling.admin.AdminConfig;
import dev.sfu.signaling.cluster.ClusterConfig;
import dev.sfu.signaling.cluster.ClusterView;
import dev.sfu.signaling.cluster.RedisServer;
import dev.sfu.signaling.config.ServerConfig;
import dev.sfu.signaling.ice.IceServersConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two whole servers in cluster mode on one real redis-server, spoken to over WebSocket: the
 * signaling handler asks the Redis placement, so a join through either node ends on the room's
 * one node (a {@code redirect} from the other), and a new room goes to the less loaded node.
 */
class ClusterRedirectSignalingTest {
    private static final Duration REFRESH = Duration.ofMillis(250);

    private static Server node(RedisServer redis, String id) throws Exception {
        ClusterConfig c = ClusterConfig.off().withNode(redis.url(), id, "")
                .withTimings(REFRESH, Duration.ofSeconds(1), Duration.ofSeconds(2));
        return Server.start(ServerConfig.loopback(0), AdminConfig.open(), null, IceServersConfig.none(),
                AccessControl.defaults(), c);
    }

    private static boolean seesLive(Server s, String id) {
        for (ClusterView.Node n : s.cluster().view().nodes()) {
            if (n.id().equals(id) && n.live()) {
                return true;
            }
        }
        return false;
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 30 s: " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void aJoinThroughEitherNodeEndsOnTheRoomsOneNodeAndANewRoomGoesToTheLessLoadedNode() throws Exception {
        try (RedisServer redis = RedisServer.start(); Server a = node(redis, "a-node"); Server b = node(redis, "b-node")) {
            await(() -> seesLive(a, "b-node") && seesLive(b, "a-node"), "the nodes see each other");
            // The JVM's first media transport loads ice4j's configuration (seconds on a busy machine):
            // done here, so that a 'joined' comes within WsClient's 5 s.
            a.media().createTransport("warm-up").close();
            String urlA = "ws://127.0.0.1:" + a.httpPort() + "/ws";
            String urlB = "ws://127.0.0.1:" + b.httpPort() + "/ws";

            // Both idle: least-loaded picks one of them (the lower CPU, then the id). Ada joins through
            // b-node and, if sent elsewhere, follows the redirect.
            WsClient ada = new WsClient(URI.create(urlB));
            try {
                ada.send("type", "join", "room", "standup", "name", "Ada");
                JsonNode first = ada.nextOf("joined", "redirect");
                if (first.get("type").asText().equals("redirect")) {
                    assertEquals("standup", first.get("room").asText());
                    assertEquals("a-node", first.get("nodeId").asText());
                    assertEquals(urlA, first.get("url").asText());
                    ada.close();
                    ada = new WsClient(URI.create(urlA));
                    ada.send("type", "join", "room", "standup", "name", "Ada");
                }
                boolean onA = first.get("type").asText().equals("redirect");
                Server owner = onA ? a : b;
                Server other = onA ? b : a;
                String ownerId = onA ? "a-node" : "b-node";
                String ownerUrl = onA ? urlA : urlB;
                String otherUrl = onA ? urlB : urlA;
                await(() -> owner.rooms().rooms().participantCount() == 1, "Ada in standup on " + ownerId);
                if (onA) {
                    ada.next("joined");
                }

                try (WsClient bob = new WsClient(URI.create(otherUrl))) {
                    bob.send("type", "join", "room", "standup", "name", "Bob");
                    JsonNode r = bob.next("redirect");
                    assertEquals(ownerUrl, r.get("url").asText(), "the room stays on " + ownerId);
                    assertEquals(ownerId, r.get("nodeId").asText());
                }
                assertEquals(0, other.rooms().rooms().participantCount());

                // The owner now holds one participant, the other node none: a new room asked at the
                // owner goes to the other node, whatever the CPU.
                try (WsClient cy = new WsClient(URI.create(ownerUrl))) {
                    cy.send("type", "join", "room", "retro", "name", "Cy");
                    assertEquals(otherUrl, cy.next("redirect").get("url").asText());
                }
                try (WsClient cy = new WsClient(URI.create(otherUrl))) {
                    cy.send("type", "join", "room", "retro", "name", "Cy");
                    await(() -> other.rooms().rooms().participantCount() == 1, "Cy in retro on the other node");
                    cy.next("joined");
                }
            } finally {
                ada.close();
            }
        }
    }
}
