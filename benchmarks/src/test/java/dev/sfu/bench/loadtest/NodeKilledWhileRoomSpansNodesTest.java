package dev.sfu.bench.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sfu.core.transport.TransportClient;
import dev.sfu.core.transport.TransportConfig;
import dev.sfu.rtp.srtp.SrtpSession;
import dev.sfu.signaling.browser.LiveSfu;
import dev.sfu.signaling.cluster.RedisServer;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 16 section 4, the room's other nodes: "participants on the room's other nodes keep their
 * call throughout. Stale placements and registrations are reclaimed." A real redis-server and two
 * server processes in cluster mode, A and B, each taking at most 2 participants of a room
 * ({@code SFU_MAX_PARTICIPANTS=2}). Four synthetic participants of the load tester join through A,
 * one after the other: the first two stay on A, which then sends the next two to B, and B dials A
 * with a relay; everyone receives everyone. B is killed with SIGKILL. Asserted for A's two
 * participants (the survivors): each keeps receiving the other's audio and video with no gap over
 * 1 s from a second before the kill to the end, their signaling stays open and their transports
 * connected; B's two participants are announced to them as gone (participantLeft) within 10 s
 * (B's record expires after the node TTL, 5 s); A closes its relay; and Redis no longer lists B:
 * its record is gone and the room's node set ({@code sfu:hosts:ROOM}) no longer names it. About
 * 30 s, most of it the two server JVMs starting.
 */
class NodeKilledWhileRoomSpansNodesTest {
    private static final String ROOM = "survive-1";
    private static final Duration ANNOUNCED = Duration.ofSeconds(10);
    private static final long MAX_GAP_NANOS = 1_000_000_000L;

    @Test
    @Timeout(150)
    void participantsOnTheRoomsOtherNodeKeepTheirCallWhenANodeIsKilled() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            // Both JVMs start at once (each takes seconds); each is closed, even if the other failed.
            CompletableFuture<LiveSfu> startingA = CompletableFuture.supplyAsync(() -> node(redis, "node-a"));
            CompletableFuture<LiveSfu> startingB = CompletableFuture.supplyAsync(() -> node(redis, "node-b"));
            try (LiveSfu a = startingA.join(); LiveSfu b = startingB.join()) {
                await(Duration.ofSeconds(10), "A sees B live", () -> a.liveClusterNodes().size() == 2);
                run(redis, a, b);
            }
        }
    }

    private static LiveSfu node(RedisServer redis, String id) {
        return LiveSfu.startWith("survive-" + id, List.of("--redis", redis.url(), "--node-id", id,
                "--placement", "local-first"), Map.of("SFU_MAX_PARTICIPANTS", "2"), false);
    }

    private static void run(RedisServer redis, LiveSfu a, LiveSfu b) throws Exception {
        LoadTestOptions o = LoadTestOptions.parse("--server", a.origin(), "--rooms", "1", "--room-prefix", "survive",
                "--publishers", "4", "--video-kbps", "200", "--quiet", "--connect-timeout", "20");
        SrtpSession.warmUp();
        SendScheduler[] schedulers = {new SendScheduler("survive-send")};
        TransportClient transports = TransportClient.start(TransportConfig.defaults()
                .withBindAddress(InetAddress.getByName("127.0.0.1")).withIngressQueueCapacity(2048),
                Duration.ofNanos(o.rxPollMicros() * 1000L));
        RunContext ctx = new RunContext(o, HttpClient.newHttpClient(), transports, schedulers, 4);
        List<SyntheticParticipant> ps = new ArrayList<>();
        Gaps gaps = null;
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.url());
        try (var c = client.connect()) {
            // One after the other, so that the first two are A's and the next two go to B.
            for (int i = 0; i < 4; i++) {
                SyntheticParticipant p = new SyntheticParticipant(ctx, i, 0, i, ROOM, "pub-1-" + (i + 1), true, true);
                ps.add(p);
                p.start();
                await(Duration.ofSeconds(20), p.name() + " connected", () -> p.state() == SyntheticParticipant.State.CONNECTED);
            }
            URI nodeA = ps.get(0).node();
            assertEquals(nodeA, ps.get(1).node(), "the first two on A");
            assertTrue(!nodeA.equals(ps.get(2).node()) && ps.get(2).node().equals(ps.get(3).node()),
                    "A full for the room: the next two on B");
            StreamIds ids = ctx.ids();
            await(Duration.ofSeconds(10), "everyone receives everyone's audio and video", () -> {
                for (SyntheticParticipant r : ps) {
                    for (int q = 0; q < 4; q++) {
                        if (q != r.index() && (received(r, ids.audio(q)) == 0 || received(r, ids.video(q)) == 0)) {
                            return false;
                        }
                    }
                }
                return true;
            });
            assertTrue(c.sync().hexists("sfu:hosts:" + ROOM, "o:node-b"), "the room's node set lists B");

            SyntheticParticipant s0 = ps.get(0);
            SyntheticParticipant s1 = ps.get(1);
            gaps = new Gaps(List.of(new Watched(s0, ids.audio(1)), new Watched(s0, ids.video(1)),
                    new Watched(s1, ids.audio(0)), new Watched(s1, ids.video(0))));
            Thread.sleep(1000);
            long killed = System.nanoTime();
            b.kill();

            Set<String> bIds = Set.of(ctx.serverId(2), ctx.serverId(3));
            await(ANNOUNCED, "B's participants announced as gone to both survivors",
                    () -> s0.participantsLeft().containsAll(bIds) && s1.participantsLeft().containsAll(bIds));
            long announcedMs = (System.nanoTime() - killed) / 1_000_000;
            await(Duration.ofSeconds(5), "A closed its relay to B", () -> a.getJson("/api/cluster").path("relays").isEmpty());
            await(Duration.ofSeconds(5), "B's record gone from Redis", () -> c.sync().exists("sfu:node:node-b") == 0);
            await(Duration.ofSeconds(10), "the room's node set no longer lists B",
                    () -> !c.sync().hexists("sfu:hosts:" + ROOM, "o:node-b")
                            && !c.sync().hexists("sfu:hosts:" + ROOM, "n:node-b"));
            assertEquals("node-a", c.sync().get("sfu:room:" + ROOM), "the room stays placed on A");
            long reclaimedMs = (System.nanoTime() - killed) / 1_000_000;
            // And the survivors' call goes on for a while after everything settled.
            Thread.sleep(2000);
            gaps.close();

            for (SyntheticParticipant s : List.of(s0, s1)) {
                assertNull(s.failure(), s.name() + "'s signaling and transport stay up");
                assertEquals(SyntheticParticipant.State.CONNECTED, s.state(), s.name());
            }
            System.out.printf("SIGKILL of B: B's participants announced as gone on A after %d ms, B out of Redis "
                    + "after %d ms; the survivors' longest gap per stream: %s ms%n", announcedMs, reclaimedMs,
                    gaps.report());
            gaps.assertNoGap();
            assertEquals(Set.of(ctx.serverId(0), ctx.serverId(1)), roomParticipants(a), "A's room holds the survivors");
        } finally {
            if (gaps != null) {
                gaps.close();
            }
            for (SyntheticParticipant p : ps) {
                p.stopSending();
                p.leave();
            }
            for (SendScheduler s : schedulers) {
                s.close();
            }
            transports.close();
            client.shutdown();
        }
    }

    private static long received(SyntheticParticipant r, int stream) {
        StreamReceiveStats s = r.receiver().stream(stream);
        return s == null ? 0 : s.received();
    }

    /** One stream a survivor receives from the other survivor. */
    private record Watched(SyntheticParticipant receiver, int stream) {
    }

    /** Samples the watched streams every 20 ms and keeps, per stream, the longest time without a new packet. */
    private static final class Gaps implements AutoCloseable {
        private final List<Watched> watched;
        private final long[] lastCount;
        private final long[] lastRise;
        private final long[] longest;
        private final Thread thread;
        private volatile boolean stop;

        Gaps(List<Watched> watched) {
            this.watched = watched;
            int n = watched.size();
            lastCount = new long[n];
            lastRise = new long[n];
            longest = new long[n];
            long now = System.nanoTime();
            for (int i = 0; i < n; i++) {
                lastCount[i] = received(watched.get(i).receiver(), watched.get(i).stream());
                lastRise[i] = now;
            }
            thread = new Thread(this::sample, "survivor-gaps");
            thread.setDaemon(true);
            thread.start();
        }

        private void sample() {
            while (!stop) {
                synchronized (this) {
                    long now = System.nanoTime();
                    for (int i = 0; i < watched.size(); i++) {
                        long count = received(watched.get(i).receiver(), watched.get(i).stream());
                        if (count > lastCount[i]) {
                            lastCount[i] = count;
                            lastRise[i] = now;
                        }
                        longest[i] = Math.max(longest[i], now - lastRise[i]);
                    }
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        synchronized String report() {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < watched.size(); i++) {
                out.add(watched.get(i).receiver().name() + "<-" + watched.get(i).stream() + " " + longest[i] / 1_000_000);
            }
            return String.join(", ", out);
        }

        synchronized void assertNoGap() {
            for (int i = 0; i < watched.size(); i++) {
                assertTrue(longest[i] < MAX_GAP_NANOS, "a survivor's stream paused: " + report());
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.interrupt();
            thread.join(2000);
        }
    }



    private static Set<String> roomParticipants(LiveSfu node) {
        Set<String> out = new java.util.TreeSet<>();
        for (JsonNode p : node.getJson("/api/rooms/" + ROOM).path("participants")) {
            out.add(p.path("id").asText());
        }
        return out;
    }

    private static void await(Duration within, String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + within.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
