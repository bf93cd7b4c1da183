package dev.sfu.signaling.cluster;

import dev.sfu.signaling.Server;
import dev.sfu.signaling.admin.AdminConfig;
import dev.sfu.signaling.config.ServerConfig;
import dev.sfu.signaling.http.AccessControl;
import dev.sfu.signaling.ice.IceServersConfig;
import dev.sfu.signaling.room.ChatMessage;
import dev.sfu.signaling.room.NoParticipantEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.sfu.signaling.cluster.ClusterNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Chat in a room that spans two nodes: two whole servers in cluster mode (one Redis, shared by the
 * tests, each test with its own room), one participant of the room each (the room expanded from A
 * to B, B dials A). A message sent on either node reaches the participant on the other (Redis
 * pub/sub, channel {@code sfu:chat:NODE}), with its sender's id and name, once; also when it is
 * sent the moment B's participant has joined, before the relay exists. About 4 s.
 */
class ChatAcrossNodesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static RedisServer redis;
    private static Server a;
    private static Server b;

    @BeforeAll
    static void startTwoNodes() throws Exception {
        redis = RedisServer.start();
        ClusterConfig base = ClusterConfig.off().withTimings(Duration.ofMillis(500), Duration.ofSeconds(3),
                Duration.ofSeconds(6));
        ServerConfig onePerRoom = ServerConfig.loopback(0).with(1, Duration.ofSeconds(10));
        a = Server.start(onePerRoom, AdminConfig.open(), null, IceServersConfig.none(), AccessControl.defaults(),
                base.withNode(redis.url(), "node-a", ""));
        b = Server.start(onePerRoom, AdminConfig.open(), null, IceServersConfig.none(), AccessControl.defaults(),
                base.withNode(redis.url(), "node-b", ""));
        await(() -> a.cluster().nodeUrls().size() == 2, WAIT, "node A sees node B");
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {b, a, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void aChatMessageReachesTheParticipantsOfTheRoomsOtherNode() throws Exception {
        String room = "chat-across";
        Chats atA = new Chats();
        Chats atB = new Chats();
        String x = a.rooms().join(room, "Xena", atA).participantId();
        Placement next = a.cluster().full(room).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals("node-b", next.nodeId(), "the full room expands to node B");
        String y = b.rooms().join(room, "Yuri", atB).participantId();
        await(() -> relayUp(room), WAIT, "B dialled A for the room");

        b.rooms().chat(y, "hello from B");
        await(() -> atA.received.size() == 1, WAIT, "A's participant got B's message");
        ChatMessage m = atA.received.get(0);
        assertEquals(List.of(y, "Yuri", "hello from B"), List.of(m.participantId(), m.name(), m.text()));

        a.rooms().chat(x, "hi from A");
        await(() -> atB.received.stream().anyMatch(c -> c.text().equals("hi from A")), WAIT,
                "B's participant got A's message");
        // A second message on the same channel arrives after any duplicate of the first would have.
        b.rooms().chat(y, "marker from B");
        await(() -> atA.count("marker from B") == 1, WAIT, "A's participant got B's second message");
        assertEquals(1, atA.count("hello from B"), "once: " + atA.received);
        assertFalse(atA.received.stream().anyMatch(c -> c.text().equals("hi from A") && c.participantId()
                .equals(y)));
    }

    /**
     * The moment B's first participant of the room has joined (the join acknowledged), B has not
     * dialled A yet: the relay does not exist on either node. A message sent then, either way,
     * still reaches the other node's participant, once, because the room's node set in Redis
     * (which holds B from the expansion on) decides where chat goes, not the relays. Before that
     * rule both messages were lost.
     */
    @Test
    void aChatMessageSentAsTheRoomExpandsReachesTheNewNodesFirstParticipantOnce() throws Exception {
        String room = "chat-expanding";
        Chats atA = new Chats();
        Chats atB = new Chats();
        String x = a.rooms().join(room, "Xena", atA).participantId();
        Placement next = a.cluster().full(room).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals("node-b", next.nodeId(), "the full room expands to node B");
        // As the signaling server does: the join sent to B is placed there first (B is in the set).
        assertEquals("node-b", b.cluster().place(room).toCompletableFuture().get(5, TimeUnit.SECONDS).nodeId());
        String y = b.rooms().join(room, "Yuri", atB).participantId();
        // A has a relay for the room only once B's offer reached it (B dials after its join).
        assertFalse(a.relays().links().stream().anyMatch(l -> l.roomId().equals(room)),
                "A has no relay for the room yet: this test checks the window before it");
        a.rooms().chat(x, "right as you joined");
        b.rooms().chat(y, "just joined");

        await(() -> atB.count("right as you joined") == 1, WAIT, "B's new participant got A's message");
        await(() -> atA.count("just joined") == 1, WAIT, "A's participant got B's message");
        await(() -> relayUp(room), WAIT, "B dialled A for the room");
        a.rooms().chat(x, "marker from A");
        b.rooms().chat(y, "marker from B");
        await(() -> atB.count("marker from A") == 1 && atA.count("marker from B") == 1, WAIT,
                "the markers crossed");
        assertEquals(1, atB.count("right as you joined"), "once: " + atB.received);
        assertEquals(1, atA.count("just joined"), "once: " + atA.received);
        assertEquals(1, atB.count("just joined"), "the sender's own node delivers it once, A sends nothing back: "
                + atB.received);
    }

    private static boolean relayUp(String room) {
        return a.relays().links().stream().anyMatch(l -> l.roomId().equals(room))
                && b.relays().links().stream().anyMatch(l -> l.roomId().equals(room));
    }

    private static final class Chats extends NoParticipantEvents {
        final List<ChatMessage> received = new CopyOnWriteArrayList<>();

        @Override
        public void chat(ChatMessage m) {
            received.add(m);
        }

        long count(String text) {
            return received.stream().filter(c -> c.text().equals(text)).count();
        }
    }
}
