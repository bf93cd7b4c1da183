package dev.sfu.signaling.http;

import com.codahale.metrics.MetricRegistry;
import dev.sfu.core.room.RoomListener;
import dev.sfu.core.room.RoomManager;
import dev.sfu.signaling.admin.AdminConfig;
import dev.sfu.signaling.admin.Operators;
import dev.sfu.signaling.cluster.RoomPlacement;
import dev.sfu.signaling.config.ServerConfig;
import dev.sfu.signaling.ice.IceServersConfig;
import dev.sfu.signaling.limit.RateLimitGate;
import dev.sfu.signaling.tls.ReloadingSslContext;
import dev.sfu.signaling.room.DrainingRoomService;
import dev.sfu.signaling.room.RoomService;
import dev.sfu.signaling.session.ClientSession;
import dev.sfu.signaling.session.ResumeRegistry;
import dev.sfu.signaling.session.TransportFactory;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP server on one port: the web client's files and the signaling WebSocket at
 * {@code /ws}. Pipeline per connection:
 * {@code [TlsDetector -> SslHandler] -> HttpServerCodec -> HttpObjectAggregator
 * -> RateLimitGate (per-address limits) -> WebSocketServerProtocolHandler(/ws) -> WebSocketFrameAggregator -> [operator endpoints]
 * -> WebRtcConfigHandler (/webrtc/config) -> StaticFileHandler (HTTP requests)
 * -> SignalingHandler (frames)}. With TLS the port serves HTTPS and WSS, and answers plain HTTP
 * with a redirect. The operator endpoints ({@link Operators}: /health, /ready, /metrics, /api/*,
 * /dashboard) are present when the server was started with them.
 */
public final class SignalingServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SignalingServer.class);
    /** Netty's own frame limit, above the protocol's, so that big frames reach SignalingHandler. */
    static final int NETTY_MAX_FRAME = 2 * 1024 * 1024;
    /** The signaling WebSocket's path; a query ({@code ?token=}) may follow. */
    static final String WEBSOCKET_PATH = "/ws";

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel server;
    private final RoomService rooms;
    private final DrainingRoomService admission;
    private final Operators operators;

    private SignalingServer(EventLoopGroup boss, EventLoopGroup workers, Channel server, RoomService rooms,
                            DrainingRoomService admission, Operators operators) {
        this.boss = boss;
        this.workers = workers;
        this.server = server;
        this.rooms = rooms;
        this.admission = admission;
        this.operators = operators;
    }

    /** Binds the HTTP port and serves until {@link #close()}. */
    public static SignalingServer start(ServerConfig config, RoomService rooms, TransportFactory transports)
            throws InterruptedException {
        return start(config, rooms, transports, null);
    }

    /**
     * Binds the HTTP port and serves until {@link #close()}; {@code operators} (may be null) adds
     * the operator endpoints and is closed with the server.
     */
    public static SignalingServer start(ServerConfig config, RoomService rooms, TransportFactory transports,
                                        Operators operators) throws InterruptedException {
        return start(config, rooms, transports, operators, null, new WebRtcConfigHandler(IceServersConfig.none()),
                AccessControl.defaults());
    }

    /**
     * Binds the HTTP port and serves until {@link #close()}, with join tokens and rate limits
     * from {@code access} (also for {@code GET /webrtc/config}, without ICE servers); tests.
     */
    public static SignalingServer start(ServerConfig config, RoomService rooms, TransportFactory transports,
                                        Operators operators, AccessControl access) throws InterruptedException {
        return start(config, rooms, transports, operators, null, new WebRtcConfigHandler(IceServersConfig.none(),
                access.configCaller(), java.time.Clock.systemUTC()), access);
    }

    /**
     * Binds the HTTP port and serves until {@link #close()}, with open rooms and the default limits;
     * see {@link #start(ServerConfig, RoomService, TransportFactory, Operators, ReloadingSslContext,
     * WebRtcConfigHandler, AccessControl)}.
     */
    public static SignalingServer start(ServerConfig config, RoomService rooms, TransportFactory transports,
                                        Operators operators, ReloadingSslContext tls, WebRtcConfigHandler webrtc)
            throws InterruptedException {
        return start(config, rooms, transports, operators, tls, webrtc, AccessControl.defaults());
    }

    /**
     * Binds the HTTP port and serves until {@link #close()}; {@code operators} (may be null) adds
     * the operator endpoints and is closed with the server, and its {@code /metrics} counts what
     * {@code access} refused; {@code tls} (may be null) makes the port HTTPS and WSS;
     * {@code webrtc} answers {@code GET /webrtc/config}; {@code access} holds the join tokens and
     * rate limits.
     */
    public static SignalingServer start(ServerConfig config, RoomService rooms, TransportFactory transports,
                                        Operators operators, ReloadingSslContext tls, WebRtcConfigHandler webrtc,
                                        AccessControl access) throws InterruptedException {
        return start(config, rooms, transports, operators, tls, webrtc, access, RoomPlacement.SINGLE_NODE);
    }

    /**
     * As {@link #start(ServerConfig, RoomService, TransportFactory, Operators, ReloadingSslContext,
     * WebRtcConfigHandler, AccessControl)}, with each join's room placed by {@code placement}: a
     * room hosted on another node answers the join with {@code redirect} (cluster mode).
     */
    public static SignalingServer start(ServerConfig config, RoomService rooms, TransportFactory transports,
                                        Operators operators, ReloadingSslContext tls, WebRtcConfigHandler webrtc,
                                        AccessControl access, RoomPlacement placement) throws InterruptedException {
        EventLoopGroup boss = new NioEventLoopGroup(1);
        EventLoopGroup workers = new NioEventLoopGroup();
        StaticFileHandler files = new StaticFileHandler();
        DrainingRoomService admission = new DrainingRoomService(rooms);
        ResumeRegistry<ClientSession> resumes = new ResumeRegistry<>(workers, resumeGrace(config),
                ClientSession::graceEnded);
        try {
            Channel ch = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 256)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            configure(c.pipeline(), config, admission, transports, files, access, resumes, placement);
                            c.pipeline().addBefore("files", "webrtc", webrtc);
                            if (tls != null) {
                                c.pipeline().addFirst("tls-detect", new TlsDetector(tls));
                            }
                            if (operators != null) {
                                c.pipeline().addBefore("files", "admin", operators.handler());
                            }
                        }
                    })
                    .bind(new InetSocketAddress(config.httpBind(), config.httpPort())).sync().channel();
            SignalingServer s = new SignalingServer(boss, workers, ch, rooms, admission, operators);
            String web = tls == null ? "http" : "https";
            String ws = tls == null ? "ws" : "wss";
            LOG.info("serving {}://{}:{}/ and {}://{}:{}/ws", web, config.httpBind(), s.port(), ws, config.httpBind(), s.port());
            if (operators != null) {
                LOG.info("operators: {}://{}:{}/dashboard, /metrics, /api/rooms, /health, /ready", web, config.httpBind(), s.port());
                operators.warnIfUnprotected(config.httpBind());
                operators.accessCounters(access.counters());
            }
            warnIfRoomsOpen(config.httpBind(), access);
            return s;
        } catch (InterruptedException | RuntimeException e) {
            if (operators != null) {
                operators.close();
            }
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Installs the per-connection handlers with open rooms and the default limits (EmbeddedChannel tests). */
    public static void configure(ChannelPipeline p, ServerConfig config, RoomService rooms, TransportFactory transports,
                                 StaticFileHandler files) {
        configure(p, config, rooms, transports, files, AccessControl.defaults());
    }

    /** Installs the per-connection handlers, with a registry of resume tokens of their own (tests). */
    public static void configure(ChannelPipeline p, ServerConfig config, RoomService rooms, TransportFactory transports,
                                 StaticFileHandler files, AccessControl access) {
        configure(p, config, rooms, transports, files, access, new ResumeRegistry<>(GlobalEventExecutor.INSTANCE,
                resumeGrace(config), ClientSession::graceEnded));
    }

    private static Duration resumeGrace(ServerConfig config) {
        return config.resumeGrace() == null ? Duration.ofSeconds(20) : config.resumeGrace();
    }

    /** Installs the per-connection handlers; {@code resumes} is shared by every connection of the server. */
    public static void configure(ChannelPipeline p, ServerConfig config, RoomService rooms, TransportFactory transports,
                                 StaticFileHandler files, AccessControl access, ResumeRegistry<ClientSession> resumes) {
        configure(p, config, rooms, transports, files, access, resumes, RoomPlacement.SINGLE_NODE);
    }

    /** Installs the per-connection handlers, placing each join's room with {@code placement}. */
    public static void configure(ChannelPipeline p, ServerConfig config, RoomService rooms, TransportFactory transports,
                                 StaticFileHandler files, AccessControl access, ResumeRegistry<ClientSession> resumes,
                                 RoomPlacement placement) {
        p.addLast("http", new HttpServerCodec(4096, 8192, 8192));
        p.addLast("aggregator", new HttpObjectAggregator(config.maxRequestBytes()));
        p.addLast("limits", new RateLimitGate(access.limits(), WEBSOCKET_PATH));
        // checkStartsWith: "/ws?token=..." (and "/ws/...") is the WebSocket too, not only "/ws".
        p.addLast("websocket", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(WEBSOCKET_PATH)
                .checkStartsWith(true)
                .maxFramePayloadLength(NETTY_MAX_FRAME)
                .handshakeTimeoutMillis(10_000)
                .dropPongFrames(true)
                .build()));
        p.addLast("frames", new WebSocketFrameAggregator(NETTY_MAX_FRAME));
        p.addLast("files", files);
        p.addLast("signaling", new SignalingHandler(rooms, transports, config.maxMessageBytes(),
                config.offerTimeout() == null ? Duration.ofSeconds(10) : config.offerTimeout(), access, resumes,
                placement));
    }

    /**
     * Without join token keys anyone who reaches the port joins any room: fine on loopback, worth
     * a warning anywhere else.
     */
    private static void warnIfRoomsOpen(String httpBind, AccessControl access) {
        if (access.tokens().required()) {
            LOG.info("join tokens required ({})", access.tokens().describe());
        } else if (!Operators.isLoopback(httpBind)) {
            LOG.warn("Rooms are open to anyone who can reach {}: set SFU_JWT_SECRET (HS256, at least 32 bytes) or "
                    + "sfu.auth.jwt-public-keys (a PEM or JWKS file) to require join tokens; see docs/operations.md.",
                    httpBind);
        }
    }

    /** The bound HTTP port (the real one when the config asked for 0). */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** The room layer this server signals for. */
    public RoomService rooms() {
        return rooms;
    }

    /** The operator endpoints, or null when the server was started without them. */
    public Operators operators() {
        return operators;
    }

    /**
     * Starts draining: readiness ({@code /ready}) turns false so load balancers stop sending new
     * participants, and a join gets the error DRAINING; everyone already in a room stays (and may
     * keep negotiating) until {@link #close()}. Idempotent.
     */
    public void drain() {
        admission.drain();
        if (operators != null) {
            operators.drain();
        } else {
            LOG.info("draining (no operator endpoints to report it)");
        }
    }

    /** Stops accepting, closes every connection and waits for the threads to end. */
    @Override
    public void close() {
        if (operators != null) {
            operators.close();
        }
        server.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
