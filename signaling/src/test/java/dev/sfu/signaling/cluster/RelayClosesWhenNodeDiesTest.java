package dev.sfu.signaling.cluster;

import com.codahale.metrics.MetricRegistry;
import dev.sfu.core.relay.InMemoryRelaySignals;
import dev.sfu.core.relay.RelayManager;
import dev.sfu.core.room.RoomListener;
import dev.sfu.core.room.RoomManager;
import dev.sfu.core.transport.TransportConfig;
import dev.sfu.core.transport.TransportServer;
import dev.sfu.signaling.cluster.ClusterNodes.TestNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.sfu.signaling.cluster.ClusterNodes.await;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A node's relays to a node that dies close when that node's registration expires
 * ({@link RelayManager#nodeGone}, called by {@link ClusterNode}'s refresh), not when ICE consent
 * runs out 30 s later; relays to live nodes stay. About 3 s.
 */
class RelayClosesWhenNodeDiesTest {
    @Test
    void aDeadNodesRelaysCloseOnceItsRegistrationExpires() throws Exception {
        try (RedisServer redis = RedisServer.start(); ClusterNodes peers = new ClusterNodes(redis);
             InMemoryRelaySignals signals = new InMemoryRelaySignals()) {
            TransportServer media = TransportServer.start(TransportConfig.loopbackEphemeral());
            RoomManager rooms = new RoomManager(new MetricRegistry(), new RoomListener() { }, 10);
            RelayManager relays = new RelayManager("node-a", media, rooms, signals);
            ClusterConfig c = ClusterConfig.off().withNode(redis.url(), "node-a", "ws://a.test:8080/ws")
                    .withTimings(ClusterNodes.REFRESH, ClusterNodes.NODE_TTL, ClusterNodes.CLAIM_TTL);
            AtomicReference<LocalNode.Load> load = new AtomicReference<>(LocalNode.Load.idle());
            try (ClusterNode a = ClusterNode.connect(c, new LocalNode("node-a", "default", "127.0.0.1:1", 0,
                    "ws://a.test:8080/ws", load::get), room -> false)) {
                a.span(relays, 10, room -> 0);
                a.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
                TestNode dying = peers.start("node-x", PlacementPolicy.LEAST_LOADED);
                TestNode staying = peers.start("node-y", PlacementPolicy.LEAST_LOADED);
                await(() -> a.nodeUrls().size() == 3, Duration.ofSeconds(5), "node-a sees both peers live");
                // Dialed relays (nobody answers them: the peers are registry entries only).
                relays.connect("room-1", "node-x");
                relays.connect("room-1", "node-y");
                assertNotNull(relays.link("room-1", "node-x"));

                dying.node().crash();
                await(() -> relays.link("room-1", "node-x") == null, Duration.ofSeconds(5),
                        "the relay to the dead node closed once its record expired");
                assertNotNull(relays.link("room-1", "node-y"), "the relay to the live node stays");
                assertNull(relays.link("room-1", "node-x"));
            } finally {
                relays.close();
                rooms.close();
                media.close();
            }
        }
    }
}
