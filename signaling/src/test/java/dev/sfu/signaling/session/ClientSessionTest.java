package dev.sfu.signaling.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.core.room.PublishedTrack;
import dev.sfu.signaling.message.ErrorCode;
import dev.sfu.signaling.message.Message;
import dev.sfu.signaling.message.SignalingException;
import dev.sfu.signaling.room.ChatMessage;
import dev.sfu.signaling.room.JoinResult;
import dev.sfu.signaling.room.ParticipantEvents;
import dev.sfu.signaling.room.ParticipantInfo;
import dev.sfu.signaling.room.RoomService;
import dev.sfu.signaling.room.Subscription;
import dev.sfu.signaling.room.VideoTile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@link ClientSession} alone: no sockets, no Netty, no media. A recording room service, fake
 * connections that keep what they were sent, and a {@link ManualScheduler} as the session's
 * executor and the resume registry's timer, so each test decides the order in which a close, a
 * resume and a grace timer run (no sleeps, no real time but the chat limit's clock). Covers join
 * and leave, the errors a client can provoke (each with its code and a sentence, on a session that
 * carries on), and resume: a good token, a used or expired one, a participant that left, and the
 * late close of the old connection after a resume claimed the session. The WebSocket side (frames,
 * JSON) is SignalingHandlerTest; negotiation with real SDP is SignalingServerTest.
 */
class ClientSessionTest {
    private static final Duration GRACE = Duration.ofSeconds(20);

    private final ManualScheduler loop = new ManualScheduler();
    private final RecordingRooms rooms = new RecordingRooms();
    private final ResumeRegistry<ClientSession> resumes = new ResumeRegistry<>(loop, GRACE, ClientSession::graceEnded);
    private final FakeConnection first = new FakeConnection();
    private final ClientSession session = newSession(first, resumes);

    private ClientSession newSession(Connection c, ResumeRegistry<ClientSession> registry) {
        TransportFactory noMedia = (id, onClosed) -> {
            throw new AssertionError("no offer in these tests, so no media transport");
        };
        return new ClientSession(rooms, noMedia, loop, c, Duration.ofSeconds(10), registry);
    }

    /** The room service as the session calls it: each call as "method participantOrRoom". */
    private static final class RecordingRooms implements RoomService {
        final List<String> calls = new ArrayList<>();
        final List<ParticipantInfo> others = new ArrayList<>();
        final List<ChatMessage> history = new ArrayList<>();
        ParticipantEvents events;
        int joins;
        /** others() answers null: the participant is no longer in a room. */
        boolean gone;

        @Override
        public JoinResult join(String room, String name, ParticipantEvents e) {
            calls.add("join " + room);
            events = e;
            joins++;
            return new JoinResult("p" + joins, room, others, List.of(), history);
        }

        @Override
        public void publish(String participantId, List<PublishedTrack> tracks) {
            calls.add("publish " + participantId);
        }

        @Override
        public void subscribed(String participantId, List<Subscription> subscriptions) {
            calls.add("subscribed " + participantId);
        }

        @Override
        public void trackState(String participantId, boolean audioMuted, boolean videoMuted, Boolean screenShare) {
            calls.add("trackState " + participantId);
        }

        @Override
        public void videoTiles(String participantId, List<VideoTile> tiles) {
            calls.add("videoTiles " + participantId);
        }

        @Override
        public void chat(String participantId, String text) {
            calls.add("chat " + participantId);
        }

        @Override
        public List<ParticipantInfo> others(String participantId) {
            return gone ? null : others;
        }

        @Override
        public void leave(String participantId) {
            calls.add("leave " + participantId);
        }

        long count(String call) {
            return calls.stream().filter(call::equals).count();
        }
    }

    /** A WebSocket that keeps what it was sent and whether it was closed. */
    private static final class FakeConnection implements Connection {
        final List<Message> sent = new ArrayList<>();
        boolean closed;

        @Override
        public void send(Message m) {
            sent.add(m);
        }

        @Override
        public void sendAndClose(Message.Error e) {
            sent.add(e);
            closed = true;
        }

        @Override
        public void close() {
            closed = true;
        }

        <T extends Message> T last(Class<T> type) {
            for (int i = sent.size() - 1; i >= 0; i--) {
                if (type.isInstance(sent.get(i))) {
                    return type.cast(sent.get(i));
                }
            }
            throw new AssertionError("no " + type.getSimpleName() + " among " + sent);
        }
    }

    private static void assertRefused(ErrorCode code, Executable call) {
        SignalingException e = assertThrows(SignalingException.class, call);
        assertEquals(code, e.code(), e.getMessage());
        assertNotNull(e.getMessage());
        assertTrue(e.getMessage().length() > 20 && e.getMessage().endsWith("."),
                "a sentence that says what to do: " + e.getMessage());
    }

    private String join() throws SignalingException {
        session.onMessage(first, new Message.Join("room1", "Ada", null));
        return first.last(Message.Joined.class).resumeToken();
    }

    @Test
    void joinAnswersJoinedWithAResumeTokenAndLeaveTakesTheParticipantOutOfTheRoom() throws Exception {
        rooms.history.add(new ChatMessage("p0", "Bob", "hello", 1L));
        String token = join();
        Message.Joined joined = first.last(Message.Joined.class);
        assertEquals("p1", joined.participantId());
        assertEquals("room1", joined.room());
        assertNotNull(token, "resuming is on, so joined carries a token");
        assertEquals("hello", first.last(Message.ChatHistory.class).messages().get(0).text());
        assertEquals("p1", session.participantId());
        assertEquals(1, resumes.size());

        session.onMessage(first, new Message.Leave());
        assertNull(session.participantId());
        assertEquals(List.of("join room1", "leave p1"), rooms.calls);
        assertEquals(0, resumes.size(), "leaving revokes the resume token");
        assertNull(resumes.claim("p1", token));
    }

    @Test
    void onASingleNodeJoinedAndResumedListNoNodes() throws Exception {
        String token = join();
        assertNull(first.last(Message.Joined.class).nodes(), "no cluster, no node list");
        session.connectionClosed(first);
        loop.runPending();
        FakeConnection second = new FakeConnection();
        assertSame(session, resumes.claim("p1", token));
        session.resume(second);
        loop.runPending();
        assertNull(second.last(Message.Resumed.class).nodes());
    }

    @Test
    void inAClusterJoinedAndResumedListTheLiveNodesAsOfThatMoment() throws Exception {
        List<String> live = new ArrayList<>(List.of("ws://a.test:8080/ws", "ws://b.test:8080/ws"));
        FakeConnection c = new FakeConnection();
        TransportFactory noMedia = (id, onClosed) -> {
            throw new AssertionError("no offer in this test");
        };
        ClientSession s = new ClientSession(rooms, noMedia, loop, c, Duration.ofSeconds(10), resumes, () -> live);
        s.onMessage(c, new Message.Join("room1", "Ada", null));
        Message.Joined joined = c.last(Message.Joined.class);
        assertEquals(List.of("ws://a.test:8080/ws", "ws://b.test:8080/ws"), joined.nodes());

        live.remove(1);
        s.connectionClosed(c);
        loop.runPending();
        FakeConnection second = new FakeConnection();
        assertSame(s, resumes.claim(joined.participantId(), joined.resumeToken()));
        s.resume(second);
        loop.runPending();
        assertEquals(List.of("ws://a.test:8080/ws"), second.last(Message.Resumed.class).nodes(), "as of the resume");
    }

    @Test
    void aSecondJoinIsRefusedWithAlreadyJoinedAndTheFirstStays() throws Exception {
        join();
        assertRefused(ErrorCode.ALREADY_JOINED, () -> session.onMessage(first, new Message.Join("room2", "Ada", null)));
        assertEquals("p1", session.participantId());
        assertEquals(List.of("join room1"), rooms.calls, "no second join reached the rooms");
    }

    @Test
    void roomMessagesBeforeJoinAreRefusedWithNotJoined() {
        for (Message m : List.of(new Message.Offer("v=0"), new Message.Answer("v=0"), new Message.Chat("hi", null, null, null),
                new Message.TrackState(null, true, false, null), new Message.Leave(),
                new Message.Candidate("candidate:1 1 udp 1 127.0.0.1 9 typ host", "0", 0))) {
            assertRefused(ErrorCode.NOT_JOINED, () -> session.onMessage(first, m));
        }
        assertEquals(List.of(), rooms.calls);
    }

    @Test
    void serverOnlyMessageTypesFromAClientAreUnknownTypeAndTheSessionCarriesOn() throws Exception {
        join();
        for (Message m : List.of(new Message.Pong(), new Message.Joined("p9", "r", List.of()),
                new Message.ParticipantLeft("p2"), new Message.Error("X", "y"),
                new Message.Redirect("r", "ws://127.0.0.1:1/ws", "node-b"))) {
            SignalingException e = assertThrows(SignalingException.class, () -> session.onMessage(first, m));
            assertEquals(ErrorCode.UNKNOWN_TYPE, e.code());
            assertTrue(e.getMessage().startsWith("The server sends '"), e.getMessage());
        }
        session.onMessage(first, new Message.Ping());
        assertInstanceOf(Message.Pong.class, first.sent.get(first.sent.size() - 1), "still answering");
        session.onMessage(first, new Message.Chat("still here", null, null, null));
        assertEquals(1, rooms.count("chat p1"));
        assertEquals("p1", session.participantId());
    }

    @Test
    void invalidFieldsAreRefusedWithInvalidFieldAndNothingReachesTheRoom() throws Exception {
        join();
        assertRefused(ErrorCode.INVALID_FIELD,
                () -> session.onMessage(first, new Message.TrackState("p2", true, true, null)));
        assertRefused(ErrorCode.INVALID_FIELD,
                () -> session.onMessage(first, new Message.Chat("hi", null, null, 5L)));
        assertRefused(ErrorCode.INVALID_FIELD,
                () -> session.onMessage(first, new Message.Candidate("not a candidate", "0", 0)));
        assertEquals(List.of("join room1"), rooms.calls);
        session.onMessage(first, new Message.TrackState("p1", true, false, null));
        assertEquals(1, rooms.count("trackState p1"), "its own id is allowed");
    }

    @Test
    void anAnswerWithNoServerOfferIsRefusedWithNoPendingOffer() throws Exception {
        join();
        assertRefused(ErrorCode.NO_PENDING_OFFER, () -> session.onMessage(first, new Message.Answer("v=0")));
    }

    @Test
    void resumeAfterTheFirstMessageIsRefused() throws Exception {
        assertRefused(ErrorCode.RESUME_FAILED, () -> session.onMessage(first, new Message.Resume("p1", "x")));
        join();
        assertRefused(ErrorCode.ALREADY_JOINED, () -> session.onMessage(first, new Message.Resume("p1", "x")));
    }

    @Test
    void chatOverTheBurstIsRefusedWithChatRateLimitedAndARetryTime() throws Exception {
        join();
        int accepted = 0;
        SignalingException refused = null;
        // Real time: the bucket refills one message a second, so a refusal must come within 20.
        for (int i = 0; i < 20 && refused == null; i++) {
            try {
                session.onMessage(first, new Message.Chat("m" + i, null, null, null));
                accepted++;
            } catch (SignalingException e) {
                refused = e;
            }
        }
        assertNotNull(refused, "a flood is limited");
        assertEquals(ErrorCode.CHAT_RATE_LIMITED, refused.code());
        assertTrue(refused.getMessage().contains("Send it again in"), refused.getMessage());
        assertTrue(accepted >= ChatRateLimit.BURST, "a burst of " + ChatRateLimit.BURST + " passes: " + accepted);
        assertEquals(accepted, rooms.count("chat p1"), "the refused message did not reach the room");
    }

    @Test
    void aDroppedConnectionKeepsTheParticipantAndAResumeWithItsTokenTakesTheSessionOver() throws Exception {
        String token = join();
        session.connectionClosed(first);
        loop.runPending();
        assertEquals("p1", session.participantId(), "waits for a resume");
        rooms.events.chat(new ChatMessage("p2", "Bob", "while you were away", 7L));
        rooms.events.remoteVideo("1", "p2", true, "hidden", null);
        loop.runPending();

        FakeConnection second = new FakeConnection();
        assertSame(session, resumes.claim("p1", token));
        session.resume(second);
        loop.runPending();

        Message.Resumed resumed = assertInstanceOf(Message.Resumed.class, second.sent.get(0));
        assertEquals("p1", resumed.participantId());
        assertEquals("room1", resumed.room());
        assertNotNull(resumed.resumeToken());
        assertNotEquals(token, resumed.resumeToken(), "a token is good once; the resumed session gets a new one");
        assertEquals("while you were away", second.last(Message.Chat.class).text(), "missed chat is sent");
        assertTrue(second.last(Message.RemoteVideo.class).paused(), "the latest per-mid state is sent again");
        assertEquals(0, rooms.count("leave p1"));

        assertNull(resumes.claim("p1", token), "the used token resumes nothing");
        int before = second.sent.size();
        session.onMessage(first, new Message.Ping());
        assertEquals(before, second.sent.size(), "the old connection no longer speaks for the session");
        session.onMessage(second, new Message.Ping());
        assertInstanceOf(Message.Pong.class, second.sent.get(second.sent.size() - 1));
    }

    @Test
    void aResumeWhileTheOldConnectionIsStillOpenClosesTheOldOne() throws Exception {
        String token = join();
        FakeConnection second = new FakeConnection();
        assertSame(session, resumes.claim("p1", token));
        session.resume(second);
        loop.runPending();
        assertTrue(first.closed, "the old connection is closed without a message");
        assertInstanceOf(Message.Resumed.class, second.sent.get(0));

        session.connectionClosed(first);
        loop.runPending();
        assertEquals("p1", session.participantId(), "the old connection's close changes nothing");
        assertEquals(0, rooms.count("leave p1"));
    }

    @Test
    void theOldConnectionsLateCloseAfterAResumeClaimedTheSessionDoesNotMakeTheParticipantLeave() throws Exception {
        // The race: the new connection claims the token on its own thread while the old one's
        // close is already queued on the session's executor, ahead of the resume.
        String token = join();
        session.connectionClosed(first);
        FakeConnection second = new FakeConnection();
        assertSame(session, resumes.claim("p1", token));
        session.resume(second);
        loop.runPending();

        assertEquals("p1", session.participantId());
        assertEquals(0, rooms.count("leave p1"), "the participant stayed in its room");
        assertInstanceOf(Message.Resumed.class, second.sent.get(0));
    }

    @Test
    void withoutAResumeTheGracePeriodEndsAndTheParticipantLeavesAndItsTokenIsRefused() throws Exception {
        String token = join();
        session.connectionClosed(first);
        loop.runPending();
        loop.advance(GRACE.toMillis() - 1);
        assertEquals(0, rooms.count("leave p1"), "still within the grace period");
        loop.advance(1);
        assertEquals(1, rooms.count("leave p1"), "left when the grace period ran out");
        assertNull(session.participantId());
        assertNull(resumes.claim("p1", token), "an expired token resumes nothing");
    }

    @Test
    void aResumeOfAParticipantThatLeftMeanwhileIsRefusedWithResumeFailed() throws Exception {
        String token = join();
        session.connectionClosed(first);
        loop.runPending();
        assertSame(session, resumes.claim("p1", token));
        rooms.gone = true; // the room removed it (its media connection ended) before the resume attached
        FakeConnection second = new FakeConnection();
        session.resume(second);
        loop.runPending();

        Message.Error e = second.last(Message.Error.class);
        assertEquals(ErrorCode.RESUME_FAILED.name(), e.code());
        assertTrue(e.message().contains("join again"), e.message());
        assertNull(session.participantId());
        assertEquals(1, rooms.count("leave p1"));
    }

    @Test
    void withResumingOffAClosedConnectionLeavesAtOnce() throws Exception {
        ResumeRegistry<ClientSession> off = new ResumeRegistry<>(loop, Duration.ZERO, ClientSession::graceEnded);
        FakeConnection c = new FakeConnection();
        ClientSession s = newSession(c, off);
        s.onMessage(c, new Message.Join("room1", "Ada", null));
        assertNull(c.last(Message.Joined.class).resumeToken(), "no token when resuming is off");
        s.connectionClosed(c);
        loop.runPending();
        assertEquals(1, rooms.count("leave p1"));
        assertNull(s.participantId());
    }

    @Test
    void aConnectionClosedAfterAnErrorLeavesAtOnceWithoutAGracePeriod() throws Exception {
        join();
        session.connectionClosedAfterError(first);
        assertEquals(1, rooms.count("leave p1"));
        assertEquals(0, resumes.size(), "its token is revoked");
        assertFalse(loop.queued() > 0, "no grace timer");
    }
}
