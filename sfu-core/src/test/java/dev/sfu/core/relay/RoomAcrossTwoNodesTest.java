package dev.sfu.core.relay;

import static dev.sfu.core.testutil.RoomHarness.OPUS;
import static dev.sfu.core.testutil.RoomHarness.VP8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import dev.sfu.core.cc.CongestionControlConfig;
import dev.sfu.core.forward.DownTrack;
import dev.sfu.core.forward.ForwardingConfig;
import dev.sfu.core.forward.ForwardingContext;
import dev.sfu.core.forward.RelayEgress;
import dev.sfu.core.forward.UpTrack;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.Participant;
import dev.sfu.core.room.PublishedTrack;
import dev.sfu.core.room.Room;
import dev.sfu.core.room.RoomListener;
import dev.sfu.core.room.RoomManager;
import dev.sfu.core.testutil.RoomHarness;
import dev.sfu.core.testutil.RtpFixtures;
import dev.sfu.core.testutil.SimulcastPublisher;
import dev.sfu.core.transport.TransportClient;
import dev.sfu.core.transport.TransportConfig;
import dev.sfu.core.transport.TransportServer;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One room on two nodes in one JVM, each with its own media port (TransportServer on 127.0.0.1,
 * port 0) and its own rooms, joined by a relay (ICE, DTLS, SRTP over loopback) that node B dials
 * and node A, the room's owner, answers. Synthetic participants use the client role over real
 * UDP. One scenario, in order: a publisher on A and two subscribers on B; per-hop NACK and
 * keyframe requests; a publisher on B and a subscriber on A; the relay closing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RoomAcrossTwoNodesTest {
    static final String ROOM = "spread";
    static final long AUDIO = 0x1111;
    static final long VIDEO = 0x2222;
    static final long VIDEO_RTX = 0x3333;
    static final long AUDIO_B = 0x4444;

    static InMemoryRelaySignals signals;
    static Node a;
    static Node b;
    static TransportClient peers;
    static SyntheticPeer publisher;
    static SyntheticPeer s1;
    static SyntheticPeer s2;
    static RelayLink linkA;
    static RelayLink linkB;
    static int audioSent;
    static int videoSent;
    static int lastVideoSeq;
    static int rounds;
    static final List<RelayMessage.LayersNeeded> layersNeededByB = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** One node: its media port, its rooms, its relays. */
    record Node(String id, TransportServer server, RoomManager rooms, RelayManager relays, List<String> layersAsked) {
        static Node start(String id, RelaySignals signals) throws Exception {
            TransportServer server = TransportServer.start(TransportConfig.loopbackEphemeral());
            List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
            RoomListener events = new RoomListener() {
                @Override
                public void layersNeeded(Participant publisher, UpTrack track, List<String> rids) {
                    asked.add(publisher.id() + " " + rids);
                }
            };
            RoomManager rooms = new RoomManager(new MetricRegistry(), events, 10,
                    new ForwardingContext(ForwardingContext.newPool(), ForwardingConfig.defaults(), System::nanoTime,
                            CongestionControlConfig.disabled()));
            return new Node(id, server, rooms, new RelayManager(id, server, rooms, signals), asked);
        }

        void close() {
            relays.close();
            rooms.close();
            server.close();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        signals = new InMemoryRelaySignals();
        a = Node.start("node-a", signals);
        // B's messages are recorded on their way (dynacast across the relay).
        b = Node.start("node-b", new RelaySignals() {
            @Override
            public void send(String toNode, RelayMessage message) {
                if (message instanceof RelayMessage.LayersNeeded n) {
                    layersNeededByB.add(n);
                }
                signals.send(toNode, message);
            }

            @Override
            public AutoCloseable register(String nodeId, java.util.function.Consumer<RelayMessage> handler) {
                return signals.register(nodeId, handler);
            }
        });
        peers = TransportClient.start(TransportConfig.loopbackEphemeral());
    }

    @AfterAll
    static void stop() {
        for (SyntheticPeer p : new SyntheticPeer[] {publisher, s1, s2}) {
            if (p != null) {
                p.close();
            }
        }
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (peers != null) {
            peers.close();
        }
        signals.close();
    }

    static boolean waitFor(BooleanSupplier condition, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** The publisher on A sends {@code n} rounds of one audio packet and a one-packet video frame (a keyframe every 25). */
    static void sendRounds(int n) throws InterruptedException {
        for (int k = 0; k < n; k++) {
            int i = rounds++;
            int seq = 1000 + i;
            publisher.send(RtpFixtures.rtp(OPUS, seq, 960L * i, AUDIO, new int[0], RtpFixtures.OPUS_PAYLOAD));
            audioSent++;
            publisher.send(RtpFixtures.rtp(VP8, seq, 3000L * i, VIDEO, new int[0], RtpFixtures.vp8(i % 25 == 0, true)));
            videoSent++;
            lastVideoSeq = seq;
            Thread.sleep(2);
        }
    }

    /** Fresh packets (the caches keep 1 s), then waits until what A relayed has arrived on B. */
    static void freshPacketsOnB() throws InterruptedException {
        sendRounds(10);
        waitFor(() -> linkB.incoming().packetsReceived() >= linkA.egress().packetsSent(), 2);
        Thread.sleep(50);
    }

    static DownTrack downTrack(SyntheticPeer peer, MediaKind kind) {
        for (DownTrack d : peer.participant.downTracks()) {
            if (d.kind() == kind) {
                return d;
            }
        }
        throw new AssertionError(peer.participant.id() + " has no " + kind + " DownTrack");
    }

    @Test
    @Order(1)
    void everyPacketOfAPublisherOnACrossesTheRelayOnceAndReachesBothSubscribersOnB() throws Exception {
        publisher = SyntheticPeer.join(a.rooms(), a.server(), peers, ROOM, "pub");
        publisher.participant.publish(List.of(
                new PublishedTrack("a-pub", MediaKind.AUDIO, "0", AUDIO, -1, RoomHarness.opusCodecs(), RoomHarness.extensions()),
                new PublishedTrack("v-pub", MediaKind.VIDEO, "1", VIDEO, VIDEO_RTX, RoomHarness.vp8Codecs(), RoomHarness.extensions())));
        s1 = SyntheticPeer.join(b.rooms(), b.server(), peers, ROOM, "s1");
        s2 = SyntheticPeer.join(b.rooms(), b.server(), peers, ROOM, "s2");

        // B joined the room later: it dials A, the owner.
        linkB = b.relays().connect(ROOM, a.id());
        assertTrue(waitFor(() -> a.relays().link(ROOM, b.id()) != null, 10), "A answered the offer");
        linkA = a.relays().link(ROOM, b.id());
        assertTrue(linkB.awaitConnected(15, TimeUnit.SECONDS), "relay connected on B");
        assertTrue(linkA.awaitConnected(15, TimeUnit.SECONDS), "relay connected on A");
        assertTrue(linkB.isDialer());
        assertFalse(linkA.isDialer());

        // B mirrors the publisher as a remote participant; its subscribers get ordinary DownTracks.
        assertTrue(waitFor(() -> s1.participant.downTracks().size() == 2 && s2.participant.downTracks().size() == 2, 10),
                "subscribers on B got the publisher's tracks");
        Participant remote = b.rooms().room(ROOM).participant("pub");
        assertNotNull(remote);
        assertTrue(remote.isRemote());
        assertEquals(a.id(), remote.remoteNode());
        assertEquals(2, b.rooms().room(ROOM).localSize(), "the remote participant does not count against B's limit");
        s1.participant.activateDownTracks();
        s2.participant.activateDownTracks();
        // And A mirrors B's two subscribers: everyone is in the room on both nodes.
        assertTrue(waitFor(() -> a.rooms().room(ROOM).size() == 3, 10), "A sees s1 and s2");
        assertTrue(a.rooms().room(ROOM).participant("s1").isRemote());

        sendRounds(150);
        long audioToS1 = downTrack(s1, MediaKind.AUDIO).ssrc();
        long audioToS2 = downTrack(s2, MediaKind.AUDIO).ssrc();
        long videoToS1 = downTrack(s1, MediaKind.VIDEO).ssrc();
        long videoToS2 = downTrack(s2, MediaKind.VIDEO).ssrc();
        assertTrue(waitFor(() -> s1.received(audioToS1) >= audioSent * 9 / 10 && s2.received(audioToS2) >= audioSent * 9 / 10
                && s1.received(videoToS1) > 0 && s2.received(videoToS2) > 0, 10),
                "both subscribers on B receive: s1 audio " + s1.received(audioToS1) + " video " + s1.received(videoToS1)
                        + ", s2 audio " + s2.received(audioToS2) + " video " + s2.received(videoToS2) + " of " + audioSent);

        RelayEgress egress = linkA.egress();
        // Every packet that reached A's fan-out (only this publisher publishes on A).
        long arrivedOnA = a.rooms().room(ROOM).metrics().stage("fanout").inCount();
        assertTrue(waitFor(() -> linkB.incoming().packetsReceived() >= egress.packetsSent() * 9 / 10, 5));
        // Once per packet, whatever the number of subscribers on B: not twice.
        assertEquals(arrivedOnA, egress.packetsSent(), "every packet A received crossed exactly once");
        assertTrue(egress.packetsSent() <= audioSent + videoSent, "no packet crossed twice: " + egress.packetsSent());
        assertTrue(egress.packetsSent() >= (audioSent + videoSent) * 9 / 10, "packets crossed: " + egress.packetsSent());
        assertTrue(linkB.incoming().packetsReceived() <= egress.packetsSent());
        assertEquals(0, linkB.incoming().drops(RelayReceiver.Drop.UNKNOWN_SSRC));
        RelayStats statsA = a.relays().stats().get(0);
        assertEquals(b.id(), statsA.peerNode());
        assertFalse(statsA.dialer());
        assertEquals(2, statsA.tracksRelayed());
        assertEquals(2, statsA.remoteParticipants());
        assertEquals(egress.packetsSent(), statsA.packetsSent());
        assertEquals(0L, statsA.drops().get("egress.TRANSPORT_REFUSED"));
        // Congestion control is off on these nodes: nothing stamped across, nothing read, no feedback.
        assertEquals(0, linkB.incoming().transportCcPackets());
        assertEquals(-1, statsA.estimateBps());

        // Sender reports are terminated per hop: A writes its own for the relayed stream (the
        // publisher's NTP/RTP mapping, A's counts), B translates it for each subscriber.
        long srsFromA = linkA.egress().senderReportsSent();
        publisher.sendSenderReport(VIDEO, 0xE000_0000_0000_0000L, 3000L * 149, videoSent, videoSent * 11L);
        assertTrue(waitFor(() -> s1.senderReports(videoToS1) > 0 && s2.senderReports(videoToS2) > 0, 5),
                "both subscribers on B got a sender report for their video");
        assertEquals(srsFromA + 1, linkA.egress().senderReportsSent());
        // And B reports reception of the relayed streams to A, with its own receiver reports.
        // (ReceiverReports sends one a second while packets arrive.)
        assertTrue(waitFor(() -> {
            try {
                sendRounds(5);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return linkA.egress().receiverReports() > 0;
        }, 5), "B's receiver reports reached A");
    }

    @Test
    @Order(2)
    void aNackFromASubscriberOnBIsAnsweredFromBsCacheWithoutCrossingTheRelay() throws Exception {
        freshPacketsOnB();
        DownTrack video = downTrack(s1, MediaKind.VIDEO);
        Integer outSeq = s1.lastSeq.get(video.ssrc());
        assertNotNull(outSeq, "s1 received video");
        long crossedBefore = linkB.incoming().packetsReceived();
        long nacksOnA = linkA.egress().nacksReceived();
        long resentByA = linkA.egress().retransmissions();
        long rtxBefore = s1.received(video.rtxSsrc());

        s1.sendNack(video.ssrc(), outSeq);
        assertTrue(waitFor(() -> s1.received(video.rtxSsrc()) > rtxBefore, 5),
                "s1 got the packet again (RFC 4588 RTX) from node B");
        assertEquals(crossedBefore, linkB.incoming().packetsReceived(), "nothing crossed the relay for it");
        assertEquals(nacksOnA, linkA.egress().nacksReceived(), "A never heard of that NACK");
        assertEquals(resentByA, linkA.egress().retransmissions());
    }

    @Test
    @Order(3)
    void aNackFromNodeBIsAnsweredFromAsCacheAcrossTheRelay() throws Exception {
        // What B's own NACK generator sends when a packet is lost on the relay: the original SSRC
        // and sequence number, answered by A from its cache (the publisher is not asked).
        freshPacketsOnB();
        long crossedBefore = linkB.incoming().packetsReceived();
        long resentByA = linkA.egress().retransmissions();
        long duplicatesOnB = b.rooms().room(ROOM).metrics().stage("dedup").droppedCount();
        SyntheticPeer.sendNack(linkB.transport(), VIDEO, lastVideoSeq);
        assertTrue(waitFor(() -> linkA.egress().retransmissions() > resentByA, 5), "A answered from its cache");
        assertTrue(waitFor(() -> linkB.incoming().packetsReceived() > crossedBefore, 5), "the packet crossed again");
        // B undid the RTX and recognised the packet it already had (it was not lost here).
        assertTrue(waitFor(() -> b.rooms().room(ROOM).metrics().stage("dedup").droppedCount() > duplicatesOnB, 5),
                "B decoded the RTX to the original sequence number");
        assertEquals(0, publisher.received.size(), "the publisher was never asked to resend (it receives no RTP)");
    }

    @Test
    @Order(4)
    void aPliFromASubscriberOnBReachesThePublisherOnAThroughTheRelay() throws Exception {
        long requestsOnA = linkA.egress().keyframeRequestsReceived();
        int plisBefore = publisher.plis(VIDEO);
        DownTrack video = downTrack(s2, MediaKind.VIDEO);
        // Both hops rate-limit keyframe requests (300 ms): ask until one gets through.
        assertTrue(waitFor(() -> {
            s2.sendPli(video.ssrc());
            return publisher.plis(VIDEO) > plisBefore;
        }, 10), "the publisher on A got a PLI for its video");
        assertTrue(linkA.egress().keyframeRequestsReceived() > requestsOnA, "it came across the relay");
        assertTrue(linkA.egress().keyframeRequestsSent() >= 1);
    }

    @Test
    @Order(5)
    void simulcastLayersCrossAsTheFarNodesSubscribersNeedThemAndTheFarNodeLearnsTheirSsrcs() throws Exception {
        SyntheticPeer sim = SyntheticPeer.join(a.rooms(), a.server(), peers, ROOM, "sim");
        try {
            // Three rids, no SSRCs in the "offer": A learns them from the rid extension (RFC 8852).
            sim.participant.publish(List.of(SimulcastPublisher.track("v-sim", RoomHarness.vp8Codecs())));
            assertTrue(waitFor(() -> s1.participant.downTracks().stream().anyMatch(d -> d.trackId().equals("v-sim")), 10),
                    "s1 on B got the simulcast track");
            s1.participant.activateDownTracks();
            DownTrack d = s1.participant.downTracks().stream().filter(x -> x.trackId().equals("v-sim")).findFirst().orElseThrow();
            // B's allocation decides which layers its subscribers need, and tells A (dynacast across the relay).
            d.setConstraints(new dev.sfu.core.forward.VideoConstraints(320, 180, true));
            b.rooms().scheduler().allocate(b.rooms().room(ROOM));
            assertTrue(waitFor(() -> layersNeededByB.stream().anyMatch(n -> n.trackId().equals("v-sim")), 5),
                    "B asked A for the layers it needs");
            assertTrue(signals.awaitIdle(5_000));
            List<String> needed = lastLayersNeeded("v-sim");
            assertFalse(needed.isEmpty());
            // A, with no subscriber of its own for it, asks its publisher for exactly what B needs.
            assertTrue(waitFor(() -> a.layersAsked().contains("sim " + needed), 5), a.layersAsked() + " vs " + needed);

            long fanOutOnA = a.rooms().room(ROOM).metrics().stage("fanout").inCount();
            long crossedBefore = linkA.egress().packetsSent();
            long heldBefore = linkA.egress().drops(RelayEgress.Drop.LAYER_NOT_NEEDED);
            String[] rids = {"q", "h", "f"};
            long[] ssrcs = {0x5001, 0x5002, 0x5003};
            int[] widths = {320, 640, 1280};
            for (int i = 0; i < 60; i++) {
                for (int l = 0; l < 3; l++) {
                    // The synthetic publisher ignores dynacast and keeps sending all three.
                    sim.send(SimulcastPublisher.packet(VP8, true, 100 + i, 3000L * i, ssrcs[l], SimulcastPublisher.MID_VALUE,
                            rids[l], null, SimulcastPublisher.vp8Payload(i % 20 == 0, i, i, 0, 0, widths[l], widths[l] * 9 / 16), 0));
                }
                Thread.sleep(2);
            }
            Participant remote = b.rooms().room(ROOM).participant("sim");
            UpTrack mirrored = remote.upTracks().get(0);
            assertTrue(waitFor(() -> mirrored.layers().get(0).ssrc() == ssrcs[0] && mirrored.layers().get(1).ssrc() == ssrcs[1]
                    && mirrored.layers().get(2).ssrc() == ssrcs[2], 5),
                    "B was told the layers' SSRCs that A learned: " + mirrored.layers());
            assertTrue(waitFor(() -> s1.received(d.ssrc()) > 0, 5), "s1 receives one of the layers");
            long arrived = a.rooms().room(ROOM).metrics().stage("fanout").inCount() - fanOutOnA;
            long crossed = linkA.egress().packetsSent() - crossedBefore;
            long held = linkA.egress().drops(RelayEgress.Drop.LAYER_NOT_NEEDED) - heldBefore;
            assertTrue(arrived >= 3 * 60 * 9 / 10, "packets of the three layers: " + arrived);
            assertEquals(arrived, crossed + held, "each packet crossed once or was held back by dynacast");
            assertTrue(crossed >= 60 * needed.size() * 9 / 10 && crossed <= 60L * needed.size(),
                    "only the " + needed + " layer(s) crossed: " + crossed + " of " + arrived);
            System.out.println("simulcast across the relay: B needed " + needed + ", " + crossed + " of " + arrived
                    + " packets crossed; " + linkB.incoming().drops(RelayReceiver.Drop.UNKNOWN_SSRC)
                    + " dropped on B before A described the learned SSRCs");
        } finally {
            sim.participant.leave(dev.sfu.core.room.LeaveReason.LEFT);
            sim.close();
        }
        assertTrue(waitFor(() -> s1.participant.downTracks().stream().noneMatch(x -> x.trackId().equals("v-sim")), 5),
                "the simulcast track left s1 when its publisher left A");
    }

    static List<String> lastLayersNeeded(String trackId) {
        List<String> last = List.of();
        for (RelayMessage.LayersNeeded n : layersNeededByB) {
            if (n.trackId().equals(trackId)) {
                last = n.rids();
            }
        }
        return last;
    }

    @Test
    @Order(6)
    void aPublisherOnBReachesASubscriberOnA() throws Exception {
        SyntheticPeer sub = SyntheticPeer.join(a.rooms(), a.server(), peers, ROOM, "s3");
        SyntheticPeer pub = SyntheticPeer.join(b.rooms(), b.server(), peers, ROOM, "pub-b");
        try {
            pub.participant.publish(List.of(new PublishedTrack("a-pub-b", MediaKind.AUDIO, "0", AUDIO_B, -1,
                    RoomHarness.opusCodecs(), RoomHarness.extensions())));
            assertTrue(waitFor(() -> sub.participant.downTracks().stream()
                    .anyMatch(d -> d.source().publisher().id().equals("pub-b")), 10), "s3 on A got pub-b's audio");
            sub.participant.activateDownTracks();
            long fanOutOnB = b.rooms().room(ROOM).metrics().stage("fanout").inCount();
            long crossedBefore = linkB.egress().packetsSent();
            DownTrack d = sub.participant.downTracks().stream()
                    .filter(x -> x.source().publisher().id().equals("pub-b")).findFirst().orElseThrow();
            for (int i = 0; i < 50; i++) {
                pub.send(RtpFixtures.rtp(OPUS, 7000 + i, 960L * i, AUDIO_B, new int[0], RtpFixtures.OPUS_PAYLOAD));
                Thread.sleep(2);
            }
            assertTrue(waitFor(() -> sub.received(d.ssrc()) >= 45, 10), "s3 received " + sub.received(d.ssrc()));
            assertEquals(b.rooms().room(ROOM).metrics().stage("fanout").inCount() - fanOutOnB,
                    linkB.egress().packetsSent() - crossedBefore, "each packet of pub-b crossed B->A once");
            assertTrue(linkB.egress().packetsSent() - crossedBefore >= 45, "pub-b's packets crossed");
            // And the subscribers on B hear pub-b directly, as usual.
            assertTrue(waitFor(() -> s1.participant.downTracks().stream()
                    .anyMatch(x -> x.source().publisher().id().equals("pub-b")), 5));
        } finally {
            pub.participant.leave(dev.sfu.core.room.LeaveReason.LEFT);
            pub.close();
            sub.participant.leave(dev.sfu.core.room.LeaveReason.LEFT);
            sub.close();
        }
        assertTrue(waitFor(() -> a.rooms().room(ROOM).participant("pub-b") == null, 5), "A heard that pub-b left");
    }

    @Test
    @Order(7)
    void closingTheRelayRemovesTheRemoteParticipantsOnBothNodes() throws Exception {
        b.relays().disconnect(ROOM, a.id(), "test");
        assertTrue(waitFor(() -> a.relays().link(ROOM, b.id()) == null, 5), "A closed its end");
        Room onB = b.rooms().room(ROOM);
        Room onA = a.rooms().room(ROOM);
        assertTrue(waitFor(() -> onA.size() == 1, 5), "only the publisher is left on A: " + onA.participants());
        assertEquals(2, onB.size(), "only s1 and s2 are left on B: " + onB.participants());
        assertTrue(s1.participant.downTracks().isEmpty(), "s1 no longer receives the publisher on A");
        assertTrue(onB.relays().isEmpty());
        assertTrue(linkA.egress().isClosed());
        assertFalse(linkB.transport().isConnected());
    }

    @Test
    @Order(8)
    void whenTheOtherNodeIsGoneItsParticipantsLeaveAtOnce() throws Exception {
        // The room spans the nodes again: a new relay, a new handshake.
        RelayLink again = b.relays().connect(ROOM, a.id());
        assertTrue(again.awaitConnected(15, TimeUnit.SECONDS), "relay connected again");
        assertTrue(waitFor(() -> b.rooms().room(ROOM).participant("pub") != null
                && a.rooms().room(ROOM).participant("s1") != null, 10), "both nodes mirror each other again");
        // The cluster says B is dead (in truth it is alive here, and is not told).
        assertEquals(1, a.relays().nodeGone(b.id()));
        assertEquals(1, a.rooms().room(ROOM).size(), "B's participants left A at once");
        assertEquals(null, a.relays().link(ROOM, b.id()));
        assertEquals(0, b.relays().nodeGone("no-such-node"));
        b.relays().nodeGone(a.id());
        assertEquals(2, b.rooms().room(ROOM).size());
    }
}
