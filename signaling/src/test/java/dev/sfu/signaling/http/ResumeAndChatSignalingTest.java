package dev.sfu.signaling.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sfu.signaling.config.ServerConfig;
import dev.sfu.signaling.room.SfuRoomService;
import dev.sfu.signaling.session.UnwiredTransport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 sections 5 and 6 over real WebSockets: a participant whose WebSocket drops keeps its id
 * and room for the grace period and is resumed with its token (the others see no leave), a token
 * works once, the grace period ends in a leave; chat is fanned out with the sender and the
 * server's time, kept for late joiners, checked and rate-limited per connection.
 */
class ResumeAndChatSignalingTest {
    private SignalingServer server;
    private SfuRoomService rooms;

    private void start(Duration grace) throws InterruptedException {
        ServerConfig config = ServerConfig.loopback(10000).withResumeGrace(grace);
        rooms = new SfuRoomService(50, new MetricRegistry(), UnwiredTransport.maker(List.of("127.0.0.1"), 10000));
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

    private WsClient client() throws Exception {
        return new WsClient(server.port());
    }

    @Test
    void droppedWebSocketResumesTheSameParticipantOnceAndTheOthersSeeNoLeave() throws Exception {
        start(Duration.ofSeconds(20));
        try (WsClient a = client(); WsClient b = client(); WsClient b2 = client(); WsClient b3 = client()) {
            a.send("type", "join", "room", "r1", "name", "Ada");
            String aId = a.next("joined").get("participantId").asText();
            b.send("type", "join", "room", "r1", "name", "Bob");
            JsonNode bj = b.next("joined");
            String bId = bj.get("participantId").asText();
            String token = bj.get("resumeToken").asText();
            assertTrue(token.length() >= 32, "an unguessable token: " + token);
            a.next("participantJoined");

            b.close();
            Thread.sleep(300); // the server has seen the close
            a.send("type", "chat", "text", "are you there?");
            assertEquals("are you there?", a.next("chat").get("text").asText());

            b2.send("type", "resume", "participantId", bId, "resumeToken", token);
            JsonNode resumed = b2.next();
            assertEquals("resumed", resumed.get("type").asText(), resumed.toString());
            assertEquals(bId, resumed.get("participantId").asText());
            assertEquals("r1", resumed.get("room").asText());
            assertEquals(aId, resumed.get("participants").get(0).get("id").asText());
            String next = resumed.get("resumeToken").asText();
            assertNotEquals(token, next, "a new token replaces the used one");
            JsonNode missed = b2.next();
            assertEquals("chat", missed.get("type").asText(), "the chat sent while Bob was away: " + missed);
            assertEquals("are you there?", missed.get("text").asText());
            b2.assertAlive();
            a.assertAlive(); // nothing between: no participantLeft, no participantJoined
            assertEquals(List.of(aId, bId), rooms.rooms().room("r1").participants().stream().map(p -> p.id()).toList());

            b3.send("type", "resume", "participantId", bId, "resumeToken", token);
            assertEquals("RESUME_FAILED", b3.next("error").get("code").asText(), "a used token is refused");
            b3.send("type", "resume", "participantId", aId, "resumeToken", next);
            assertEquals("RESUME_FAILED", b3.next("error").get("code").asText(), "Bob's token does not resume Ada");
            b3.send("type", "resume", "participantId", bId);
            assertEquals("INVALID_FIELD", b3.next("error").get("code").asText());
            b2.send("type", "resume", "participantId", bId, "resumeToken", next);
            assertEquals("ALREADY_JOINED", b2.next("error").get("code").asText());
            b2.assertAlive();
        }
    }

    @Test
    void afterTheGracePeriodTheParticipantLeavesAndCannotResume() throws Exception {
        start(Duration.ofMillis(400));
        try (WsClient a = client(); WsClient b = client(); WsClient b2 = client()) {
            a.send("type", "join", "room", "r2", "name", "Ada");
            a.next("joined");
            b.send("type", "join", "room", "r2", "name", "Bob");
            JsonNode bj = b.next("joined");
            a.next("participantJoined");
            long closed = System.nanoTime();
            b.close();
            assertEquals(bj.get("participantId").asText(), a.next("participantLeft").get("participantId").asText());
            long waitedMs = (System.nanoTime() - closed) / 1_000_000;
            assertTrue(waitedMs >= 400, "left after " + waitedMs + " ms, before the 400 ms grace period");
            b2.send("type", "resume", "participantId", bj.get("participantId").asText(), "resumeToken",
                    bj.get("resumeToken").asText());
            assertEquals("RESUME_FAILED", b2.next("error").get("code").asText());
            b2.send("type", "join", "room", "r2", "name", "Bob");
            assertNotEquals(bj.get("participantId").asText(), b2.next("joined").get("participantId").asText());
        }
    }

    @Test
    void chatIsFannedOutWithSenderAndServerTimeKeptForLateJoinersCheckedAndRateLimited() throws Exception {
        start(Duration.ofSeconds(20));
        try (WsClient a = client(); WsClient b = client(); WsClient c = client()) {
            a.send("type", "chat", "text", "too early");
            assertEquals("NOT_JOINED", a.next("error").get("code").asText());
            a.send("type", "join", "room", "r3", "name", "Ada");
            String aId = a.next("joined").get("participantId").asText();
            b.send("type", "join", "room", "r3", "name", "Bob");
            b.next("joined");

            String markup = "<img src=x onerror=alert(1)> <b>bold</b> & \"quotes\"";
            long before = System.currentTimeMillis();
            a.send("type", "chat", "text", markup);
            for (WsClient x : new WsClient[] {a, b}) {
                JsonNode m = x.next("chat");
                assertEquals(markup, m.get("text").asText(), "the text exactly as sent");
                assertEquals(aId, m.get("participantId").asText());
                assertEquals("Ada", m.get("name").asText());
                long ts = m.get("ts").asLong();
                assertTrue(ts >= before && ts <= System.currentTimeMillis(), "server timestamp " + ts);
            }
            a.send("type", "chat", "text", "x".repeat(2001));
            assertTrue(a.next("error").get("message").asText().contains("2000"), "over 2,000 characters is refused");
            a.send("type", "chat", "text", "   ");
            assertEquals("INVALID_FIELD", a.next("error").get("code").asText());
            a.send("type", "chat", "text", "😀".repeat(2000)); // 2,000 characters (4,000 UTF-16 units)
            assertEquals(2000, a.next("chat").get("text").asText().codePointCount(0, 4000));
            a.send("type", "chat", "text", "from Ada", "participantId", "someone-else");
            assertEquals("INVALID_FIELD", a.next("error").get("code").asText(), "a client cannot name the sender");

            c.send("type", "join", "room", "r3", "name", "Cy");
            c.next("joined");
            JsonNode history = c.next();
            assertEquals("chatHistory", history.get("type").asText(), history.toString());
            assertEquals(2, history.get("messages").size());
            assertEquals(markup, history.get("messages").get(0).get("text").asText());
            assertEquals(aId, history.get("messages").get(0).get("participantId").asText());

            // Five in a row pass (two were sent above), then one a second: of eight sent back to
            // back (well under the four seconds that would refill four), some are refused; each
            // gets its answer, a chat or the error. Others' limits are their own.
            for (int i = 0; i < 8; i++) {
                a.send("type", "chat", "text", "burst " + i);
            }
            int passed = 0;
            int refused = 0;
            while (passed + refused < 8) {
                JsonNode n = a.next();
                if (n.path("type").asText().equals("error")) {
                    assertEquals("CHAT_RATE_LIMITED", n.get("code").asText(), n.toString());
                    refused++;
                } else if (n.path("type").asText().equals("chat") && n.path("text").asText().startsWith("burst ")) {
                    passed++;
                }
            }
            assertTrue(refused >= 1 && passed >= 3, passed + " passed, " + refused + " refused");
            b.send("type", "chat", "text", "Bob is not limited");
            JsonNode bobs;
            do {
                bobs = b.next("chat"); // Ada's earlier messages come first
            } while (bobs.get("name").asText().equals("Ada"));
            assertEquals("Bob is not limited", bobs.get("text").asText());
            assertEquals("Bob is not limited", a.next("chat").get("text").asText());
            a.assertAlive();
        }
    }
}
