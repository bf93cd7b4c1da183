package dev.sfu.signaling.cluster;

import dev.sfu.core.relay.RelayLink;
import dev.sfu.core.relay.RelayManager;
import dev.sfu.signaling.message.ErrorCode;
import dev.sfu.signaling.message.SignalingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * One node of a cluster on Redis: it registers itself every refresh interval, keeps a view of
 * the live nodes, and places rooms ({@link RoomPlacement}) by claiming them atomically in Redis
 * ({@link RedisDirectory}).
 * <p>
 * Every refresh (on its own thread, never a Netty event loop) the node writes its
 * {@link NodeRecord} with the node TTL, renews the claims of the rooms it hosts (and re-takes
 * them after Redis lost them), and reads the registry. When Redis cannot be reached, calls in
 * progress go on and rooms hosted here still take joins; a join to any other room completes with
 * CLUSTER_UNAVAILABLE and a retryAfterMs. The outage is logged once when it starts and once when
 * it ends.
 * <p>
 * {@link #place} completes on a Lettuce I/O thread (or at once on the caller's thread for a room
 * hosted here): a Netty handler continues on its own event loop ({@code ctx.executor()}).
 */
public final class ClusterNode implements RoomPlacement, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    /** Dead nodes stay in the registry (and in /api/cluster) this long after their last refresh. */
    static final Duration KEEP_DEAD = Duration.ofMinutes(1);
    /** The retry hint of CLUSTER_UNAVAILABLE: Lettuce retries the connection at least this often. */
    static final long RETRY_AFTER_MS = 1000;

    private final ClusterConfig config;
    private final RedisDirectory directory;
    private final LocalNode self;
    private final Predicate<String> hostsRoom;
    private final ScheduledExecutorService timer;
    /** Rooms placed here whose first participant may not have joined yet: room to when (ms). */
    private final Map<String, Long> placed = new ConcurrentHashMap<>();
    /** The last record read of each node, to show dead ones. */
    private final Map<String, NodeRecord> lastRecords = new ConcurrentHashMap<>();
    /** Rooms hosted here that another live node claims too; warned about once each. */
    private final Set<String> conflicts = ConcurrentHashMap.newKeySet();
    private volatile List<NodeRecord> live = List.of();
    private volatile ClusterView view;
    private volatile boolean reachable = true;
    private volatile long outageSince;
    private volatile boolean closed;
    /** What /api/cluster lists as relays when no RelayManager is attached (tests). */
    private volatile java.util.function.Supplier<List<?>> relaySource = List::of;
    /** The relays of rooms spanning nodes; null: rooms never expand (no media, tests). */
    private volatile RelayManager relays;
    private volatile ToIntFunction<String> localParticipants = room -> 0;
    private volatile int roomLimit;
    private volatile RedisRelaySignals signals;
    /** Rooms this node is in the node set of (it expanded to or from here). */
    private final Set<String> spanning = ConcurrentHashMap.newKeySet();

    private ClusterNode(ClusterConfig config, RedisDirectory directory, LocalNode self, Predicate<String> hostsRoom) {
        this.config = config;
        this.directory = directory;
        this.self = self;
        this.hostsRoom = hostsRoom;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sfu-cluster");
            t.setDaemon(true);
            return t;
        });
        long now = System.currentTimeMillis();
        this.view = buildView(now, self.record(now, List.of()), List.of());
    }

    /**
     * Connects to the cluster's Redis (blocking, at start, at most the command timeout); throws an
     * {@link IllegalStateException} naming the URL when it cannot. {@link #start} begins the refreshes.
     *
     * @param hostsRoom whether a room is open on this node now
     */
    public static ClusterNode connect(ClusterConfig config, LocalNode self, Predicate<String> hostsRoom) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("cluster mode needs sfu.cluster.redis-url (--redis)");
        }
        RedisDirectory d = RedisDirectory.connect(config.redisUrl(), config.commandTimeout(), config.redisUrlForLogs());
        return new ClusterNode(config, d, self, hostsRoom);
    }

    /**
     * Registers this node (completes when the first refresh is done, or failed) and refreshes
     * every refresh interval from then on.
     */
    public CompletionStage<Void> start() {
        CompletableFuture<Void> first = new CompletableFuture<>();
        timer.execute(() -> refresh(first));
        LOG.info("cluster mode: node {} ({}, region {}) on Redis {}, placement {}", self.id(), self.url(),
                config.region(), config.redisUrlForLogs(), config.policy().label());
        return first;
    }

    public String nodeId() {
        return self.id();
    }

    /** The cluster as last read (at most a refresh interval old), with the relays as they are now. */
    public ClusterView view() {
        ClusterView v = view;
        RelayManager r = relays;
        List<?> listed = r != null ? r.stats() : relaySource.get();
        return listed.isEmpty() ? v : new ClusterView(v.self(), v.mode(), v.redis(), v.placement(), v.timestamp(),
                v.nodes(), new ArrayList<Object>(listed));
    }

    /** What {@code /api/cluster} lists as relays (for example each relay's statistics) without a RelayManager. */
    public void relays(java.util.function.Supplier<List<?>> source) {
        relaySource = source;
    }

    /** False from a failed refresh or placement until the next successful refresh. */
    public boolean redisReachable() {
        return reachable;
    }

    @Override
    public CompletionStage<Placement> place(String room) {
        if (closed) {
            return CompletableFuture.failedFuture(unavailable("this node is shutting down"));
        }
        if (hostsRoom.test(room) || placedHere(room)) {
            if (relays != null && mustExpand(room)) {
                return expand(room);
            }
            return CompletableFuture.completedFuture(Placement.here(self.id()));
        }
        if (relays == null) {
            return claim(room);
        }
        // A join an expansion sent here joins here; any other goes to the room's owner.
        CompletableFuture<Placement> out = new CompletableFuture<>();
        CompletionStage<Boolean> in;
        try {
            in = directory.inHosts(room, self.id());
        } catch (RuntimeException e) {
            in = CompletableFuture.failedFuture(e);
        }
        in.whenComplete((yes, err) -> {
            if (err != null) {
                out.completeExceptionally(unavailable("the cluster's Redis cannot be reached"));
            } else if (yes) {
                spanning.add(room);
                out.complete(Placement.here(self.id()));
            } else {
                claim(room).whenComplete((p, e) -> {
                    if (e != null) {
                        out.completeExceptionally(e);
                    } else {
                        out.complete(p);
                    }
                });
            }
        });
        return out;
    }

    @Override
    public CompletionStage<Placement> full(String room) {
        if (closed || relays == null) {
            return CompletableFuture.completedFuture(Placement.here(self.id()));
        }
        return expand(room);
    }

    /** Whether a join to {@code room}, hosted here, goes to another node: this node's part is full, or its CPU too high. */
    private boolean mustExpand(String room) {
        int limit = roomLimit;
        if (limit > 0 && localParticipants.applyAsInt(room) >= limit) {
            return true;
        }
        double cpu = config.expandCpu();
        return cpu > 0 && cpu < 1 && self.load().cpu() > cpu;
    }

    /**
     * The room expands: the join goes to a node of its set with room left, else to the least
     * loaded live node not hosting it yet, which joins the set; here (the room layer then answers
     * ROOM_FULL) when none can take it.
     */
    private CompletionStage<Placement> expand(String room) {
        List<NodeRecord> candidates = new ArrayList<>();
        for (NodeRecord r : live) {
            if (!r.draining() && r.url() != null && !r.url().isEmpty()) {
                candidates.add(r);
            }
        }
        candidates.sort(Comparator.comparingInt(NodeRecord::participants).thenComparingDouble(NodeRecord::cpu));
        List<String> ids = new ArrayList<>();
        for (NodeRecord r : candidates) {
            ids.add(r.id());
        }
        CompletableFuture<Placement> out = new CompletableFuture<>();
        CompletionStage<RedisDirectory.Owner> chosen;
        try {
            chosen = directory.expand(room, self.id(), roomLimit, localParticipants.applyAsInt(room), config.claimTtl(), ids);
        } catch (RuntimeException e) {
            chosen = CompletableFuture.failedFuture(e);
        }
        chosen.whenComplete((node, err) -> {
            if (err != null) {
                LOG.debug("expanding room {} failed: {}", room, err.toString());
                out.complete(Placement.here(self.id()));
                return;
            }
            spanning.add(room);
            NodeRecord r = node == null ? null : node.record() != null ? node.record() : lastRecords.get(node.id());
            if (r == null || r.url() == null || r.url().isEmpty()) {
                LOG.info("room {} is full here and no other node can take it", room);
                out.complete(Placement.here(self.id()));
            } else {
                LOG.info("room {} is full here: the join goes to node {}", room, r.id());
                out.complete(new Placement(r.id(), r.url()));
            }
        });
        return out;
    }

    /**
     * Media for rooms that span nodes: {@code relays} carries them, and a hosted room whose part here
     * holds {@code perNodeLimit} local participants ({@code localParticipants}) expands.
     */
    public void span(RelayManager manager, int perNodeLimit, ToIntFunction<String> localCount) {
        this.localParticipants = localCount;
        this.roomLimit = perNodeLimit;
        this.relays = manager;
    }

    /** The signals relays use between the cluster's nodes (Redis pub/sub), opened on first use. */
    public synchronized RedisRelaySignals relaySignals() {
        if (signals == null) {
            signals = RedisRelaySignals.connect(directory.client());
        }
        return signals;
    }

    /**
     * A local participant joined {@code room} ({@code count} local ones now): when the room spans
     * nodes, this node's count is written and it dials each node that joined the room before it.
     */
    public void localJoined(String room, int count) {
        updateSpan(room, count);
    }

    /** A local participant left {@code room}: with none left, this node leaves the room's set and closes its relays. */
    public void localLeft(String room, int count) {
        if (count > 0) {
            if (spanning.contains(room)) {
                updateSpan(room, count);
            }
            return;
        }
        RelayManager r = relays;
        if (r == null || !spanning.remove(room)) {
            return;
        }
        try {
            directory.leaveHosts(room, self.id());
        } catch (RuntimeException e) {
            LOG.debug("leaving the node set of room {} failed (it expires by itself): {}", room, e.toString());
        }
        for (RelayLink l : r.links()) {
            if (l.roomId().equals(room)) {
                r.disconnect(room, l.peerNode(), "no participant left on node " + self.id());
            }
        }
    }

    /**
     * A local participant of {@code room} sent a chat message: each other node in the room's node
     * set in Redis ({@code sfu:hosts:<room>}, read for every message) gets it over Redis pub/sub and
     * delivers it to its participants. The set, not this node's relays, decides: a node is in it
     * before its first participant is told it joined, while the relay with it may still be being
     * dialled. The read and the publishes keep the order of one node's messages (one connection
     * each, callbacks in command order). When Redis cannot be reached the message stays on this node.
     */
    public void chat(String room, dev.sfu.signaling.room.ChatMessage m) {
        RedisRelaySignals s = signals;
        if (relays == null || s == null || closed) {
            return;
        }
        CompletionStage<List<String>> hosts;
        try {
            hosts = directory.hostIds(room);
        } catch (RuntimeException e) {
            hosts = CompletableFuture.failedFuture(e);
        }
        hosts.whenComplete((ids, err) -> {
            if (err != null) {
                LOG.debug("chat of room {} stays on this node: the room's node set cannot be read ({})", room,
                        err.toString());
                return;
            }
            for (String id : ids) {
                if (!id.equals(self.id())) {
                    s.sendChat(id, room, m);
                }
            }
        });
    }

    /** Writes the count (or renews it: -1) and dials the earlier nodes of the room's set this node has no relay with. */
    private void updateSpan(String room, int count) {
        RelayManager r = relays;
        if (r == null || closed) {
            return;
        }
        CompletionStage<List<RedisDirectory.Host>> hosts;
        try {
            hosts = directory.count(room, self.id(), count, config.claimTtl());
        } catch (RuntimeException e) {
            return;
        }
        hosts.whenComplete((list, err) -> {
            if (err != null || list.isEmpty() || closed) {
                return;
            }
            try {
                // Off the Lettuce I/O thread: dialing makes a transport.
                timer.execute(() -> dial(r, room, list));
            } catch (RejectedExecutionException e) {
                // Closed meanwhile.
            }
        });
    }

    /** Dials the nodes of {@code room}'s set that joined it before this one and have no relay with it yet. */
    private void dial(RelayManager r, String room, List<RedisDirectory.Host> list) {
        if (closed) {
            return;
        }
        spanning.add(room);
        long mine = Long.MAX_VALUE;
        for (RedisDirectory.Host h : list) {
            if (h.id().equals(self.id())) {
                mine = h.order();
            }
        }
        for (RedisDirectory.Host h : list) {
            if (h.order() < mine && !h.id().equals(self.id()) && r.link(room, h.id()) == null
                    && localParticipants.applyAsInt(room) > 0) {
                try {
                    r.connect(room, h.id());
                } catch (RuntimeException e) {
                    LOG.warn("dialing node {} for room {} failed", h.id(), room, e);
                }
            }
        }
    }

    private CompletionStage<Placement> claim(String room) {
        long now = System.currentTimeMillis();
        NodeRecord me = self.record(now, placed.keySet());
        NodeRecord choice = config.policy().choose(me, live);
        CompletableFuture<Placement> out = new CompletableFuture<>();
        CompletionStage<RedisDirectory.Owner> claim;
        try {
            claim = directory.claim(room, choice.id(), self.id(), config.claimTtl());
        } catch (RuntimeException e) {
            claim = CompletableFuture.failedFuture(e);
        }
        claim.whenComplete((owner, err) -> {
            if (err != null) {
                LOG.debug("placing room {} failed: {}", room, err.toString());
                out.completeExceptionally(unavailable("the cluster's Redis cannot be reached"));
            } else if (owner.id().equals(self.id())) {
                placed.put(room, System.currentTimeMillis());
                out.complete(Placement.here(self.id()));
            } else {
                NodeRecord r = owner.record() != null ? owner.record() : lastRecords.get(owner.id());
                if (r == null || r.url() == null || r.url().isEmpty()) {
                    out.completeExceptionally(unavailable("node " + owner.id() + " hosts this room but has not said "
                            + "its address yet"));
                } else {
                    out.complete(new Placement(owner.id(), r.url()));
                }
            }
        });
        return out;
    }

    /** The URLs of the nodes seen live at the last refresh, this one first. */
    @Override
    public List<String> nodeUrls() {
        List<String> urls = new ArrayList<>();
        for (ClusterView.Node n : view.nodes()) {
            if (n.live() && n.url() != null && !n.url().isEmpty() && !urls.contains(n.url())) {
                urls.add(n.url());
            }
        }
        return urls;
    }

    @Override
    public void roomClosed(String room) {
        placed.remove(room);
        conflicts.remove(room);
        if (closed || hostsRoom.test(room)) {
            return;
        }
        try {
            directory.release(room, self.id()).whenComplete((released, err) -> {
                if (err != null) {
                    LOG.debug("releasing room {} failed (its claim expires by itself): {}", room, err.toString());
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("releasing room {} failed (its claim expires by itself): {}", room, e.toString());
        }
    }

    private boolean placedHere(String room) {
        Long at = placed.get(room);
        return at != null && System.currentTimeMillis() - at < config.claimTtl().toMillis();
    }

    private SignalingException unavailable(String why) {
        long retry = RETRY_AFTER_MS;
        return new SignalingException(ErrorCode.CLUSTER_UNAVAILABLE, "This server cannot tell now where this room is "
                + "hosted (" + why + "); calls in progress go on. Try again in a few seconds.", retry);
    }

    /** One refresh: publish, renew claims, read the registry; then the next one is scheduled. */
    private void refresh(CompletableFuture<Void> done) {
        if (closed) {
            done.complete(null);
            return;
        }
        long now = System.currentTimeMillis();
        placed.values().removeIf(at -> now - at >= config.claimTtl().toMillis());
        LocalNode.Load load = self.load();
        List<String> hosted = LocalNode.hosted(load, placed.keySet());
        NodeRecord me = self.record(load, hosted, now);
        CompletableFuture<List<RedisDirectory.Entry>> round;
        try {
            round = directory.publish(me, config.nodeTtl())
                    .thenCompose(v -> directory.renew(hosted, self.id(), config.claimTtl()))
                    .thenCompose(lost -> {
                        noteConflicts(lost);
                        return directory.nodes(now - KEEP_DEAD.toMillis());
                    })
                    .toCompletableFuture()
                    .orTimeout(Math.max(config.refreshInterval().toMillis(), 3 * config.commandTimeout().toMillis()),
                            TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            round = CompletableFuture.failedFuture(e);
        }
        round.whenComplete((entries, err) -> {
            try {
                if (closed) {
                    return;
                }
                if (err != null) {
                    outage(err);
                } else {
                    update(me, hosted.size(), entries);
                    for (String room : spanning) {
                        updateSpan(room, localParticipants.applyAsInt(room));
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("cluster refresh failed", e);
            } finally {
                done.complete(null);
                schedule();
            }
        });
    }

    private void schedule() {
        if (closed) {
            return;
        }
        try {
            timer.schedule(() -> refresh(new CompletableFuture<>()), config.refreshInterval().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closed meanwhile.
        }
    }

    private void outage(Throwable err) {
        if (reachable) {
            reachable = false;
            outageSince = System.currentTimeMillis();
            Throwable cause = err.getCause() != null ? err.getCause() : err;
            LOG.warn("Redis at {} cannot be reached ({}): calls in progress go on and rooms hosted here keep taking "
                            + "joins; joins to other rooms get CLUSTER_UNAVAILABLE until it is back (retried every {} ms)",
                    config.redisUrlForLogs(), cause.toString(), config.refreshInterval().toMillis());
        }
        long now = System.currentTimeMillis();
        view = buildView(now, self.record(now, placed.keySet()), List.of());
    }

    private void update(NodeRecord me, int hostedRooms, List<RedisDirectory.Entry> entries) {
        if (!reachable) {
            reachable = true;
            LOG.info("Redis at {} is reachable again after {} ms: node {} is registered again and holds the claims "
                    + "of its {} rooms", config.redisUrlForLogs(), System.currentTimeMillis() - outageSince,
                    self.id(), hostedRooms);
        }
        List<NodeRecord> others = new ArrayList<>();
        for (RedisDirectory.Entry e : entries) {
            if (e.record() != null) {
                lastRecords.put(e.id(), e.record());
                if (!e.id().equals(self.id())) {
                    others.add(e.record());
                }
            }
        }
        Set<String> known = new HashSet<>();
        for (RedisDirectory.Entry e : entries) {
            known.add(e.id());
        }
        lastRecords.keySet().retainAll(known);
        RelayManager r = relays;
        if (r != null) {
            Set<String> nowLive = new HashSet<>();
            for (NodeRecord n : others) {
                nowLive.add(n.id());
            }
            for (NodeRecord was : live) {
                if (!nowLive.contains(was.id()) && r.nodeGone(was.id()) > 0) {
                    LOG.info("node {} is gone: its relays closed", was.id());
                }
            }
        }
        live = List.copyOf(others);
        view = buildView(System.currentTimeMillis(), me, entries);
    }

    private void noteConflicts(List<String> lost) {
        for (String room : lost) {
            if (spanning.contains(room)) {
                // The room spans nodes: the owner holds the claim, this node is in its set.
                continue;
            }
            if (conflicts.add(room)) {
                LOG.warn("room {} is hosted here, but another live node claimed it (Redis was unreachable from here "
                        + "meanwhile): its participants here stay here, new ones go there", room);
            }
        }
        conflicts.retainAll(Set.copyOf(lost));
    }

    private ClusterView buildView(long now, NodeRecord me, List<RedisDirectory.Entry> entries) {
        List<ClusterView.Node> nodes = new ArrayList<>();
        nodes.add(ClusterView.Node.of(me, reachable, true, me.updatedMillis()));
        List<ClusterView.Node> others = new ArrayList<>();
        for (RedisDirectory.Entry e : entries) {
            if (e.id().equals(self.id())) {
                continue;
            }
            NodeRecord r = e.record() != null ? e.record() : lastRecords.get(e.id());
            if (r == null) {
                r = new NodeRecord(e.id(), null, null, null, 0, 0, 0, -1, 0, false, List.of(), e.lastSeenMillis());
            }
            others.add(ClusterView.Node.of(r, e.record() != null, false, e.lastSeenMillis()));
        }
        others.sort(Comparator.comparing(ClusterView.Node::id));
        nodes.addAll(others);
        RelayManager r = relays;
        return new ClusterView(self.id(), "redis", reachable ? "connected" : "unreachable", config.policy().label(), now,
                nodes, r == null ? List.of() : new ArrayList<>(r.stats()));
    }

    /** The owner Redis records for {@code room} now (tests). */
    CompletionStage<String> ownerOf(String room) {
        return directory.owner(room);
    }

    /**
     * Stops refreshing, deletes this node's record (so the others take over its rooms at once; if
     * Redis is unreachable the record expires within the node TTL) and closes the connection.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        try {
            directory.forget(self.id()).toCompletableFuture().get(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            LOG.debug("deleting this node's record failed (it expires by itself): {}", e.toString());
        }
        if (signals != null) {
            signals.close();
        }
        directory.close();
    }

    /** Stops refreshing and drops the connection without a word to Redis, as a killed node would (tests). */
    synchronized void crash() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        if (signals != null) {
            signals.close();
        }
        directory.close();
    }
}
