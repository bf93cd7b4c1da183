package dev.sfu.signaling.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * In-JVM cluster nodes on one test Redis, without media or HTTP: each has a load the test sets
 * and a set of rooms it "hosts". Short timings keep the tests fast: refresh 250 ms, node TTL
 * 2 s, claim TTL 4 s (the defaults are 2 s, 5 s and 10 s); the TTLs leave room for a refresh
 * thread starved for a second on a busy machine.
 */
final class ClusterNodes implements AutoCloseable {
    static final Duration REFRESH = Duration.ofMillis(250);
    static final Duration NODE_TTL = Duration.ofSeconds(2);
    static final Duration CLAIM_TTL = Duration.ofSeconds(4);

    /** One node and the handles the test turns. */
    record TestNode(ClusterNode node, AtomicReference<LocalNode.Load> load, Set<String> hosted, String url) {
        String id() {
            return node.nodeId();
        }

        /** As if the room layer opened {@code room} here. */
        void host(String room) {
            hosted.add(room);
            LocalNode.Load l = load.get();
            List<String> rooms = new ArrayList<>(l.rooms());
            rooms.add(room);
            load.set(new LocalNode.Load(l.participants() + 1, l.tracks(), l.bitrateBps(), l.cpu(), l.draining(), rooms));
        }

        void participants(int n) {
            LocalNode.Load l = load.get();
            load.set(new LocalNode.Load(n, l.tracks(), l.bitrateBps(), l.cpu(), l.draining(), l.rooms()));
        }

        void draining(boolean d) {
            LocalNode.Load l = load.get();
            load.set(new LocalNode.Load(l.participants(), l.tracks(), l.bitrateBps(), l.cpu(), d, l.rooms()));
        }
    }

    private final RedisServer redis;
    private final List<TestNode> nodes = new ArrayList<>();

    ClusterNodes(RedisServer redis) {
        this.redis = redis;
    }

    TestNode start(String id, PlacementPolicy policy) throws Exception {
        return start(id, policy, "default");
    }

    TestNode start(String id, PlacementPolicy policy, String region) throws Exception {
        String url = "ws://" + id + ".test:8080/ws";
        ClusterConfig c = ClusterConfig.off().withNode(redis.url(), id, url).withPlacement(policy, region, 0)
                .withTimings(REFRESH, NODE_TTL, CLAIM_TTL);
        AtomicReference<LocalNode.Load> load = new AtomicReference<>(LocalNode.Load.idle());
        Set<String> hosted = ConcurrentHashMap.newKeySet();
        ClusterNode n = ClusterNode.connect(c, new LocalNode(id, region, "127.0.0.1:10000", 0, url, load::get),
                hosted::contains);
        n.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
        TestNode t = new TestNode(n, load, hosted, url);
        nodes.add(t);
        return t;
    }

    /** True when {@code viewer} sees {@code id} as live. */
    static boolean seesLive(TestNode viewer, String id) {
        return viewer.node().view().nodes().stream().anyMatch(n -> n.id().equals(id) && n.live());
    }

    /** True when {@code viewer} lists {@code id} as dead. */
    static boolean seesDead(TestNode viewer, String id) {
        return viewer.node().view().nodes().stream().anyMatch(n -> n.id().equals(id) && !n.live());
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        for (TestNode n : nodes) {
            n.node().close();
        }
        nodes.clear();
    }
}
