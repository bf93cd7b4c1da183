package dev.sfu.signaling.cluster;

import dev.sfu.signaling.cluster.ClusterNodes.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.sfu.signaling.cluster.ClusterNodes.await;
import static dev.sfu.signaling.cluster.ClusterNodes.seesDead;
import static dev.sfu.signaling.cluster.ClusterNodes.seesLive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Node registration and room placement of cluster mode, with several {@link ClusterNode}s in this
 * JVM on one real redis-server: what one node registers the others see, a node that stops
 * refreshing is dead after the node TTL, a room gets exactly one owner even when first joins race
 * through different nodes, and dead or released claims are taken again.
 */
class RoomPlacementOnRedisTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static RedisServer redis;
    private ClusterNodes cluster;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void newCluster() throws Exception {
        redis.flushAll();
        cluster = new ClusterNodes(redis);
    }

    @AfterEach
    void closeCluster() {
        cluster.close();
    }

    @Test
    void aNodesRegistrationIsVisibleToAnotherAndExpiresWhenItStopsRefreshing() throws Exception {
        TestNode a = cluster.start("node-a", PlacementPolicy.LEAST_LOADED);
        TestNode b = cluster.start("node-b", PlacementPolicy.LEAST_LOADED);
        b.participants(3);
        await(() -> seesLive(a, "node-b") && a.node().view().nodes().stream()
                .anyMatch(n -> n.id().equals("node-b") && n.load().participants() == 3), WAIT, "a sees b with 3 participants");
        ClusterView.Node seen = a.node().view().nodes().stream().filter(n -> n.id().equals("node-b")).findFirst().orElseThrow();
        assertEquals(b.url(), seen.url());
        assertEquals("127.0.0.1:10000", seen.mediaAddress());
        assertEquals("default", seen.region());

        b.node().crash();
        long stopped = System.nanoTime();
        long ttlLeft = Long.parseLong(redis.command("PTTL sfu:node:node-b").substring(1));
        assertTrue(ttlLeft > 0 && ttlLeft <= ClusterNodes.NODE_TTL.toMillis(), "b's record expires in " + ttlLeft + " ms");
        await(() -> seesDead(a, "node-b"), WAIT, "a sees b dead");
        long deadAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
        // Dead once its record's TTL ran out, not before.
        assertTrue(deadAfterMillis >= ttlLeft - 20, "b was dead after " + deadAfterMillis + " ms, its record lived "
                + ttlLeft + " ms more");
        assertTrue(seesLive(a, "node-a"), "a still sees itself live");
    }

    @Test
    void tenConcurrentFirstJoinsThroughThreeNodesLeaveExactlyOneOwnerAndAllAnswersNameIt() throws Exception {
        // local-first: each node proposes itself, so the three really compete for every room.
        TestNode[] nodes = {
            cluster.start("race-a", PlacementPolicy.LOCAL_FIRST),
            cluster.start("race-b", PlacementPolicy.LOCAL_FIRST),
            cluster.start("race-c", PlacementPolicy.LOCAL_FIRST),
        };
        ExecutorService threads = Executors.newFixedThreadPool(10);
        try {
            List<String> owners = new ArrayList<>();
            for (int round = 0; round < 8; round++) {
                String room = "race-room-" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Placement>> answers = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    TestNode via = nodes[i % nodes.length];
                    answers.add(threads.submit(() -> {
                        go.await();
                        return via.node().place(room).toCompletableFuture().get(5, TimeUnit.SECONDS);
                    }));
                }
                go.countDown();
                List<Placement> placements = new ArrayList<>();
                for (Future<Placement> f : answers) {
                    placements.add(f.get(10, TimeUnit.SECONDS));
                }
                String owner = owner(nodes[0], room);
                for (int i = 0; i < 10; i++) {
                    Placement p = placements.get(i);
                    TestNode asked = nodes[i % nodes.length];
                    assertEquals(owner, p.nodeId(), "answer " + i + " for " + room + " via " + asked.id());
                    if (asked.id().equals(owner)) {
                        assertTrue(p.local(), "the owner answers 'here'");
                    } else {
                        assertEquals("ws://" + owner + ".test:8080/ws", p.url(), "another node answers the owner's URL");
                    }
                }
                owners.add(owner);
            }
            // Each node proposed itself every time; with real contention different rooms can land on
            // different nodes, but each room on one.
            assertEquals(8, owners.size());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aRoomWhoseOwnerDiedIsClaimedAgainByTheNextNodeAskingForIt() throws Exception {
        TestNode a = cluster.start("owner-a", PlacementPolicy.LOCAL_FIRST);
        TestNode b = cluster.start("owner-b", PlacementPolicy.LOCAL_FIRST);
        a.host("orphan");
        assertTrue(a.node().place("orphan").toCompletableFuture().get(5, TimeUnit.SECONDS).local());
        await(() -> "owner-a".equals(owner(b, "orphan")), WAIT, "a's claim of the open room is in Redis");

        Placement whileAlive = b.node().place("orphan").toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(new Placement("owner-a", a.url()), whileAlive, "b sends joins to a while a lives");

        a.node().crash();
        await(() -> seesDead(b, "owner-a"), WAIT, "b sees a dead");
        Placement after = b.node().place("orphan").toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(after.local(), "b took the room over: " + after);
        assertEquals("owner-b", owner(b, "orphan"));
    }

    @Test
    void aDeadNodesPlaceInASpanningRoomsNodeSetIsReclaimedButALateNodeKeepsIt() throws Exception {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.url());
        try (var c = client.connect();
             RedisDirectory d = RedisDirectory.connect(redis.url(), Duration.ofSeconds(5), redis.url())) {
            var r = c.sync();
            long now = System.currentTimeMillis();
            // alive: its record exists; late: no record, refreshed 3 s ago (a starved process);
            // dead: no record, last refreshed 30 s ago (killed); unknown: never in the nodes' set.
            r.set(RedisDirectory.NODE_PREFIX + "alive", "{}");
            r.zadd(RedisDirectory.NODES, now, "alive");
            r.zadd(RedisDirectory.NODES, now - 3_000, "late");
            r.zadd(RedisDirectory.NODES, now - 30_000, "dead");
            r.hset(RedisDirectory.HOSTS_PREFIX + "span", java.util.Map.of("seq", "4", "o:alive", "1", "n:alive", "2",
                    "o:late", "2", "n:late", "1", "o:dead", "3", "n:dead", "2", "o:unknown", "4", "n:unknown", "0"));

            List<RedisDirectory.Host> hosts = d.count("span", "alive", -1, Duration.ofSeconds(10))
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(List.of(new RedisDirectory.Host("alive", 1)), hosts, "only live nodes are listed");
            assertEquals(java.util.Set.of("seq", "o:alive", "n:alive", "o:late", "n:late"),
                    r.hkeys(RedisDirectory.HOSTS_PREFIX + "span").stream().collect(java.util.stream.Collectors.toSet()),
                    "the dead nodes' places are removed; the late one keeps its place (it is dialed again when back)");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void roomClosedReleasesTheClaimSoAnotherNodeCanTakeTheRoom() throws Exception {
        TestNode a = cluster.start("release-a", PlacementPolicy.LOCAL_FIRST);
        TestNode b = cluster.start("release-b", PlacementPolicy.LOCAL_FIRST);
        assertTrue(a.node().place("brief").toCompletableFuture().get(5, TimeUnit.SECONDS).local());
        assertEquals("release-a", owner(a, "brief"));

        // Still open here: the claim stays.
        a.hosted().add("brief");
        a.node().roomClosed("brief");
        Thread.sleep(200);
        assertEquals("release-a", owner(a, "brief"), "a room still open here keeps its claim");

        a.hosted().remove("brief");
        a.node().roomClosed("brief");
        await(() -> owner(a, "brief") == null, WAIT, "the claim is deleted");
        assertTrue(b.node().place("brief").toCompletableFuture().get(5, TimeUnit.SECONDS).local(), "b may take it now");
        assertEquals("release-b", owner(a, "brief"));
    }

    @Test
    void leastLoadedPlacesANewRoomOnTheLiveNodeWithFewerParticipantsSkippingDrainingOnes() throws Exception {
        TestNode busy = cluster.start("load-busy", PlacementPolicy.LEAST_LOADED);
        TestNode quiet = cluster.start("load-quiet", PlacementPolicy.LEAST_LOADED);
        TestNode draining = cluster.start("load-draining", PlacementPolicy.LEAST_LOADED);
        busy.participants(5);
        quiet.participants(1);
        draining.draining(true);
        await(() -> busy.node().view().nodes().stream().anyMatch(n -> n.id().equals("load-quiet") && n.load().participants() == 1)
                && busy.node().view().nodes().stream().anyMatch(n -> n.id().equals("load-draining") && n.load().draining()),
                WAIT, "busy sees quiet's and draining's load");

        Placement p = busy.node().place("new-room").toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(new Placement("load-quiet", quiet.url()), p, "the room goes to the quieter node, not the idle draining one");
        assertFalse(p.local());
        // The chosen node, asked next by the redirected client, finds itself the owner.
        assertTrue(quiet.node().place("new-room").toCompletableFuture().get(5, TimeUnit.SECONDS).local());
    }

    @Test
    void regionPolicyKeepsANewRoomInTheAskingNodesRegion() throws Exception {
        TestNode eu = cluster.start("eu-1", PlacementPolicy.REGION, "eu");
        TestNode eu2 = cluster.start("eu-2", PlacementPolicy.REGION, "eu");
        TestNode us = cluster.start("us-1", PlacementPolicy.REGION, "us");
        eu.participants(4);
        eu2.participants(2);
        us.participants(0);
        await(() -> eu.node().view().nodes().stream().anyMatch(n -> n.id().equals("eu-2") && n.load().participants() == 2)
                && seesLive(eu, "us-1"), WAIT, "eu-1 sees the others");
        assertEquals("eu-2", eu.node().place("eu-room").toCompletableFuture().get(5, TimeUnit.SECONDS).nodeId(),
                "least loaded within eu, although us-1 is idle");
    }

    private static String owner(TestNode n, String room) {
        CompletableFuture<String> f = n.node().ownerOf(room).toCompletableFuture();
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
