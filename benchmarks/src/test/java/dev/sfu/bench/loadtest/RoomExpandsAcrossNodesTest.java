package dev.sfu.bench.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.core.forward.UpTrack;
import dev.sfu.core.relay.RelayStats;
import dev.sfu.core.room.Participant;
import dev.sfu.core.room.Room;
import dev.sfu.signaling.Server;
import dev.sfu.signaling.admin.AdminConfig;
import dev.sfu.signaling.cluster.ClusterConfig;
import dev.sfu.signaling.cluster.RedisServer;
import dev.sfu.signaling.config.ServerConfig;
import dev.sfu.signaling.http.AccessControl;
import dev.sfu.signaling.ice.IceServersConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One room expands across two nodes (issue 16, section 3): two in-JVM servers in cluster mode on a
 * real redis-server, each taking at most 2 participants of a room. Four synthetic participants of
 * the load tester all join through node A: the first two join there, A is then full for the room
 * and sends the next two to B, which dials A with a relay. Every participant receives every other's
 * streams, loss in the measured window stays under 0.5 %, and each of A's tracks crosses the relay
 * once (the relay carries about what A's publishers send, not once per subscriber on B). Both
 * nodes name the same dominant speaker, a remote participant on one of them; /api/cluster and
 * /metrics list the relay; when everyone has left, both relays are closed and the room's node set
 * is gone from Redis. Congestion control is on (the default): the far node prices each relayed
 * video from the size and bitrate its origin measured (RelayTrack), and no subscriber's first
 * probe is lost before its transport is up (either paused videos for seconds). About 22 s.
 */
class RoomExpandsAcrossNodesTest {
    private static final String ROOM = "span-1";

    @Test
    @Timeout(120)
    void aFullRoomExpandsToASecondNodeAndEveryoneReceivesEveryoneOnceAcrossTheRelay() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            // A node TTL of 3 s: with 1 s a node starved of CPU for a moment (2 shared cores) was taken
            // for dead, and its relay closed and was dialled again mid-run.
            ClusterConfig base = ClusterConfig.off().withTimings(Duration.ofMillis(500), Duration.ofSeconds(3),
                    Duration.ofSeconds(6));
            ServerConfig twoPerRoom = ServerConfig.loopback(0).with(Integer.getInteger("span.limit", 2), Duration.ofSeconds(10));
            try (Server a = Server.start(twoPerRoom, AdminConfig.open(), null, IceServersConfig.none(),
                    AccessControl.defaults(), base.withNode(redis.url(), "node-a", ""));
                 Server b = Server.start(twoPerRoom, AdminConfig.open(), null, IceServersConfig.none(),
                         AccessControl.defaults(), base.withNode(redis.url(), "node-b", ""))) {
                await(() -> a.cluster().nodeUrls().size() == 2, "node A sees node B live");

                // 200 kbit/s videos: each subscriber receives three, about 0.8 Mbit/s with audio and
                // headers, under the estimator's 1 Mbit/s start. At 300 kbit/s (about 1.1 Mbit/s) the
                // run measures how soon probes find loopback's headroom on a loaded machine (a video
                // paused for 3-4 s while they do counts as loss here), which is the estimator's matter,
                // not the relay's; a relayed video priced as 1280x720 (2.5 Mbit/s) is paused either way.
                // Tried again at 300 kbit/s after the estimator changes of commit 4bc1a1b: 4 of 5 runs
                // lost nothing, one lost 14.4 % of the window (a subscriber's estimate at 152 kbit/s
                // after its first probe, no decrease counted), so 200 it stays.
                LoadTestOptions o = LoadTestOptions.parse("--server", "http://127.0.0.1:" + a.httpPort(),
                        "--rooms", "1", "--room-prefix", "span", "--publishers", "4", "--ramp-up", "2",
                        "--video-kbps", "200", "--duration", "4", "--warmup", "2", "--quiet", "--connect-timeout", "30",
                        "--max-tester-lag-ms", "1000", "--speakers", "1");
                ByteArrayOutputStream text = new ByteArrayOutputStream();
                PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);
                Snapshots snapshots = new Snapshots(a, b);
                RunReport r;
                try (snapshots) {
                    r = new LoadRun(o, out).run();
                }
                ReportPrinter.print(r, out);
                String report = text.toString(StandardCharsets.UTF_8);

                System.out.println("last snapshot: " + snapshots.last);
                assertEquals(List.of(), r.failures(), report);
                assertEquals(4, r.total().connected(), report);
                assertEquals(0, r.total().streamsNeverReceived(), "everyone receives everyone: " + report);

                Snapshot last = snapshots.last;
                assertNotNull(last, "the relays were up during the run");
                RelayStats ab = last.ab;
                RelayStats ba = last.ba;
                assertTrue(ab.connected() && ba.connected(), ab + " / " + ba);
                assertTrue(ab.dialer() != ba.dialer(), "one end dials (the node that joined the room later): " + ab);
                assertEquals(2, ab.remoteParticipants(), ab.toString());
                assertEquals(2, ba.remoteParticipants(), ba.toString());
                assertEquals(last.tracksA, ab.tracksRelayed(), "each of A's tracks crosses once: " + ab);
                assertEquals(last.tracksB, ba.tracksRelayed(), "each of B's tracks crosses once: " + ba);
                // A's two publishers' bytes cross once, not once per subscriber on B (that would be twice).
                assertTrue(ab.bytesSent() > last.bytesA / 2 && ab.bytesSent() < last.bytesA * 1.2,
                        "relay A->B carried " + ab.bytesSent() + " bytes, A's publishers sent " + last.bytesA);
                assertEquals(1, last.relaysListed(), "/api/cluster lists node A's relay");
                // Active speaker: each node computes it from the audio it forwards, relayed audio included.
                assertTrue(!snapshots.sharedRemoteSpeakers.isEmpty(),
                        "both nodes named the same dominant speaker, on one of them a remote participant");
                assertTrue(last.metrics().contains("sfu_relays{node=\"node-a\",state=\"connected\"} 1\n"), last.metrics());
                assertTrue(last.metrics().contains("sfu_relay_packets_total{node=\"node-a\",peer=\"node-b\",direction=\"out\"} "),
                        last.metrics());

                // Everyone left: each node left the room's set and closed its relay; the set is gone from Redis.
                await(() -> a.relays().stats().isEmpty() && b.relays().stats().isEmpty(), "both relays closed");
                await(() -> a.rooms().rooms().room(ROOM) == null && b.rooms().rooms().room(ROOM) == null,
                        "the room closed on both nodes");
                io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.url());
                try (var c = client.connect()) {
                    await(() -> c.sync().exists("sfu:hosts:" + ROOM) == 0, "the room's node set deleted from Redis");
                } finally {
                    client.shutdown();
                }
                System.out.println(report);
                assertEquals(0, r.total().misrouted(), "every packet on the SSRC announced for its publisher: " + report);
                assertTrue(r.total().lossPercent() < 0.5, "loss in the measured window: " + report);
                System.out.println("relay A->B: " + ab);
                System.out.println("relay B->A: " + ba);
            }
        }
    }

    /** The relays and the local publishers of both nodes at one moment of the run. */
    private record Snapshot(RelayStats ab, RelayStats ba, int tracksA, int tracksB, long bytesA, int relaysListed,
                            String metrics) {
    }

    /** Reads a {@link Snapshot} every 200 ms while both relays are up (the run ends with everyone leaving). */
    private static final class Snapshots implements AutoCloseable {
        private final java.util.concurrent.ScheduledExecutorService timer =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        volatile Snapshot last;
        /** Dominant speakers both nodes agreed on while that speaker was on the other node for one of them. */
        final java.util.Set<String> sharedRemoteSpeakers = java.util.concurrent.ConcurrentHashMap.newKeySet();

        Snapshots(Server a, Server b) {
            timer.scheduleAtFixedRate(() -> {
                try {
                    Room ra = a.rooms().rooms().room(ROOM);
                    Room rb = b.rooms().rooms().room(ROOM);
                    if (ra != null && rb != null && ra.dominantSpeaker() != null
                            && ra.dominantSpeaker().equals(rb.dominantSpeaker())) {
                        String speaker = ra.dominantSpeaker();
                        if (local(a).stream().anyMatch(p -> p.id().equals(speaker))
                                != local(b).stream().anyMatch(p -> p.id().equals(speaker))) {
                            sharedRemoteSpeakers.add(speaker);
                        }
                    }
                    RelayStats ab = relay(a, "node-b");
                    RelayStats ba = relay(b, "node-a");
                    if (ab != null && ba != null && ab.connected() && ba.connected()
                            && local(a).size() == 2 && local(b).size() == 2
                            // Everyone still publishing audio and video (a leaving participant's
                            // tracks go before it leaves the room).
                            && tracks(a) == 4 && tracks(b) == 4) {
                        String metrics = new String(java.net.URI.create("http://127.0.0.1:" + a.httpPort() + "/metrics")
                                .toURL().openStream().readAllBytes(), StandardCharsets.UTF_8);
                        last = new Snapshot(ab, ba, tracks(a), tracks(b), bytesPublished(a),
                                a.cluster().view().relays().size(), metrics);
                    }
                } catch (RuntimeException | java.io.IOException e) {
                    // A room closing meanwhile: the next one.
                }
            }, 200, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    private static RelayStats relay(Server s, String peer) {
        for (RelayStats r : s.relays().stats()) {
            if (r.roomId().equals(ROOM) && r.peerNode().equals(peer)) {
                return r;
            }
        }
        return null;
    }

    private static int tracks(Server s) {
        int n = 0;
        for (Participant p : local(s)) {
            n += p.endpoint().upTracks().size();
        }
        return n;
    }

    private static long bytesPublished(Server s) {
        long n = 0;
        for (Participant p : local(s)) {
            for (UpTrack up : p.endpoint().upTracks()) {
                n += up.bytesReceived();
            }
        }
        return n;
    }

    private static List<Participant> local(Server s) {
        Room room = s.rooms().rooms().room(ROOM);
        return room == null ? List.of() : room.participants().stream().filter(p -> !p.isRemote()).toList();
    }

    private static void await(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
