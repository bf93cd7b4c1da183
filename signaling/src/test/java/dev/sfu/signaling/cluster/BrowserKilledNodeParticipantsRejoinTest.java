package dev.sfu.signaling.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sfu.signaling.browser.BrowserSession;
import dev.sfu.signaling.browser.LiveCall;
import dev.sfu.signaling.browser.LiveSfu;
import dev.sfu.signaling.browser.Waits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 section 4, a node killed with SIGKILL: a real redis-server and two server processes in
 * cluster mode ({@code --redis}, placement local-first), A and B. Bob joins through B's page, so
 * the room lives on B; Ada loads A's page and is redirected to B. Both decode each other. Then B is
 * killed with SIGKILL: nothing tells Redis, and B's registration and room claim stay there until
 * B's record expires (node TTL 5 s). Each page fails to resume on B, finds A answering, joins again
 * through A (Bob's own page is B's, so he goes to a node B had listed in {@code joined.nodes}),
 * and is redirected to the dead B until the claim is reclaimed. Asserted: within 10 s of the kill
 * both are in the room on A (A's {@code /api/rooms}, a snapshot at most about a second old, so the
 * bound is checked with that much to spare), and each decodes the other again.
 */
class BrowserKilledNodeParticipantsRejoinTest {
    private static final String ROOM = "failover";
    /** The bound: from SIGKILL to both participants in the room on the live node. */
    private static final Duration BACK_IN_ROOM = Duration.ofSeconds(10);
    /** Room views in /api/rooms are at most about a second old. */
    private static final Duration SNAPSHOT = Duration.ofSeconds(3);

    private static RedisServer redis;
    private static LiveSfu a;
    private static LiveSfu b;

    @BeforeAll
    static void startRedisAndTwoNodes() throws Exception {
        BrowserSession.assumeAvailable();
        redis = RedisServer.start();
        // Both JVMs start at once (each takes seconds); each is kept for stopAll, even if the other fails.
        CompletableFuture<LiveSfu> startingA = CompletableFuture.supplyAsync(() -> node("node-a"));
        CompletableFuture<LiveSfu> startingB = CompletableFuture.supplyAsync(() -> node("node-b"));
        try {
            a = startingA.join();
        } finally {
            b = startingB.join();
        }
        Waits.until(Duration.ofSeconds(10), "A and B see each other live", () -> a.liveClusterNodes().size() == 2
                && b.liveClusterNodes().size() == 2);
    }

    private static LiveSfu node(String id) {
        return LiveSfu.startWith("failover-" + id, List.of("--redis", redis.url(), "--node-id", id,
                "--placement", "local-first"), Map.of(), false);
    }

    @AfterAll
    static void stopAll() throws Exception {
        for (LiveSfu n : new LiveSfu[] {a, b}) {
            if (n != null) {
                n.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }



    /** The names of the participants in {@link #ROOM} on {@code node} (empty when it has no such room). */
    private static Set<String> names(LiveSfu node) {
        Set<String> out = new TreeSet<>();
        for (JsonNode p : node.getJson("/api/rooms/" + ROOM).path("participants")) {
            out.add(p.path("displayName").asText());
        }
        return out;
    }

    private static BrowserSession joinThrough(LiveSfu node, String name) {
        BrowserSession s = BrowserSession.start(name);
        s.open(node.baseUrl() + "?room=" + ROOM + "&capture=640x360");
        s.type("#name", name);
        s.click("#join");
        return s;
    }

    private static long counter(BrowserSession s, String name) {
        return ((Number) s.counters().get(name)).longValue();
    }

    private static void awaitDecoding(BrowserSession s, String from) {
        s.awaitConnected(LiveCall.MEDIA);
        Waits.until(LiveCall.MEDIA, s.label() + ": video decoded from " + from, s::stats, st -> st.framesDecoded(from) > 0);
    }

    @Test
    void participantsOfANodeKilledWithSigkillAreBackInTheRoomOnALiveNodeWithinTenSeconds() {
        try (BrowserSession bob = joinThrough(b, "Bob")) {
            // Bob first: local-first places the room on the node his join reached, B.
            String bobId = bob.awaitJoined(LiveCall.JOIN);
            try (BrowserSession ada = joinThrough(a, "Ada")) {
                killBAndWatchBothComeBackOnA(ada, bob, ada.awaitJoined(LiveCall.JOIN), bobId);
            }
        }
    }

    private void killBAndWatchBothComeBackOnA(BrowserSession ada, BrowserSession bob, String adaId, String bobId) {
        // /api/rooms is the collector's snapshot, at most about a second old.
        Waits.until(SNAPSHOT, "B hosts the room with both", () -> names(b), Set.of("Ada", "Bob")::equals);
        assertEquals(Set.of(), names(a), "A hosts nobody");
        assertEquals(1, counter(ada, "redirects"), "Ada's page was sent from A to B");
        awaitDecoding(ada, bobId);
        awaitDecoding(bob, adaId);

        long killed = System.nanoTime();
        b.kill();
        Waits.until(BACK_IN_ROOM, "Ada and Bob back in the room on A after B's SIGKILL", () -> names(a),
                Set.of("Ada", "Bob")::equals);
        long backMs = (System.nanoTime() - killed) / 1_000_000;

        String adaNow = ada.awaitJoined(LiveCall.JOIN);
        String bobNow = bob.awaitJoined(LiveCall.JOIN);
        assertNotEquals(adaId, adaNow, "a new participant on A");
        assertNotEquals(bobId, bobNow);
        assertEquals(1, counter(ada, "failovers"), ada.consoleLog().toString());
        assertEquals(1, counter(bob, "failovers"), bob.consoleLog().toString());
        awaitDecoding(ada, bobNow);
        awaitDecoding(bob, adaNow);
        long mediaMs = (System.nanoTime() - killed) / 1_000_000;
        LiveCall.assertDecodingRises(ada, Set.of(bobNow), Duration.ofSeconds(2));
        LiveCall.assertDecodingRises(bob, Set.of(adaNow), Duration.ofSeconds(2));
        Waits.until(SNAPSHOT, "B dead to A", () -> a.liveClusterNodes(), Set.of("node-a")::equals);
        System.out.printf("SIGKILL of node B: both participants in the room on A after %d ms, decoding each "
                + "other again after %d ms%n", backMs, mediaMs);
        for (BrowserSession s : List.of(ada, bob)) {
            System.out.println(s.label() + "'s page: " + s.js("return window.sfu.call.events.slice(-12).join('; ')"));
        }
        assertTrue(backMs <= BACK_IN_ROOM.toMillis());
    }
}
