package dev.sfu.signaling.admin;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sfu.core.metrics.ServerMetrics;
import dev.sfu.core.metrics.StatsCollector;
import dev.sfu.core.metrics.StatsSnapshot;
import dev.sfu.core.room.RoomManager;
import dev.sfu.signaling.cluster.ClusterView;
import dev.sfu.signaling.cluster.NodeIds;
import dev.sfu.signaling.cluster.NodeRecord;
import dev.sfu.signaling.limit.AccessCounters;
import io.netty.channel.ChannelHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What operators see: collects a {@link StatsSnapshot} once per second on its own thread, pushes
 * it to dashboards, answers the REST, Prometheus, health and readiness endpoints through
 * {@link #handler()}, and holds the readiness flag that {@link #drain()} turns off.
 *
 * <pre>
 * Operators ops = Operators.start(roomManager, registry, AdminConfig.from(config));
 * pipeline.addBefore("files", "admin", ops.handler());
 * </pre>
 */
public final class Operators implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Operators.class);
    private static final long SECOND = 1_000_000_000L;
    /** Collect just after a second ends, so the meters' last complete second is the one that just ended. */
    private static final long AFTER_BOUNDARY = 20_000_000L;

    private final StatsCollector collector;
    private final AdminConfig config;
    private final SseHub hub;
    private final AdminHandler handler;
    private final ScheduledExecutorService timer;
    private volatile boolean draining;
    private volatile AccessCounters access;
    private volatile String nodeId = NodeIds.defaultId(0);
    private volatile Supplier<ClusterView> cluster;
    private volatile Supplier<List<dev.sfu.core.relay.RelayStats>> relays = List::of;

    private Operators(StatsCollector collector, AdminConfig config) {
        this.collector = collector;
        this.config = config;
        ObjectMapper json = new ObjectMapper();
        this.hub = new SseHub(json);
        this.handler = new AdminHandler(this, json, config.token());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sfu-stats");
            t.setDaemon(true);
            return t;
        });
    }

    /** Registers the server-wide series for {@code rooms} and starts collecting every second. */
    public static Operators start(RoomManager rooms, MetricRegistry registry, AdminConfig config) {
        return start(new StatsCollector(rooms, new ServerMetrics(registry, rooms)), config);
    }

    /** Starts collecting with an existing collector (its clock must be the rooms' clock). */
    public static Operators start(StatsCollector collector, AdminConfig config) {
        Operators o = new Operators(collector, config);
        o.tick();
        long delay = SECOND - Math.floorMod(System.nanoTime(), SECOND) + AFTER_BOUNDARY;
        o.timer.scheduleAtFixedRate(o::tick, delay, SECOND, TimeUnit.NANOSECONDS);
        return o;
    }

    private void tick() {
        try {
            StatsSnapshot s = collector.collect();
            hub.publish(s, !draining);
        } catch (RuntimeException e) {
            LOG.warn("collecting statistics failed", e);
        }
    }

    /** The sharable Netty handler of the operator endpoints; put it before the static files. */
    public ChannelHandler handler() {
        return handler;
    }

    /** The latest snapshot (at most about a second old). */
    public StatsSnapshot latest() {
        return collector.latest();
    }

    public StatsCollector collector() {
        return collector;
    }

    public AdminConfig config() {
        return config;
    }

    SseHub hub() {
        return hub;
    }

    /** Dashboard streams open now. */
    public int streamCount() {
        return hub.clientCount();
    }

    /**
     * Starts draining: {@code /ready} answers 503 from now on so load balancers send no new
     * participants; the ones here stay until they leave or the server closes. Idempotent.
     */
    public void drain() {
        if (!draining) {
            draining = true;
            LOG.info("draining: /ready now answers 503; {} participants in {} rooms remain",
                    latest().participantCount(), latest().roomCount());
        }
    }

    /** What the signaling server's access control refused, exported in /metrics; null until set. */
    public void accessCounters(AccessCounters counters) {
        access = counters;
    }

    AccessCounters accessCounters() {
        return access;
    }

    /**
     * This node's id (the {@code node} label of every /metrics series) and what {@code /api/cluster}
     * shows. Until set: a random id and a cluster of this node alone, from the latest snapshot.
     */
    public void cluster(String id, Supplier<ClusterView> view) {
        nodeId = id;
        cluster = view;
    }

    public String nodeId() {
        return nodeId;
    }

    /** This node's relays to other nodes, for /metrics (cluster mode). */
    public void relays(Supplier<List<dev.sfu.core.relay.RelayStats>> stats) {
        relays = stats;
    }

    List<dev.sfu.core.relay.RelayStats> relayStats() {
        return relays.get();
    }

    /** The cluster as this node sees it; a node without a cluster sees itself alone. */
    ClusterView clusterView() {
        Supplier<ClusterView> c = cluster;
        if (c != null) {
            return c.get();
        }
        StatsSnapshot s = latest();
        List<String> rooms = new java.util.ArrayList<>();
        s.rooms().forEach(r -> rooms.add(r.id()));
        return ClusterView.single(new NodeRecord(nodeId, null, null, "default", s.participantCount(), s.trackCount(),
                s.bitrateIn() + s.bitrateOut(), s.process().processCpuLoad(), 0, draining, rooms, s.timestampMillis()));
    }

    public boolean isReady() {
        return !draining;
    }

    /**
     * Logs a warning when the endpoints are open to the network: no token configured and the
     * HTTP port bound to an address other than loopback.
     */
    public void warnIfUnprotected(String httpBind) {
        if (!config.tokenRequired() && !isLoopback(httpBind)) {
            LOG.warn("The operator endpoints (/dashboard, /api, /metrics) are open to anyone who can reach {}: "
                    + "set sfu.admin.token (or the environment variable SFU_ADMIN_TOKEN) to require "
                    + "'Authorization: Bearer <token>', or bind the HTTP port to 127.0.0.1.", httpBind);
        }
    }

    /** True for a loopback address or {@code localhost} (no name lookup for IP literals). */
    public static boolean isLoopback(String address) {
        if (address == null || address.equals("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Stops collecting and closes the dashboard streams. */
    @Override
    public void close() {
        timer.shutdownNow();
        hub.closeAll();
    }
}
