package dev.sfu.core.relay;

import static dev.sfu.core.testutil.RoomHarness.OPUS;
import static dev.sfu.core.testutil.RoomHarness.VP8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import dev.sfu.core.cc.CongestionControlConfig;
import dev.sfu.core.forward.DownTrack;
import dev.sfu.core.forward.ForwardingConfig;
import dev.sfu.core.forward.ForwardingContext;
import dev.sfu.core.forward.RelayEgress;
import dev.sfu.core.forward.SimulcastLayer;
import dev.sfu.core.forward.UpTrack;
import dev.sfu.core.forward.VideoConstraints;
import dev.sfu.core.room.LeaveReason;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.Participant;
import dev.sfu.core.room.PublishedTrack;
import dev.sfu.core.room.RoomListener;
import dev.sfu.core.room.RoomManager;
import dev.sfu.core.testutil.RoomHarness;
import dev.sfu.core.testutil.RtpFixtures;
import dev.sfu.core.testutil.SimulcastPublisher;
import dev.sfu.core.transport.TransportClient;
import dev.sfu.core.transport.TransportConfig;
import dev.sfu.core.transport.TransportServer;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Congestion control on the relay hop (draft-holmer-rmcat-transport-wide-cc-extensions-01 per
 * hop): two nodes in one JVM, each with its own media port and congestion control on, joined by a
 * relay over real ICE, DTLS and SRTP that runs through a {@link ShapedUdpPath} on loopback. A
 * publisher on A sends three simulcast layers (q 200 kbit/s, h 400 kbit/s, f 1.76 Mbit/s), a
 * subscriber on B watches it large (B needs f), and a publisher on B sends audio and a small
 * video the other way. In order: an unconstrained relay (feedback both ways, A's estimate near
 * what it sends, nothing held back); then A-to-B shaped to 1 Mbit/s with a 60 ms queue (the
 * estimate falls below the cap, A stops sending f across, q keeps crossing).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RelayCongestionControlTest {
    static final String ROOM = "cc";
    static final long[] SSRCS = {0x6001, 0x6002, 0x6003};
    static final String[] RIDS = {"q", "h", "f"};
    /** Payload bytes per packet, one packet per layer every 5 ms: 200 kbit/s, 400 kbit/s, 1.76 Mbit/s. */
    static final int[] SIZES = {125, 250, 1100};
    static final long AUDIO_B = 0x7001;
    static final long VIDEO_B = 0x7002;
    static final long CAP_BPS = 1_000_000L;

    static InMemoryRelaySignals signals;
    static ShapedUdpPath path;
    static RoomManager roomsA;
    static RoomManager roomsB;
    static TransportServer serverA;
    static TransportServer serverB;
    static RelayManager relaysA;
    static RelayManager relaysB;
    static TransportClient peers;
    static SyntheticPeer pubA;
    static SyntheticPeer subB;
    static SyntheticPeer pubB;
    static RelayLink linkA;
    static RelayLink linkB;
    static ScheduledExecutorService media;
    static final List<RelayMessage.LayersNeeded> askedByB = new CopyOnWriteArrayList<>();

    static RoomManager rooms() {
        return new RoomManager(new MetricRegistry(), new RoomListener() {
        }, 10, new ForwardingContext(ForwardingContext.newPool(), ForwardingConfig.defaults(), System::nanoTime,
                CongestionControlConfig.defaults()));
    }

    /** Signals that put the shaped path in the place of the other node's candidates. */
    static RelaySignals through(String node) {
        return new RelaySignals() {
            @Override
            public void send(String toNode, RelayMessage m) {
                if (m instanceof RelayMessage.Offer o) {
                    m = new RelayMessage.Offer(o.roomId(), o.fromNode(), path.asAnswerer(o.parameters()));
                } else if (m instanceof RelayMessage.Answer a) {
                    m = new RelayMessage.Answer(a.roomId(), a.fromNode(), path.asDialer(a.parameters()));
                } else if (m instanceof RelayMessage.LayersNeeded n && node.equals("node-b")) {
                    askedByB.add(n);
                }
                signals.send(toNode, m);
            }

            @Override
            public AutoCloseable register(String nodeId, Consumer<RelayMessage> handler) {
                return signals.register(nodeId, handler);
            }
        };
    }

    @BeforeAll
    static void start() throws Exception {
        signals = new InMemoryRelaySignals();
        path = new ShapedUdpPath();
        serverA = TransportServer.start(TransportConfig.loopbackEphemeral());
        serverB = TransportServer.start(TransportConfig.loopbackEphemeral());
        roomsA = rooms();
        roomsB = rooms();
        relaysA = new RelayManager("node-a", serverA, roomsA, through("node-a"));
        relaysB = new RelayManager("node-b", serverB, roomsB, through("node-b"));
        peers = TransportClient.start(TransportConfig.loopbackEphemeral());

        pubA = SyntheticPeer.join(roomsA, serverA, peers, ROOM, "pub-a");
        pubA.participant.publish(List.of(SimulcastPublisher.track("v-sim", RoomHarness.vp8Codecs())));
        subB = SyntheticPeer.join(roomsB, serverB, peers, ROOM, "sub-b");
        pubB = SyntheticPeer.join(roomsB, serverB, peers, ROOM, "pub-b");
        pubB.participant.publish(List.of(
                new PublishedTrack("a-b", MediaKind.AUDIO, "0", AUDIO_B, -1, RoomHarness.opusCodecs(), RoomHarness.extensions()),
                new PublishedTrack("v-b", MediaKind.VIDEO, "1", VIDEO_B, -1, RoomHarness.vp8Codecs(), RoomHarness.extensions())));

        linkB = relaysB.connect(ROOM, "node-a");
        assertTrue(waitFor(() -> relaysA.link(ROOM, "node-b") != null, 10), "A answered");
        linkA = relaysA.link(ROOM, "node-b");
        assertTrue(linkB.awaitConnected(15, TimeUnit.SECONDS), "relay connected through the path on B");
        assertTrue(linkA.awaitConnected(15, TimeUnit.SECONDS), "and on A");
        assertTrue(waitFor(() -> subB.participant.downTracks().stream().anyMatch(d -> d.trackId().equals("v-sim")), 10),
                "sub-b on B got the simulcast track of pub-a on A");

        media = Executors.newSingleThreadScheduledExecutor();
        int[] tick = {0};
        media.scheduleAtFixedRate(() -> send(tick[0]++), 0, 5, TimeUnit.MILLISECONDS);

        // sub-b watches it large: B needs f, and tells A.
        subB.participant.activateDownTracks();
        DownTrack d = subB.participant.downTracks().stream().filter(x -> x.trackId().equals("v-sim")).findFirst().orElseThrow();
        d.setConstraints(new VideoConstraints(1280, 720, true));
        assertTrue(waitFor(() -> {
            roomsB.scheduler().allocate(roomsB.room(ROOM));
            return askedByB.stream().anyMatch(n -> n.trackId().equals("v-sim") && n.rids().contains("f"));
        }, 10), "B asked A for f: " + askedByB);
    }

    /** One 5 ms tick: a frame on each of pub-a's layers; pub-b's audio every 4th tick and its video every 2nd. */
    static void send(int i) {
        try {
            for (int l = 0; l < 3; l++) {
                byte[] vp8 = Arrays.copyOf(SimulcastPublisher.vp8Payload(i % 200 == 0, i & 0x7FFF, i & 0xFF, 0, 0,
                        320 << l, 180 << l), SIZES[l]);
                pubA.send(SimulcastPublisher.packet(VP8, true, i & 0xFFFF, 450L * i, SSRCS[l], SimulcastPublisher.MID_VALUE,
                        RIDS[l], null, vp8, 0));
            }
            if (i % 4 == 0) {
                pubB.send(RtpFixtures.rtp(OPUS, (i / 4) & 0xFFFF, 960L * (i / 4), AUDIO_B, new int[0], RtpFixtures.OPUS_PAYLOAD));
            }
            if (i % 2 == 0) {
                pubB.send(RtpFixtures.rtp(VP8, (i / 2) & 0xFFFF, 900L * i, VIDEO_B, new int[0],
                        Arrays.copyOf(RtpFixtures.vp8(i % 200 == 0, true), 300)));
            }
        } catch (RuntimeException e) {
            // A send after close: the test is over.
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (media != null) {
            media.shutdownNow();
            media.awaitTermination(2, TimeUnit.SECONDS);
        }
        for (SyntheticPeer p : new SyntheticPeer[] {pubA, subB, pubB}) {
            if (p != null) {
                p.participant.leave(LeaveReason.LEFT);
                p.close();
            }
        }
        for (AutoCloseable c : new AutoCloseable[] {relaysA, relaysB, roomsA == null ? null : roomsA::close, roomsB == null ? null : roomsB::close, serverA, serverB, peers, path, signals}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static boolean waitFor(BooleanSupplier condition, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** A's bitrate across the relay over the next {@code millis}, bits/s (what it stamped and sent). */
    static long sentBps(int millis) throws InterruptedException {
        long b0 = linkA.egress().bytesSent();
        long t0 = System.nanoTime();
        Thread.sleep(millis);
        return (linkA.egress().bytesSent() - b0) * 8_000_000_000L / (System.nanoTime() - t0);
    }

    static SimulcastLayer layerOnB(int index) {
        Participant remote = roomsB.room(ROOM).participant("pub-a");
        UpTrack up = remote.upTracks().stream().filter(u -> u.trackId().equals("v-sim")).findFirst().orElseThrow();
        return up.layers().get(index);
    }

    @Test
    @Order(1)
    void onAnUnconstrainedRelayFeedbackFlowsBothWaysAndTheEstimateFollowsWhatIsSentWithoutHoldingAnythingBack()
            throws Exception {
        RelayEgress egress = linkA.egress();
        // AIMD holds the initial 1 Mbit/s for its 5 s initialization, then takes the acknowledged rate.
        long[] sent = {0};
        boolean near = waitFor(() -> {
            try {
                sent[0] = sentBps(500);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            long est = egress.estimatedBps();
            return est >= sent[0] * 8 / 10 && est <= sent[0] * 16 / 10;
        }, 15);
        assertTrue(near, "A's estimate of the relay " + egress.estimatedBps() + " bit/s near what A sends: " + sent[0]);
        assertTrue(sent[0] > 1_700_000, "f crosses: " + sent[0] + " bit/s");
        assertEquals(0, egress.drops(RelayEgress.Drop.BANDWIDTH), "nothing held back");
        assertEquals(0, egress.holds());
        assertEquals(0, egress.unstamped(), "every packet across carried A's transport-wide sequence number");
        assertTrue(linkB.incoming().transportCcPackets() > 1000, "B read them: " + linkB.incoming().transportCcPackets());
        assertTrue(linkB.incoming().transportFeedbacksSent() > 20 && egress.transportFeedbacks() > 20,
                "B reported arrivals to A: " + linkB.incoming().transportFeedbacksSent() + " sent, "
                        + egress.transportFeedbacks() + " received");
        // The other way: B estimates its relay to A from A's feedback about pub-b's packets.
        assertTrue(linkA.incoming().transportFeedbacksSent() > 20 && linkB.egress().transportFeedbacks() > 20,
                "A reported arrivals to B: " + linkA.incoming().transportFeedbacksSent());
        assertTrue(linkB.egress().estimatedBps() > 0, "B has an estimate of its relay to A");
        assertEquals(0, linkB.egress().holds());
        RelayStats stats = relaysA.stats().get(0);
        assertEquals(egress.estimatedBps(), stats.estimateBps(), 0.2 * stats.estimateBps());
        assertEquals(0, stats.layersHeldBack());
        System.out.println("unconstrained relay: A sends " + sent[0] + " bit/s, estimate " + egress.estimatedBps()
                + "; B sends " + linkB.egress().bytesSent() + " bytes, estimate " + linkB.egress().estimatedBps());
    }

    @Test
    @Order(2)
    void whenTheRelayIsConstrainedTheEstimateFallsBelowTheCapAndTheHighLayerStopsCrossingWhileTheLowOneFlows()
            throws Exception {
        RelayEgress egress = linkA.egress();
        long heldBefore = egress.drops(RelayEgress.Drop.BANDWIDTH);
        long start = System.nanoTime();
        path.setRateBps(CAP_BPS, 60);
        StringBuilder trace = new StringBuilder();
        assertTrue(waitFor(() -> {
            trace.append(String.format(" %.2fs:%d%s", (System.nanoTime() - start) / 1e9, egress.estimatedBps(),
                    egress.isLimiting() ? "L" : ""));
            return egress.isLimiting() && egress.estimatedBps() < CAP_BPS;
        }, 10), "A's estimate fell below the cap and held layers back:" + trace + "; path dropped " + path.dropped.get());
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println("estimate under the cap:" + trace);
        // What is queued in the path drains; then f no longer arrives on B, q does.
        Thread.sleep(300);
        long q0 = layerOnB(0).bytesReceived();
        long f0 = layerOnB(2).bytesReceived();
        Thread.sleep(1000);
        long q = layerOnB(0).bytesReceived() - q0;
        long f = layerOnB(2).bytesReceived() - f0;
        assertTrue(egress.isLimiting(), "still held back");
        assertEquals(0, f, "f stopped crossing");
        assertTrue(q > 15_000, "q kept crossing: " + q + " bytes in 1 s");
        assertTrue(egress.drops(RelayEgress.Drop.BANDWIDTH) > heldBefore);
        assertTrue(egress.layersHeldBack() >= 1);
        assertTrue(egress.estimatedBps() < CAP_BPS, "the estimate " + egress.estimatedBps() + " stayed below the cap");
        RelayStats stats = relaysA.stats().get(0);
        assertTrue(stats.layersHeldBack() >= 1 && stats.estimateBps() < CAP_BPS, stats.toString());
        System.out.printf("constrained relay (%d bit/s): held back after %.1f s, estimate %d bit/s, need %d bit/s,"
                        + " path dropped %d packets; then q %d bytes/s and f %d bytes/s arrived on B%n", CAP_BPS, seconds,
                egress.estimatedBps(), egress.neededBps(), path.dropped.get(), q, f);
        path.setRateBps(0, 0);
    }
}
