package dev.sfu.signaling.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sfu.signaling.cluster.Placement;
import dev.sfu.signaling.cluster.RoomPlacement;
import dev.sfu.signaling.message.ErrorCode;
import dev.sfu.signaling.message.SignalingException;
import dev.sfu.signaling.room.JoinResult;
import dev.sfu.signaling.room.RoomService;
import dev.sfu.signaling.session.ClientSession;
import dev.sfu.signaling.session.ResumeRegistry;
import dev.sfu.signaling.session.TransportFactory;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SignalingHandler} alone on an {@link EmbeddedChannel} (no sockets, no server): frames in,
 * frames out, against a recording room service. What it owns: the frame size limit, binary frames,
 * JSON errors as error messages on a connection that stays open, a server bug reported as
 * INTERNAL, leaving the room when the connection ends, and asking the room's placement before a
 * join (redirect, CLUSTER_UNAVAILABLE, order kept while it is pending). The session's own rules are
 * ClientSession's; the whole server is SignalingServerTest.
 */
class SignalingHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BYTES = 1024;

    /** Calls the handler made on the room service, as "method arg0". */
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile RuntimeException failTrackState;
    private EmbeddedChannel ch;
    private RoomService rooms;
    private TransportFactory transports;
    /** The placement the next {@link #withPlacement} handler asks: room -> its answer (absent: here). */
    private final Map<String, CompletableFuture<Placement>> placements = new ConcurrentHashMap<>();
    private final RoomPlacement fakePlacement = new RoomPlacement() {
        @Override
        public CompletionStage<Placement> place(String room) {
            return placements.getOrDefault(room, CompletableFuture.completedFuture(Placement.here("node-a")));
        }

        @Override
        public void roomClosed(String room) {
        }
    };

    @BeforeEach
    void open() {
        rooms = (RoomService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RoomService.class}, (proxy, method, args) -> {
                    calls.add(method.getName() + (args == null ? "" : " " + args[0]));
                    if (method.getName().equals("join")) {
                        return new JoinResult("p1", (String) args[0], List.of(), List.of());
                    }
                    if (method.getName().equals("trackState") && failTrackState != null) {
                        throw failTrackState;
                    }
                    return null;
                });
        transports = (TransportFactory) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {TransportFactory.class}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException("no media in these tests");
                });
        ch = new EmbeddedChannel(new SignalingHandler(rooms, transports, MAX_BYTES, Duration.ofSeconds(10)));
    }

    @AfterEach
    void close() {
        ch.finishAndReleaseAll();
    }

    /** Replaces the channel with one whose handler asks {@link #fakePlacement}. */
    private void withPlacement() {
        ch.finishAndReleaseAll();
        ch = new EmbeddedChannel(new SignalingHandler(rooms, transports, MAX_BYTES, Duration.ofSeconds(10),
                AccessControl.defaults(), new ResumeRegistry<ClientSession>(
                        io.netty.util.concurrent.GlobalEventExecutor.INSTANCE, Duration.ZERO,
                        ClientSession::graceEnded), fakePlacement));
    }

    private void sendText(String json) {
        ch.writeInbound(new TextWebSocketFrame(json));
    }

    /** The next message the handler wrote, parsed; null if none. */
    private JsonNode next() throws Exception {
        Object out = ch.readOutbound();
        if (out == null) {
            return null;
        }
        try {
            TextWebSocketFrame f = assertInstanceOf(TextWebSocketFrame.class, out);
            return JSON.readTree(f.text());
        } finally {
            ReferenceCountUtil.release(out);
        }
    }

    private void assertError(String code) throws Exception {
        JsonNode m = next();
        assertEquals("error", m.get("type").asText(), m.toString());
        assertEquals(code, m.get("code").asText(), m.toString());
        assertFalse(m.get("message").asText().isBlank(), "a sentence for the user");
    }

    @Test
    void pingIsAnsweredWithPong() throws Exception {
        sendText("{\"type\":\"ping\"}");
        assertEquals("pong", next().get("type").asText());
        assertNull(next());
    }

    @Test
    void badJsonAndMessagesOutOfOrderAreErrorsOnAConnectionThatStaysOpen() throws Exception {
        sendText("{\"type\":");
        assertError("BAD_JSON");
        sendText("{\"type\":\"dance\"}");
        assertError("UNKNOWN_TYPE");
        sendText("{\"type\":\"offer\",\"sdp\":\"v=0\"}");
        assertError("NOT_JOINED");
        assertTrue(ch.isActive());
        sendText("{\"type\":\"ping\"}");
        assertEquals("pong", next().get("type").asText(), "still answering");
    }

    @Test
    void binaryFramesAreRefusedWithoutClosing() throws Exception {
        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
        assertError("UNSUPPORTED_FRAME");
        assertTrue(ch.isActive());
    }

    @Test
    void aFrameOverTheLimitIsAnsweredThenClosedWith1009AndLeavesTheRoom() throws Exception {
        sendText("{\"type\":\"join\",\"room\":\"r\",\"name\":\"Ada\"}");
        JsonNode joined = next();
        assertEquals("joined", joined.get("type").asText());
        assertEquals("p1", joined.get("participantId").asText());
        String big = "{\"type\":\"ping\",\"pad\":\"" + "x".repeat(MAX_BYTES) + "\"}";
        assertTrue(big.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES);
        sendText(big);
        assertError("FRAME_TOO_LARGE");
        Object close = ch.readOutbound();
        try {
            CloseWebSocketFrame f = assertInstanceOf(CloseWebSocketFrame.class, close);
            assertEquals(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), f.statusCode());
        } finally {
            ReferenceCountUtil.release(close);
        }
        ch.runPendingTasks();
        assertFalse(ch.isActive(), "the connection is closed");
        assertTrue(calls.contains("leave p1"), "the participant left its room: " + calls);
    }

    @Test
    void aServerBugIsReportedAsInternalAndTheConnectionStaysOpen() throws Exception {
        sendText("{\"type\":\"join\",\"room\":\"r\",\"name\":\"Ada\"}");
        assertEquals("joined", next().get("type").asText());
        failTrackState = new IllegalStateException("boom");
        sendText("{\"type\":\"trackState\",\"audioMuted\":true,\"videoMuted\":false}");
        JsonNode m = next();
        assertEquals("INTERNAL", m.get("code").asText(), m.toString());
        assertTrue(m.get("message").asText().contains("IllegalStateException"), m.toString());
        assertTrue(ch.isActive());
    }

    @Test
    void theConnectionEndingLeavesTheRoom() throws Exception {
        sendText("{\"type\":\"join\",\"room\":\"blue\",\"name\":\"Ada\"}");
        assertEquals("joined", next().get("type").asText());
        assertEquals("join blue", calls.get(0));
        ch.close().sync();
        assertTrue(calls.contains("leave p1"), "left on close: " + calls);
    }

    @Test
    void aJoinForARoomHostedOnAnotherNodeIsRedirectedThereAndTheConnectionClosedNormally() throws Exception {
        placements.put("blue", CompletableFuture.completedFuture(new Placement("node-b", "ws://10.0.0.2:8080/ws")));
        withPlacement();
        sendText("{\"type\":\"join\",\"room\":\"blue\",\"name\":\"Ada\"}");
        JsonNode m = next();
        assertEquals("redirect", m.get("type").asText(), m.toString());
        assertEquals("blue", m.get("room").asText());
        assertEquals("ws://10.0.0.2:8080/ws", m.get("url").asText());
        assertEquals("node-b", m.get("nodeId").asText());
        Object close = ch.readOutbound();
        try {
            CloseWebSocketFrame f = assertInstanceOf(CloseWebSocketFrame.class, close);
            assertEquals(WebSocketCloseStatus.NORMAL_CLOSURE.code(), f.statusCode());
        } finally {
            ReferenceCountUtil.release(close);
        }
        ch.runPendingTasks();
        assertFalse(ch.isActive(), "closed after the redirect");
        assertFalse(calls.stream().anyMatch(c -> c.startsWith("join")), "this node joined nobody: " + calls);
    }

    @Test
    void aJoinForARoomHostedHereIsJoinedAtOnce() throws Exception {
        withPlacement();
        sendText("{\"type\":\"join\",\"room\":\"green\",\"name\":\"Ada\"}");
        assertEquals("joined", next().get("type").asText(), "no wait for a completed placement");
        assertEquals("join green", calls.get(0));
    }

    @Test
    void anUnreachableClusterIsClusterUnavailableAndTheConnectionStaysOpenForALaterJoin() throws Exception {
        placements.put("blue", CompletableFuture.failedFuture(new SignalingException(ErrorCode.CLUSTER_UNAVAILABLE,
                "The cluster directory (Redis) cannot be reached; join again in a moment.")));
        withPlacement();
        sendText("{\"type\":\"join\",\"room\":\"blue\",\"name\":\"Ada\"}");
        JsonNode m = next();
        assertEquals("CLUSTER_UNAVAILABLE", m.get("code").asText(), m.toString());
        assertTrue(m.get("message").asText().contains("Redis"), "the placement's own sentence: " + m);
        assertEquals(SignalingHandler.CLUSTER_RETRY_MS, m.get("retryAfterMs").asLong());
        assertTrue(ch.isActive());
        assertTrue(calls.isEmpty(), "nobody joined: " + calls);
        placements.remove("blue");
        sendText("{\"type\":\"join\",\"room\":\"blue\",\"name\":\"Ada\"}");
        assertEquals("joined", next().get("type").asText());
        assertEquals("join blue", calls.get(0));
    }

    @Test
    void anUnexpectedPlacementFailureIsClusterUnavailableWithoutItsDetails() throws Exception {
        placements.put("blue", CompletableFuture.failedFuture(new IllegalStateException("redis://10.1.2.3:6379 down")));
        withPlacement();
        sendText("{\"type\":\"join\",\"room\":\"blue\",\"name\":\"Ada\"}");
        JsonNode m = next();
        assertEquals("CLUSTER_UNAVAILABLE", m.get("code").asText(), m.toString());
        assertFalse(m.get("message").asText().contains("10.1.2.3"), "internal details stay in the log: " + m);
        assertTrue(ch.isActive());
    }

    @Test
    void messagesSentWhilePlacementIsPendingAreHandledAfterTheJoinInOrder() throws Exception {
        CompletableFuture<Placement> pending = new CompletableFuture<>();
        placements.put("blue", pending);
        withPlacement();
        sendText("{\"type\":\"join\",\"room\":\"blue\",\"name\":\"Ada\"}");
        sendText("{\"type\":\"trackState\",\"audioMuted\":true,\"videoMuted\":false}");
        sendText("{\"type\":\"ping\"}");
        assertNull(next(), "nothing answered before the placement");
        assertTrue(calls.isEmpty(), "nothing reached the room before the join: " + calls);
        // Completed from another thread, as a Redis client would: the handler hops to the channel's loop.
        Thread t = new Thread(() -> pending.complete(Placement.here("node-a")));
        t.start();
        t.join();
        ch.runPendingTasks();
        assertEquals("joined", next().get("type").asText());
        assertEquals("pong", next().get("type").asText());
        assertEquals(List.of("join blue", "trackState p1"), calls.subList(0, 2), "join first, then the rest in order");
    }

    @Test
    void messagesBehindARedirectedJoinAreDropped() throws Exception {
        CompletableFuture<Placement> pending = new CompletableFuture<>();
        placements.put("blue", pending);
        withPlacement();
        sendText("{\"type\":\"join\",\"room\":\"blue\",\"name\":\"Ada\"}");
        sendText("{\"type\":\"ping\"}");
        pending.complete(new Placement("node-b", "ws://10.0.0.2:8080/ws"));
        ch.runPendingTasks();
        assertEquals("redirect", next().get("type").asText());
        ReferenceCountUtil.release(ch.readOutbound());
        assertNull(next(), "no pong after the redirect");
        assertTrue(calls.isEmpty(), calls.toString());
    }

    @Test
    void aRedirectSentByAClientIsUnknownType() throws Exception {
        withPlacement();
        sendText("{\"type\":\"redirect\",\"room\":\"blue\",\"url\":\"ws://x/ws\",\"nodeId\":\"n\"}");
        assertError("UNKNOWN_TYPE");
        assertTrue(ch.isActive());
    }
}
