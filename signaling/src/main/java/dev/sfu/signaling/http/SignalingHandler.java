package dev.sfu.signaling.http;

import dev.sfu.signaling.auth.Grant;
import dev.sfu.signaling.auth.TokenRefused;
import dev.sfu.signaling.cluster.Placement;
import dev.sfu.signaling.cluster.RoomPlacement;
import dev.sfu.signaling.limit.RateLimits;
import dev.sfu.signaling.message.ErrorCode;
import dev.sfu.signaling.message.Message;
import dev.sfu.signaling.message.MessageCodec;
import dev.sfu.signaling.message.SignalingException;
import dev.sfu.signaling.room.RoomService;
import dev.sfu.signaling.session.ClientSession;
import dev.sfu.signaling.session.Connection;
import dev.sfu.signaling.session.ResumeRegistry;
import dev.sfu.signaling.session.TransportFactory;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * The business handler of one WebSocket: checks the frame size (the protocol's 64 KiB, below
 * Netty's own 2 MiB decoder limit, so the client gets FRAME_TOO_LARGE before the close), reads
 * JSON into a {@link Message}, hands it to the connection's {@link ClientSession}, and writes
 * every rejection back as an {@code error} message. Access control happens here too: each
 * message takes a token from the connection's bucket (RATE_LIMITED with {@code retryAfterMs}
 * over it), and a {@code join} needs a valid join token (from {@code ?token=} on the WebSocket
 * URL or the join's {@code token}) when keys are configured, then a token of its room's join
 * bucket. Only FRAME_TOO_LARGE, TRANSPORT_CLOSED and sustained rate limiting close the
 * connection. Tokens are never logged.
 * <p>
 * A {@code resume} as the first message claims a session from the {@link ResumeRegistry} (its
 * token stands for the join that was admitted); from then on this connection's messages go to
 * that session, on that session's executor.
 * <p>
 * An admitted {@code join} first asks the {@link RoomPlacement} where its room lives. Hosted here,
 * the session takes the join; hosted on another node, the client gets a {@code redirect} with that
 * node's URL and the connection is closed normally; undecidable (the cluster's directory is
 * unreachable), it gets CLUSTER_UNAVAILABLE and the connection stays open. While the answer is
 * pending, later messages of this connection wait (at most {@link #MAX_WAITING}) and are handled
 * after the join, in order. A single node's placement is already complete: no wait at all.
 */
public final class SignalingHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger LOG = LoggerFactory.getLogger(SignalingHandler.class);
    /** Messages that may wait behind a join whose placement is pending; more are refused. */
    static final int MAX_WAITING = 32;
    /** The retry hint of CLUSTER_UNAVAILABLE. */
    static final long CLUSTER_RETRY_MS = 1000;

    private final RoomService rooms;
    private final TransportFactory transports;
    private final int maxMessageBytes;
    private final Duration offerTimeout;
    private final AccessControl access;
    private final RateLimits.Messages messages;
    private final ResumeRegistry<ClientSession> resumes;
    private final RoomPlacement placement;
    /** True while a join waits for its room's placement. */
    private boolean placing;
    /** Messages that arrived while {@link #placing}, handled after the join in arrival order. */
    private final ArrayDeque<Message> waiting = new ArrayDeque<>();
    private ClientSession session;
    /** The session this connection created; {@link #session} differs after a resume. */
    private ClientSession own;
    private Channel channel;
    private final Connection connection = new ChannelConnection();
    /** The WebSocket URL's {@code ?token=}, null when none. Never logged. */
    private String urlToken;
    /** Set once the connection is being closed: frames still buffered are dropped. */
    private boolean closing;

    public SignalingHandler(RoomService rooms, TransportFactory transports, int maxMessageBytes, Duration offerTimeout) {
        this(rooms, transports, maxMessageBytes, offerTimeout, AccessControl.defaults());
    }

    /** A handler without resuming: a closed connection leaves at once (tests of the handler alone). */
    public SignalingHandler(RoomService rooms, TransportFactory transports, int maxMessageBytes, Duration offerTimeout,
                            AccessControl access) {
        this(rooms, transports, maxMessageBytes, offerTimeout, access, new ResumeRegistry<>(
                io.netty.util.concurrent.GlobalEventExecutor.INSTANCE, Duration.ZERO, ClientSession::graceEnded));
    }

    public SignalingHandler(RoomService rooms, TransportFactory transports, int maxMessageBytes, Duration offerTimeout,
                            AccessControl access, ResumeRegistry<ClientSession> resumes) {
        this(rooms, transports, maxMessageBytes, offerTimeout, access, resumes, RoomPlacement.SINGLE_NODE);
    }

    /** A handler whose joins go where {@code placement} says their room lives. */
    public SignalingHandler(RoomService rooms, TransportFactory transports, int maxMessageBytes, Duration offerTimeout,
                            AccessControl access, ResumeRegistry<ClientSession> resumes, RoomPlacement placement) {
        this.resumes = resumes;
        this.placement = placement;
        this.rooms = rooms;
        this.transports = transports;
        this.maxMessageBytes = maxMessageBytes;
        this.offerTimeout = offerTimeout;
        this.access = access;
        this.messages = access.limits().messages();
    }

    /** The session of this connection, null before the WebSocket handshake (tests). */
    public ClientSession session() {
        return session;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        own = new ClientSession(rooms, transports, ctx.channel().eventLoop(), connection, offerTimeout, resumes,
                placement::nodeUrls);
        session = own;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hc) {
            QueryStringDecoder uri = new QueryStringDecoder(hc.requestUri());
            List<String> token = uri.parameters().get("token");
            urlToken = token == null || token.isEmpty() ? null : token.get(0);
            LOG.debug("WebSocket open from {} ({}{})", ctx.channel().remoteAddress(), uri.path(),
                    urlToken == null ? "" : ", with a token");
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (closing) {
            return;
        }
        if (frame.content().readableBytes() > maxMessageBytes) {
            sendAndClose(new Message.Error(ErrorCode.FRAME_TOO_LARGE.name(), "The frame has "
                    + frame.content().readableBytes() + " bytes; messages must be at most " + maxMessageBytes
                    + " bytes. The connection is closed."));
            return;
        }
        long wait = messages.tryTake();
        if (wait > 0) {
            if (messages.abusive()) {
                access.counters().closedForAbuse();
                LOG.info("closing the WebSocket of {} ({}): it kept sending while rate limited",
                        session.participantId(), ctx.channel().remoteAddress());
                sendAndClose(new Message.Error(ErrorCode.RATE_LIMITED.name(), "Too many messages: this connection"
                        + " kept sending while rate limited and is closed. Send fewer messages, and wait retryAfterMs"
                        + " after a RATE_LIMITED error.", wait));
            } else {
                send(new Message.Error(ErrorCode.RATE_LIMITED.name(), "Too many messages on this connection; this"
                        + " one was dropped. Wait " + wait + " ms before sending again.", wait));
            }
            return;
        }
        if (frame instanceof BinaryWebSocketFrame) {
            send(new Message.Error(ErrorCode.UNSUPPORTED_FRAME.name(), "Binary frames are not used; send JSON text frames."));
            return;
        }
        if (!(frame instanceof TextWebSocketFrame text)) {
            return;
        }
        String json = text.content().toString(StandardCharsets.UTF_8);
        Message m;
        try {
            m = MessageCodec.decode(json);
        } catch (SignalingException e) {
            send(e.toMessage());
            return;
        }
        if (placing) {
            if (waiting.size() >= MAX_WAITING) {
                send(new Message.Error(ErrorCode.RATE_LIMITED.name(), "Too many messages while the join is being"
                        + " placed; this one was dropped. Wait for 'joined' before sending more.", CLUSTER_RETRY_MS));
                return;
            }
            waiting.add(m);
            return;
        }
        dispatch(m);
    }

    /** Hands one decoded message on: resume, join (through placement), or the session. */
    private void dispatch(Message m) {
        if (m instanceof Message.Resume r && session == own && own.participantId() == null) {
            resume(r);
            return;
        }
        ClientSession s = session;
        // A join is checked here (token, room's join rate) whenever the session may take it: this
        // connection's own before it joined, or a session it resumed (which may have left since).
        if (m instanceof Message.Join j && (s != own || own.participantId() == null)) {
            Grant g = admitJoin(j);
            if (g == null) {
                return;
            }
            placing = true;
            java.util.concurrent.CompletionStage<Placement> stage;
            try {
                stage = placement.place(j.room());
            } catch (RuntimeException e) {
                stage = java.util.concurrent.CompletableFuture.failedFuture(e);
            }
            stage.whenComplete((where, failure) -> {
                if (channel.eventLoop().inEventLoop()) {
                    placed(s, j, g, where, failure);
                } else {
                    channel.eventLoop().execute(() -> placed(s, j, g, where, failure));
                }
            });
            return;
        }
        s.execute(() -> handle(s, m));
    }

    /**
     * The placement of {@code j}'s room is known (on the channel's event loop): join here, redirect,
     * or say the cluster is unavailable; then the messages that waited, in order.
     */
    private void placed(ClientSession s, Message.Join j, Grant g, Placement where, Throwable failure) {
        placing = false;
        if (closing || !channel.isActive()) {
            waiting.clear();
            return;
        }
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof SignalingException e) {
                LOG.info("join to room {} from {}: placement refused: {} {}", j.room(), channel.remoteAddress(),
                        e.code(), e.getMessage());
                send(new Message.Error(e.code().name(), e.getMessage(),
                        e.code() == ErrorCode.CLUSTER_UNAVAILABLE ? CLUSTER_RETRY_MS : null));
            } else {
                // Not the placement's own refusal: a bug or an unexpected failure; its details stay in the log.
                LOG.warn("join to room {} from {}: placement failed", j.room(), channel.remoteAddress(), cause);
                send(new Message.Error(ErrorCode.CLUSTER_UNAVAILABLE.name(), "This node cannot tell where room '"
                        + j.room() + "' is hosted right now (" + cause.getClass().getSimpleName()
                        + "); join again in a moment.", CLUSTER_RETRY_MS));
            }
        } else if (where == null || where.local()) {
            s.execute(() -> {
                if (s.participantId() == null) {
                    s.grant(g);
                }
                joinHere(s, j);
            });
        } else {
            LOG.debug("join to room {} from {} redirected to node {}", j.room(), channel.remoteAddress(), where.nodeId());
            waiting.clear();
            redirect(new Message.Redirect(j.room(), where.url(), where.nodeId()));
            return;
        }
        while (!placing && !closing && !waiting.isEmpty()) {
            dispatch(waiting.poll());
        }
    }

    /**
     * A join placed here. When the room layer answers ROOM_FULL (joins raced past the placement's
     * check), a cluster's placement may still send it to another node hosting the room
     * ({@link RoomPlacement#full}): the client is redirected there instead.
     */
    private void joinHere(ClientSession s, Message.Join j) {
        try {
            s.onMessage(connection, j);
        } catch (SignalingException e) {
            if (e.code() != ErrorCode.ROOM_FULL) {
                LOG.debug("rejected {}: {} {}", s.participantId(), e.code(), e.getMessage());
                send(e.toMessage());
                return;
            }
            java.util.concurrent.CompletionStage<Placement> other;
            try {
                other = placement.full(j.room());
            } catch (RuntimeException x) {
                other = java.util.concurrent.CompletableFuture.failedFuture(x);
            }
            other.whenComplete((where, err) -> channel.eventLoop().execute(() -> {
                if (err == null && where != null && !where.local()) {
                    LOG.debug("join to full room {} from {} sent to node {}", j.room(), channel.remoteAddress(),
                            where.nodeId());
                    waiting.clear();
                    redirect(new Message.Redirect(j.room(), where.url(), where.nodeId()));
                } else {
                    send(e.toMessage());
                }
            }));
        } catch (RuntimeException e) {
            LOG.error("failed to handle a message of {}", s.participantId(), e);
            send(new Message.Error(ErrorCode.INTERNAL.name(), "The server failed to handle the message ("
                    + e.getClass().getSimpleName() + "); this is a server bug."));
        }
    }

    private void handle(ClientSession s, Message m) {
        try {
            s.onMessage(connection, m);
        } catch (SignalingException e) {
            LOG.debug("rejected {}: {} {}", s.participantId(), e.code(), e.getMessage());
            send(e.toMessage());
        } catch (RuntimeException e) {
            LOG.error("failed to handle a message of {}", s.participantId(), e);
            send(new Message.Error(ErrorCode.INTERNAL.name(), "The server failed to handle the message ("
                    + e.getClass().getSimpleName() + "); this is a server bug."));
        }
    }

    /** Takes over the session the token was issued for, or says why not (the client then joins). */
    private void resume(Message.Resume r) {
        ClientSession target = resumes.claim(r.participantId(), r.resumeToken());
        if (target == null) {
            LOG.debug("resume of {} refused", r.participantId());
            send(new Message.Error(ErrorCode.RESUME_FAILED.name(), "The resume token is unknown, already used or "
                    + "expired (the grace period is " + resumes.grace().toSeconds() + " s), or belongs to another "
                    + "participant; join the room again."));
            return;
        }
        session = target;
        target.resume(connection);
    }

    /**
     * Checks a join before the session sees it: its token (when keys are configured), then its
     * room's join rate. Sends the refusal and returns null when it may not go on, else the grant.
     */
    private Grant admitJoin(Message.Join j) {
        Grant grant;
        try {
            grant = access.tokens().verify(j.token() != null ? j.token() : urlToken, j.room());
        } catch (TokenRefused e) {
            access.counters().refused(e.reason());
            LOG.info("join to room {} from {} refused: {}", j.room(), channel.remoteAddress(), e.reason());
            send(e.toSignaling().toMessage());
            return null;
        }
        long wait = access.limits().tryJoin(j.room());
        if (wait > 0) {
            send(new Message.Error(ErrorCode.RATE_LIMITED.name(), "Too many joins to room '" + j.room()
                    + "' right now; join again in " + wait + " ms.", wait));
            return null;
        }
        return grant;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        session.connectionClosed(connection);
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("closing WebSocket of {}: {}", session == null ? null : session.participantId(), cause.toString());
        ctx.close();
    }

    private void send(Message m) {
        if (channel.isActive()) {
            channel.writeAndFlush(new TextWebSocketFrame(MessageCodec.encode(m)));
        }
    }

    /** Sends the redirect and closes the WebSocket normally (1000): the client continues on the other node. */
    private void redirect(Message.Redirect r) {
        if (!channel.isActive() || closing) {
            return;
        }
        closing = true;
        channel.write(new TextWebSocketFrame(MessageCodec.encode(r)));
        channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void sendAndClose(Message.Error e) {
        if (!channel.isActive() || closing) {
            return;
        }
        closing = true;
        ClientSession s = session;
        s.execute(() -> s.connectionClosedAfterError(connection));
        WebSocketCloseStatus status = ErrorCode.FRAME_TOO_LARGE.name().equals(e.code()) ? WebSocketCloseStatus.MESSAGE_TOO_BIG
                : ErrorCode.RATE_LIMITED.name().equals(e.code()) ? WebSocketCloseStatus.POLICY_VIOLATION
                : WebSocketCloseStatus.NORMAL_CLOSURE;
        channel.write(new TextWebSocketFrame(MessageCodec.encode(e)));
        channel.writeAndFlush(new CloseWebSocketFrame(status)).addListener(ChannelFutureListener.CLOSE);
    }

    /** This channel as a session's {@link Connection}. */
    private final class ChannelConnection implements Connection {
        @Override
        public void send(Message m) {
            SignalingHandler.this.send(m);
        }

        @Override
        public void sendAndClose(Message.Error e) {
            SignalingHandler.this.sendAndClose(e);
        }

        @Override
        public void close() {
            channel.close();
        }
    }
}
