package dev.sfu.signaling.cluster;

import dev.sfu.signaling.Server;
import dev.sfu.signaling.admin.AdminConfig;
import dev.sfu.signaling.config.ServerConfig;
import dev.sfu.signaling.http.AccessControl;
import dev.sfu.signaling.ice.IceServersConfig;
import dev.sfu.signaling.room.ChatMessage;
import dev.sfu.signaling.room.NoParticipantEvents;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.sfu.signaling.cluster.ClusterNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Chat in a room that spans two nodes: two whole servers in cluster mode, one participant of the
 * room each (the room expanded from A to B, B dialled A). A message sent on either node reaches the
 * participant on the other (Redis pub/sub, channel {@code sfu:chat:NODE}), with its sender's id and
 * name, once. About 4 s.
 */
class ChatAcrossNodesTest {
    private static final String ROOM = "chat-across";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aChatMessageReachesTheParticipantsOfTheRoomsOtherNode() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            ClusterConfig base = ClusterConfig.off().withTimings(Duration.ofMillis(500), Duration.ofSeconds(3),
                    Duration.ofSeconds(6));
            ServerConfig onePerRoom = ServerConfig.loopback(0).with(1, Duration.ofSeconds(10));
            try (Server a = Server.start(onePerRoom, AdminConfig.open(), null, IceServersConfig.none(),
                    AccessControl.defaults(), base.withNode(redis.url(), "node-a", ""));
                 Server b = Server.start(onePerRoom, AdminConfig.open(), null, IceServersConfig.none(),
                         AccessControl.defaults(), base.withNode(redis.url(), "node-b", ""))) {
                await(() -> a.cluster().nodeUrls().size() == 2, WAIT, "node A sees node B");
                Chats atA = new Chats();
                Chats atB = new Chats();
                String x = a.rooms().join(ROOM, "Xena", atA).participantId();
                Placement next = a.cluster().full(ROOM).toCompletableFuture().get(5, TimeUnit.SECONDS);
                assertEquals("node-b", next.nodeId(), "the full room expands to node B");
                String y = b.rooms().join(ROOM, "Yuri", atB).participantId();
                await(() -> !a.relays().stats().isEmpty() && !b.relays().stats().isEmpty(), WAIT,
                        "B dialled A for the room");

                b.rooms().chat(y, "hello from B");
                await(() -> atA.received.size() == 1, WAIT, "A's participant got B's message");
                ChatMessage m = atA.received.get(0);
                assertEquals(List.of(y, "Yuri", "hello from B"), List.of(m.participantId(), m.name(), m.text()));

                a.rooms().chat(x, "hi from A");
                await(() -> atB.received.stream().anyMatch(c -> c.text().equals("hi from A")), WAIT,
                        "B's participant got A's message");
                Thread.sleep(300);
                assertEquals(1, atA.received.stream().filter(c -> c.text().equals("hello from B")).count(),
                        "once: " + atA.received);
                assertFalse(atA.received.stream().anyMatch(c -> c.text().equals("hi from A") && c.participantId()
                        .equals(y)));
            }
        }
    }

    private static final class Chats extends NoParticipantEvents {
        final List<ChatMessage> received = new CopyOnWriteArrayList<>();

        @Override
        public void chat(ChatMessage m) {
            received.add(m);
        }
    }
}
