package dev.sfu.signaling;

import com.codahale.metrics.MetricRegistry;
import dev.sfu.core.room.ForwardingWarmUp;
import dev.sfu.core.transport.TransportConfig;
import dev.sfu.core.transport.TransportServer;
import dev.sfu.signaling.admin.AdminConfig;
import dev.sfu.signaling.admin.Operators;
import dev.sfu.core.relay.RelayManager;
import dev.sfu.signaling.cluster.ClusterConfig;
import dev.sfu.signaling.cluster.ClusterNode;
import dev.sfu.signaling.cluster.ClusterView;
import dev.sfu.signaling.cluster.LocalNode;
import dev.sfu.signaling.cluster.NodeIds;
import dev.sfu.signaling.cluster.RoomPlacement;
import dev.sfu.signaling.config.ServerConfig;
import dev.sfu.signaling.http.AccessControl;
import dev.sfu.signaling.http.SignalingServer;
import dev.sfu.signaling.http.WebRtcConfigHandler;
import dev.sfu.signaling.ice.IceServersConfig;
import dev.sfu.signaling.tls.ReloadingSslContext;
import dev.sfu.signaling.room.SfuRoomService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One SFU node: the UDP media port ({@link TransportServer}), the rooms and forwarding
 * ({@link SfuRoomService}) and the HTTP/WebSocket port ({@link SignalingServer}), started in that
 * order and closed in the reverse one.
 */
public final class Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);

    private final TransportServer media;
    private final SfuRoomService rooms;
    private final SignalingServer signaling;
    private final MetricRegistry metrics;
    private final LocalNode node;
    /** Cluster mode's node, null on a single node. */
    private final ClusterNode cluster;
    private final RoomPlacement placement;
    /** The relays of rooms spanning nodes (cluster mode), null on a single node. */
    private final RelayManager relays;

    private Server(TransportServer media, SfuRoomService rooms, SignalingServer signaling, MetricRegistry metrics,
                   LocalNode node, ClusterNode cluster, RoomPlacement placement, RelayManager relays) {
        this.relays = relays;
        this.media = media;
        this.rooms = rooms;
        this.signaling = signaling;
        this.metrics = metrics;
        this.node = node;
        this.cluster = cluster;
        this.placement = placement;
    }

    /**
     * Binds the media port and the HTTP port.
     *
     * @throws IOException when the media port cannot be bound
     */
    /** The forwarding warm-up stops after this long even if its packets are not all sent. */
    private static final long WARM_UP_BUDGET_MILLIS = 10_000;

    public static Server start(ServerConfig config) throws IOException, InterruptedException {
        return start(config, AdminConfig.open());
    }

    /**
     * Binds the media port and the HTTP port, with the operator endpoints (/metrics, /api,
     * /dashboard, /health, /ready) over the same rooms and metric registry.
     *
     * @throws IOException when the media port cannot be bound
     */
    public static Server start(ServerConfig config, AdminConfig admin) throws IOException, InterruptedException {
        return start(config, admin, null, IceServersConfig.none(), AccessControl.defaults());
    }

    /**
     * Binds the media port and the HTTP port, with the operator endpoints, {@code GET /webrtc/config}
     * from {@code ice}, and HTTPS/WSS when {@code tls} is not null; rooms open, default limits.
     *
     * @throws IOException when the media port cannot be bound
     */
    public static Server start(ServerConfig config, AdminConfig admin, ReloadingSslContext tls, IceServersConfig ice)
            throws IOException, InterruptedException {
        return start(config, admin, tls, ice, AccessControl.defaults());
    }

    /**
     * As {@link #start(ServerConfig, AdminConfig, ReloadingSslContext, IceServersConfig)}, with join
     * tokens and rate limits from {@code access}; with token keys {@code GET /webrtc/config} needs
     * {@code Authorization: Bearer <join token>} too.
     *
     * @throws IOException when the media port cannot be bound
     */
    public static Server start(ServerConfig config, AdminConfig admin, ReloadingSslContext tls, IceServersConfig ice,
                               AccessControl access)
            throws IOException, InterruptedException {
        return start(config, admin, tls, ice, access, ClusterConfig.off(), null);
    }

    /**
     * As {@link #start(ServerConfig, AdminConfig, ReloadingSslContext, IceServersConfig, AccessControl)},
     * with each join's room placed by {@code placement} (cluster mode: a room hosted by another node
     * answers the join with {@code redirect}); tests place rooms with their own placement this way.
     *
     * @throws IOException when the media port cannot be bound
     */
    public static Server start(ServerConfig config, AdminConfig admin, ReloadingSslContext tls, IceServersConfig ice,
                               AccessControl access, RoomPlacement placement)
            throws IOException, InterruptedException {
        return start(config, admin, tls, ice, access, ClusterConfig.off(), placement);
    }

    /**
     * As {@link #start(ServerConfig, AdminConfig, ReloadingSslContext, IceServersConfig, AccessControl)}, and in
     * cluster mode (when {@code clusterConfig} names a Redis) registered in that Redis, with rooms placed
     * through it. Without a Redis URL, Redis is never contacted.
     *
     * @throws IOException           when the media port cannot be bound
     * @throws IllegalStateException when Redis cannot be reached
     */
    public static Server start(ServerConfig config, AdminConfig admin, ReloadingSslContext tls, IceServersConfig ice,
                               AccessControl access, ClusterConfig clusterConfig)
            throws IOException, InterruptedException {
        return start(config, admin, tls, ice, access, clusterConfig, null);
    }

    /** The server, its rooms placed by {@code placementOverride} when not null, else by cluster mode or this node alone. */
    private static Server start(ServerConfig config, AdminConfig admin, ReloadingSslContext tls, IceServersConfig ice,
                                AccessControl access, ClusterConfig clusterConfig, RoomPlacement placementOverride)
            throws IOException, InterruptedException {
        if (config.warmUpPackets() > 0) {
            ForwardingWarmUp.once(config.warmUpPackets(), WARM_UP_BUDGET_MILLIS);
        }
        TransportServer media = TransportServer.start(transportConfig(config));
        MetricRegistry metrics = new MetricRegistry();
        SfuRoomService rooms = SfuRoomService.over(media, config.maxParticipants(), metrics, config.congestionControl());
        rooms.rooms().scheduler().configure(config.tileSizeFactor(), config.dynacast(), config.lastN());
        Operators operators = null;
        ClusterNode cluster = null;
        RelayManager relays = null;
        try {
            Operators ops = Operators.start(rooms.rooms(), metrics, admin);
            operators = ops;
            String nodeId = clusterConfig.nodeId().isEmpty() ? NodeIds.defaultId(config.httpPort()) : clusterConfig.nodeId();
            LocalNode node = new LocalNode(nodeId, clusterConfig.region(), mediaAddress(config, media.localAddress().getPort()),
                    clusterConfig.maxParticipants(), null, () -> load(ops, rooms));
            if (clusterConfig.enabled()) {
                cluster = ClusterNode.connect(clusterConfig, node, id -> rooms.rooms().room(id) != null);
                rooms.onRoomClosed(cluster::roomClosed);
                relays = new RelayManager(nodeId, media, rooms.rooms(), cluster.relaySignals());
                cluster.span(relays, config.maxParticipants(), id -> {
                    var r = rooms.rooms().room(id);
                    return r == null ? 0 : r.localSize();
                });
                rooms.onLocalParticipants(cluster::localJoined, cluster::localLeft);
                rooms.onChat(cluster::chat);
                cluster.relaySignals().registerChat(nodeId, rooms::remoteChat);
                RelayManager relayManager = relays;
                ops.cluster(nodeId, cluster::view);
                ops.relays(relayManager::stats);
            } else {
                ops.cluster(nodeId, () -> ClusterView.single(node.record(System.currentTimeMillis(), List.of())));
            }
            RoomPlacement placement = placementOverride != null ? placementOverride
                    : cluster != null ? cluster : RoomPlacement.SINGLE_NODE;
            SignalingServer signaling = SignalingServer.start(config, rooms, rooms, operators, tls,
                    new WebRtcConfigHandler(ice, access.configCaller(), Clock.systemUTC()), access, placement);
            node.url(clusterConfig.publicUrlFor(config.httpBind(),
                    config.advertiseAddresses().isEmpty() ? null : config.advertiseAddresses().get(0),
                    signaling.port(), tls != null));
            Server server = new Server(media, rooms, signaling, metrics, node, cluster, placement, relays);
            if (cluster != null) {
                register(cluster, clusterConfig);
            }
            return server;
        } catch (InterruptedException | RuntimeException e) {
            if (relays != null) {
                relays.close();
            }
            if (cluster != null) {
                cluster.close();
            }
            if (operators != null) {
                operators.close();
            }
            rooms.close();
            media.close();
            throw e;
        }
    }

    /**
     * The transport settings from the server's: the media bind address and port; advertised
     * addresses other than the bound one are announced as mapped (server-reflexive) candidates.
     */
    static TransportConfig transportConfig(ServerConfig config) throws IOException {
        InetAddress bind = InetAddress.getByName(config.mediaBind());
        List<InetAddress> advertised = new ArrayList<>();
        for (String a : config.advertiseAddresses()) {
            InetAddress address = InetAddress.getByName(a);
            if (!address.equals(bind) && !advertised.contains(address)) {
                advertised.add(address);
            }
        }
        return TransportConfig.defaults().withBindAddress(bind).withPort(config.mediaPort())
                .withAdvertisedAddresses(advertised).withMediaThreads(config.mediaThreads());
    }

    /** Waits for the node's first registration, so that the others see it before its port takes joins. */
    private static void register(ClusterNode cluster, ClusterConfig config) throws InterruptedException {
        try {
            cluster.start().toCompletableFuture().get(3 * config.commandTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("the first registration in Redis did not finish in time; it is retried every {}",
                    config.refreshInterval());
        }
    }

    /** This node's load for the cluster, from the latest statistics (at most a second old). */
    private static LocalNode.Load load(Operators ops, SfuRoomService rooms) {
        var s = ops.latest();
        List<String> ids = new ArrayList<>();
        for (var r : rooms.rooms().rooms()) {
            ids.add(r.id());
        }
        return new LocalNode.Load(rooms.rooms().participantCount(), s.trackCount(), s.bitrateIn() + s.bitrateOut(),
                s.process().processCpuLoad(), !ops.isReady(), ids);
    }

    /** The media address other nodes and operators see: the first advertised address (or the bind one) and the port. */
    private static String mediaAddress(ServerConfig config, int boundPort) {
        String host = config.advertiseAddresses().isEmpty() ? config.mediaBind() : config.advertiseAddresses().get(0);
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + boundPort;
    }

    /** Where rooms are placed: cluster mode's node, or this node alone. */
    public RoomPlacement placement() {
        return placement;
    }

    /** The relays of rooms spanning nodes (cluster mode), null on a single node. */
    public RelayManager relays() {
        return relays;
    }

    /** Cluster mode's node, null on a single node. */
    public ClusterNode cluster() {
        return cluster;
    }

    /** This node's id (the node label of /metrics). */
    public String nodeId() {
        return node.id();
    }

    public int httpPort() {
        return signaling.port();
    }

    public TransportServer media() {
        return media;
    }

    public SfuRoomService rooms() {
        return rooms;
    }

    public MetricRegistry metrics() {
        return metrics;
    }

    /** Readiness turns false ({@code /ready} answers 503) and joins get DRAINING; calls in progress go on. */
    public void drain() {
        signaling.drain();
    }

    /** Stops accepting connections, removes every participant, then closes the media port. */
    @Override
    public void close() {
        try {
            signaling.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the HTTP server failed", e);
        }
        if (relays != null) {
            // Before the rooms: the far nodes hear that the relays close, and their remote participants leave.
            relays.close();
        }
        rooms.close();
        media.close();
        if (cluster != null) {
            cluster.close();
        }
    }
}
