package dev.sfu.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.core.relay.RelayStats;
import dev.sfu.core.room.Participant;
import dev.sfu.core.room.Room;
import dev.sfu.signaling.Server;
import dev.sfu.signaling.admin.AdminConfig;
import dev.sfu.signaling.cluster.ClusterConfig;
import dev.sfu.signaling.cluster.RedisServer;
import dev.sfu.signaling.config.ServerConfig;
import dev.sfu.signaling.http.AccessControl;
import dev.sfu.signaling.ice.IceServersConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, one room across two nodes in real browsers: two in-JVM servers in cluster mode on a
 * real redis-server, each taking one participant of a room. Chromium Ada and Chromium Bob both
 * load node A's page and join room {@value #ROOM}; the room's node is full after the first, so
 * the second is sent to the other node, which dials a relay. Each page decodes the other's video
 * (framesDecoded rising), each node holds one local participant and one remote one.
 */
class BrowserRoomAcrossNodesTest {
    private static final String ROOM = "across-nodes";
    private static RedisServer redis;
    private static Server a;
    private static Server b;

    @BeforeAll
    static void startNodes() throws Exception {
        BrowserSession.assumeAvailable();
        redis = RedisServer.start();
        // A node TTL of 3 s: with 1 s a node starved of CPU for a moment (2 shared cores) was taken
        // for dead, and its relay closed and was dialled again mid-run.
        ClusterConfig base = ClusterConfig.off().withTimings(Duration.ofMillis(500), Duration.ofSeconds(3),
                Duration.ofSeconds(6));
        ServerConfig onePerRoom = ServerConfig.loopback(0).with(1, Duration.ofSeconds(10));
        a = Server.start(onePerRoom, AdminConfig.open(), null, IceServersConfig.none(), AccessControl.defaults(),
                base.withNode(redis.url(), "node-a", ""));
        b = Server.start(onePerRoom, AdminConfig.open(), null, IceServersConfig.none(), AccessControl.defaults(),
                base.withNode(redis.url(), "node-b", ""));
        Waits.until(Duration.ofSeconds(10), "node A sees node B", () -> a.cluster().nodeUrls().size() == 2);
    }

    @AfterAll
    static void stopNodes() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static List<String> local(Server node) {
        Room r = node.rooms().rooms().room(ROOM);
        return r == null ? List.of() : r.participants().stream().filter(p -> !p.isRemote()).map(Participant::id).toList();
    }

    private static BrowserSession joinThroughA(String name) {
        BrowserSession s = BrowserSession.start(name);
        s.open("http://127.0.0.1:" + a.httpPort() + "/?room=" + ROOM + "&capture=640x360");
        s.type("#name", name);
        s.click("#join");
        return s;
    }

    @Test
    void twoPagesOnTwoNodesOfOneRoomDecodeEachOtherThroughTheRelay() {
        try (BrowserSession ada = joinThroughA("Ada")) {
            String adaId = ada.awaitJoined(LiveCall.JOIN);
            try (BrowserSession bob = joinThroughA("Bob")) {
                String bobId = bob.awaitJoined(LiveCall.JOIN);
                assertEquals(Set.of(adaId, bobId), Set.of(local(a).isEmpty() ? "" : local(a).get(0),
                        local(b).isEmpty() ? "" : local(b).get(0)), "one participant on each node");
                for (BrowserSession s : List.of(ada, bob)) {
                    s.awaitConnected(LiveCall.MEDIA);
                    String other = s == ada ? bobId : adaId;
                    Waits.until(LiveCall.MEDIA, s.label() + ": video decoded from " + other + " across the relay",
                            s::stats, st -> st.framesDecoded(other) > 0);
                }
                LiveCall.assertDecodingRises(ada, Set.of(bobId), Duration.ofSeconds(2));
                LiveCall.assertDecodingRises(bob, Set.of(adaId), Duration.ofSeconds(2));
                List<RelayStats> relays = a.relays().stats();
                assertEquals(1, relays.size(), relays.toString());
                assertTrue(relays.get(0).connected() && relays.get(0).packetsSent() > 0
                        && relays.get(0).packetsReceived() > 0, relays.toString());
            }
        }
    }
}
