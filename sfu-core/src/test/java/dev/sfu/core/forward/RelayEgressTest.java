package dev.sfu.core.forward;

import static dev.sfu.core.testutil.RoomHarness.OPUS;
import static dev.sfu.core.testutil.RoomHarness.VP8;
import static dev.sfu.core.testutil.RoomHarness.VP8_RTX;
import static dev.sfu.core.testutil.RoomHarness.audioSsrc;
import static dev.sfu.core.testutil.RoomHarness.rtxSsrc;
import static dev.sfu.core.testutil.RoomHarness.videoSsrc;
import static dev.sfu.core.testutil.RtpFixtures.OPUS_PAYLOAD;
import static dev.sfu.core.testutil.RtpFixtures.rtp;
import static dev.sfu.core.testutil.RtpFixtures.vp8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.core.room.Participant;
import dev.sfu.core.room.RoomRelay;
import dev.sfu.core.testutil.FakeTransport;
import dev.sfu.core.testutil.RoomHarness;
import dev.sfu.core.testutil.RtpFixtures;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.rtcp.NackPacket;
import dev.sfu.rtp.rtcp.PliPacket;
import dev.sfu.rtp.rtcp.ReceiverReport;
import dev.sfu.rtp.rtcp.ReportBlock;
import dev.sfu.rtp.rtcp.RtcpHeader;
import dev.sfu.rtp.rtcp.SenderReport;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sending half of a relay on its own, with fake transports and a fake clock: what crosses
 * (every packet once, unchanged, with nothing allocated per packet) and how the far node's
 * feedback is terminated here (RFC 4585 NACK as RFC 4588 RTX from this node's cache, PLI
 * rate-limited to the publisher, receiver reports kept, this node's own sender reports), with
 * every drop counted by reason.
 */
class RelayEgressTest {
    /** Counts instead of copying, so the allocation test measures the forwarding path only. */
    static final class CountingTransport extends FakeTransport {
        long sent;

        CountingTransport(String id) {
            super(id);
        }

        @Override
        public boolean sendRtp(byte[] buf, int off, int len) {
            sent++;
            return true;
        }

        @Override
        public boolean sendRtcp(byte[] buf, int off, int len) {
            return true;
        }
    }

    static RoomRelay relay(RelayEgress e) {
        return new RoomRelay() {
            @Override
            public RelayEgress egress() {
                return e;
            }

            @Override
            public void localParticipantChanged(Participant p) {
            }

            @Override
            public void localParticipantLeft(Participant p) {
            }
        };
    }

    static byte[] rtcp(int n, byte[] b) {
        return java.util.Arrays.copyOf(b, n + 64);
    }

    @Test
    void relayingAllocatesNothingPerPacketAndEveryPacketCrossesOnce() throws Exception {
        // Congestion control on: every packet across is stamped and recorded by the relay's estimator.
        RoomHarness h = new RoomHarness(8, ForwardingConfig.defaults(), dev.sfu.core.cc.CongestionControlConfig.defaults());
        Participant pub = h.manager.join("r", "pub", "n", new CountingTransport("pub"));
        CountingTransport subTransport = new CountingTransport("sub");
        Participant sub = h.manager.join("r", "sub", "n", subTransport);
        RoomHarness.publishAv(pub, 0);
        sub.activateDownTracks();
        CountingTransport wire = new CountingTransport("relay");
        RelayEgress egress = new RelayEgress(wire, h.manager.context());
        h.manager.attachRelay("r", relay(egress));
        assertEquals(2, egress.tracks().size(), "the publisher's audio and video are attached");
        // Without the publisher's transport-cc element (the fixtures' elements hold one byte): the relay adds its own.
        byte[] video = rtp(VP8, 0, 0, videoSsrc(0), new int[] {2, 4}, vp8(true, true));
        byte[] audio = rtp(OPUS, 0, 0, audioSsrc(0), new int[] {1, 4}, OPUS_PAYLOAD);
        run(h, pub, video, audio, 0, 20_000);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        run(h, pub, video, audio, 20_000, 40_000);
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertEquals(2 * 40_000L, wire.sent, "each packet crossed once");
        assertEquals(2 * 40_000L, subTransport.sent, "and reached the local subscriber");
        assertEquals(2 * 40_000L, egress.packetsSent());
        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes for 40,000 packets");
        assertEquals(0, egress.unstamped(), "every packet carried the relay's transport-wide sequence number");
        assertEquals(2 * 40_000L, egress.estimator().packetsSent(), "and was recorded for the relay's estimate");
        egress.close();
        h.manager.close();
        assertEquals(0, h.pool.outstanding(), "pooled buffers leaked");
    }

    private static void run(RoomHarness h, Participant p, byte[] video, byte[] audio, int from, int to) {
        for (int seq = from; seq < to; seq++) {
            video[2] = (byte) (seq >>> 8);
            video[3] = (byte) seq;
            audio[2] = (byte) (seq >>> 8);
            audio[3] = (byte) seq;
            p.endpoint().onRtp(video, 0, video.length);
            p.endpoint().onRtp(audio, 0, audio.length);
            h.advance(1_000_000L);
        }
    }

    /**
     * The relay's estimate from transport-cc feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01)
     * with a fake clock: below what the far node needs but never cut, it holds nothing back; cut by
     * loss, it holds back the highest simulcast layer that does not fit (never audio, never the
     * lowest layer); {@link RelayEgress#HOLD_NANOS} after the last cut everything crosses again.
     */
    @Test
    void aCutEstimateHoldsBackTheHighestLayersUntilTheHoldEnds() throws Exception {
        RoomHarness h = new RoomHarness(8, ForwardingConfig.defaults(), dev.sfu.core.cc.CongestionControlConfig.defaults());
        Participant pub = h.join("r", "pub");
        dev.sfu.core.room.PublishedTrack audio = new dev.sfu.core.room.PublishedTrack("a", dev.sfu.core.room.MediaKind.AUDIO,
                "0", audioSsrc(0), -1, RoomHarness.opusCodecs(), RoomHarness.extensions());
        dev.sfu.core.room.PublishedTrack video = dev.sfu.core.testutil.SimulcastPublisher.track("v", RoomHarness.vp8Codecs());
        pub.publish(List.of(audio, video));
        FakeTransport wire = new FakeTransport("relay");
        RelayEgress egress = new RelayEgress(wire, h.manager.context());
        h.manager.attachRelay("r", relay(egress));
        Feedback fb = new Feedback(h, egress, wire, RelayEgress.transportCcIdOnRelay(audio),
                RelayEgress.transportCcIdOnRelay(video));
        assertEquals(3, fb.audioId, "the audio track's own transport-cc id");
        assertEquals(1, fb.videoId, "the lowest id the simulcast track does not use");

        // q 160 kbit/s, h 400 kbit/s, f 880 kbit/s and audio: above the initial 1 Mbit/s, never cut.
        fb.frames(pub, 150, 0);
        assertTrue(egress.estimatedBps() > 0 && egress.estimatedBps() < egress.neededBps(),
                egress.estimatedBps() + " vs " + egress.neededBps());
        assertEquals(0, egress.holds(), "an estimate that was never cut holds nothing back");
        assertEquals(0, egress.drops(RelayEgress.Drop.BANDWIDTH));

        // Half of what crosses is lost: the loss-based side cuts, f no longer fits.
        fb.frames(pub, 100, 2);
        assertTrue(egress.isLimiting(), "estimate " + egress.estimatedBps() + ", need " + egress.neededBps());
        assertEquals(1, egress.holds());
        fb.counts.clear();
        fb.frames(pub, 20, 0);
        assertEquals(0, fb.count(0x6003), "f held back");
        assertEquals(20, fb.count(0x6001), "q crosses");
        assertEquals(10, fb.count(audioSsrc(0)), "audio crosses");
        assertTrue(egress.drops(RelayEgress.Drop.BANDWIDTH) >= 20);
        assertTrue(egress.layersHeldBack() >= 1);

        // No cut for the hold's length: everything needed crosses again.
        fb.frames(pub, (int) (RelayEgress.HOLD_NANOS / (10 * RoomHarness.MS)) + 50, 0);
        assertTrue(!egress.isLimiting(), "the hold ended");
        fb.counts.clear();
        fb.frames(pub, 20, 0);
        assertEquals(20, fb.count(0x6003), "f crosses again");
        assertEquals(0, egress.layersHeldBack());
        egress.close();
        h.manager.close();
    }

    /**
     * The far node of {@link #aCutEstimateHoldsBackTheHighestLayersUntilTheHoldEnds}: reads the
     * relay's sequence numbers off what crosses and reports every 50 ms that each arrived 20 ms
     * after it was sent, or, with {@code lossEvery} n, that every n-th did not.
     */
    static final class Feedback {
        final RoomHarness h;
        final RelayEgress egress;
        final FakeTransport wire;
        final int audioId;
        final int videoId;
        final java.util.Map<Long, Integer> counts = new java.util.HashMap<>();
        final java.util.List<long[]> pending = new java.util.ArrayList<>();
        final byte[] out = new byte[1500];
        int frame;

        Feedback(RoomHarness h, RelayEgress egress, FakeTransport wire, int audioId, int videoId) {
            this.h = h;
            this.egress = egress;
            this.wire = wire;
            this.audioId = audioId;
            this.videoId = videoId;
        }

        int count(long ssrc) {
            return counts.getOrDefault(ssrc, 0);
        }

        void frames(Participant pub, int n, int lossEvery) {
            long[] ssrcs = {0x6001, 0x6002, 0x6003};
            String[] rids = {"q", "h", "f"};
            int[] sizes = {200, 500, 1100};
            for (int k = 0; k < n; k++) {
                int i = frame++;
                for (int l = 0; l < 3; l++) {
                    byte[] payload = java.util.Arrays.copyOf(dev.sfu.core.testutil.SimulcastPublisher.vp8Payload(i % 100 == 0,
                            i & 0x7FFF, i & 0xFF, 0, 0, 320 << l, 180 << l), sizes[l]);
                    byte[] p = dev.sfu.core.testutil.SimulcastPublisher.packet(VP8, true, i & 0xFFFF, 900L * i, ssrcs[l],
                            dev.sfu.core.testutil.SimulcastPublisher.MID_VALUE, rids[l], null, payload, 0);
                    pub.endpoint().onRtp(p, 0, p.length);
                }
                if (i % 2 == 0) {
                    byte[] a = rtp(OPUS, (i / 2) & 0xFFFF, 960L * i, audioSsrc(0), new int[0], OPUS_PAYLOAD);
                    pub.endpoint().onRtp(a, 0, a.length);
                }
                long now = h.now.get();
                for (byte[] p : wire.rtp) {
                    long ssrc = RtpFixtures.ssrc(p);
                    counts.merge(ssrc, 1, Integer::sum);
                    int seq = dev.sfu.rtp.ext.TransportCcExtension.read(p, 0, p.length,
                            ssrc == audioSsrc(0) ? audioId : videoId);
                    assertTrue(seq >= 0, "stamped");
                    pending.add(new long[] {seq, now});
                }
                wire.rtp.clear();
                h.advance(10 * RoomHarness.MS);
                if (i % 5 == 4 && !pending.isEmpty()) {
                    report(lossEvery);
                }
            }
        }

        private void report(int lossEvery) {
            int count = pending.size();
            boolean[] received = new boolean[count];
            long[] arrivalUs = new long[count];
            for (int j = 0; j < count; j++) {
                received[j] = lossEvery == 0 || j % lossEvery != 0;
                arrivalUs[j] = pending.get(j)[1] / 1000 + 20_000;
                if (j > 0) {
                    assertEquals((pending.get(j - 1)[0] + 1) & 0xFFFF, pending.get(j)[0], "one sequence across all streams");
                }
            }
            int n = dev.sfu.rtp.rtcp.TransportCcFeedback.write(out, 0, out.length - 64, 0xFA7, 0x6001,
                    (int) pending.get(0)[0], frame & 0xFF, received, arrivalUs, count);
            assertTrue(n > 0);
            egress.onFeedback(out, 0, n);
            pending.clear();
        }
    }

    @Test
    void feedbackFromTheFarNodeIsTerminatedHereAndEveryDropIsCounted() throws Exception {
        RoomHarness h = new RoomHarness(8);
        Participant pub = h.join("r", "pub");
        RoomHarness.publishAv(pub, 0);
        FakeTransport wire = new FakeTransport("relay");
        RelayEgress egress = new RelayEgress(wire, h.manager.context());
        RoomRelay attached = relay(egress);
        h.manager.attachRelay("r", attached);
        for (int seq = 1; seq <= 10; seq++) {
            byte[] v = rtp(VP8, seq, 3000L * seq, videoSsrc(0), new int[0], vp8(seq == 1, true));
            pub.endpoint().onRtp(v, 0, v.length);
            h.advance(1_000_000L);
        }
        assertEquals(10, wire.rtp.size(), "no local subscriber, and still every packet crossed");
        assertEquals(videoSsrc(0), RtpFixtures.ssrc(wire.rtp.get(4)), "unchanged SSRC");
        assertEquals(5, RtpFixtures.seq(wire.rtp.get(4)), "unchanged sequence number");
        wire.rtp.clear();
        byte[] b = new byte[256];

        // A NACK for a cached packet: answered as RTX on the layer's RTX SSRC, original sequence number first.
        egress.onFeedback(b, 0, NackPacket.write(b, 0, 200, 0xFA7, videoSsrc(0), new int[] {5}, 0, 1));
        assertEquals(1, egress.retransmissions());
        byte[] rtx = wire.rtp.get(0);
        assertEquals(rtxSsrc(0), RtpFixtures.ssrc(rtx));
        assertEquals(VP8_RTX, RtpFixtures.pt(rtx));
        int h0 = RtpPacket.validHeaderLength(rtx, 0, rtx.length);
        assertEquals(5, ((rtx[h0] & 0xFF) << 8) | (rtx[h0 + 1] & 0xFF), "RFC 4588 OSN");
        // A second answer has a sequence number of its own on the RTX stream.
        egress.onFeedback(b, 0, NackPacket.write(b, 0, 200, 0xFA7, videoSsrc(0), new int[] {6}, 0, 1));
        assertEquals((RtpFixtures.seq(rtx) + 1) & 0xFFFF, RtpFixtures.seq(wire.rtp.get(1)));
        // Not (or no longer) cached; an SSRC this relay does not send; audio without a cache.
        egress.onFeedback(b, 0, NackPacket.write(b, 0, 200, 0xFA7, videoSsrc(0), new int[] {900}, 0, 1));
        assertEquals(1, egress.drops(RelayEgress.Drop.NOT_CACHED));
        egress.onFeedback(b, 0, NackPacket.write(b, 0, 200, 0xFA7, 0xBAD, new int[] {5}, 0, 1));
        egress.onFeedback(b, 0, NackPacket.write(b, 0, 200, 0xFA7, audioSsrc(0), new int[] {5}, 0, 1));
        assertEquals(2, egress.drops(RelayEgress.Drop.UNKNOWN_SSRC));
        assertEquals(5, egress.nacksReceived());
        // Truncated: counted, never thrown.
        NackPacket.write(b, 0, 200, 0xFA7, videoSsrc(0), new int[] {5}, 0, 1);
        b[3] = 1;
        egress.onFeedback(b, 0, 8);
        assertEquals(1, egress.drops(RelayEgress.Drop.MALFORMED));

        // PLIs: the first becomes a PLI to the publisher, the next within 300 ms falls in its rate limit.
        FakeTransport pubTransport = h.transport("pub");
        int plisBefore = pubTransport.rtcp(RtcpHeader.PT_PSFB, 1).size();
        egress.onFeedback(b, 0, PliPacket.write(b, 0, 200, 0xFA7, videoSsrc(0)));
        egress.onFeedback(b, 0, PliPacket.write(b, 0, 200, 0xFA7, videoSsrc(0)));
        assertEquals(2, egress.keyframeRequestsReceived());
        assertEquals(1, egress.keyframeRequestsSent());
        assertEquals(plisBefore + 1, pubTransport.rtcp(RtcpHeader.PT_PSFB, 1).size());
        h.advance(400 * RoomHarness.MS);
        egress.onFeedback(b, 0, PliPacket.write(b, 0, 200, 0xFA7, videoSsrc(0)));
        assertEquals(2, egress.keyframeRequestsSent(), "after the interval, again");

        // A receiver report about the relayed video: kept here, not forwarded.
        int rtcpToPublisher = pubTransport.rtcp.size();
        ReportBlock.write(b, ReceiverReport.HEADER_SIZE, 200, videoSsrc(0), 25, 1, 10, 0, 0, 0);
        egress.onFeedback(b, 0, ReceiverReport.write(b, 0, 200, 0xFA7, 1));
        assertEquals(1, egress.receiverReports());
        assertEquals(25, egress.fractionLost());
        assertEquals(rtcpToPublisher, pubTransport.rtcp.size());

        // The publisher's sender report: this node's own SR for the relayed SSRC, with its counts.
        wire.rtcp.clear();
        int sr = SenderReport.write(b, 0, 200, videoSsrc(0), 0xE000_0000_1234_0000L, 30_000, 10, 110, 0);
        pub.endpoint().onRtcp(rtcp(sr, b), 0, sr);
        List<byte[]> srs = wire.rtcp(RtcpHeader.PT_SR, -1);
        assertEquals(1, srs.size());
        SenderReport view = new SenderReport();
        assertTrue(view.wrap(srs.get(0), 0, srs.get(0).length));
        assertEquals(videoSsrc(0), view.senderSsrc());
        assertEquals(0xE000_0000_1234_0000L, view.ntpTimestamp());
        assertEquals(30_000, view.rtpTimestamp());
        assertEquals(10, view.packetCount(), "the packets this node relayed");
        assertEquals(1, egress.senderReportsSent());

        // A transport that refuses: counted.
        wire.refuse = true;
        byte[] v = rtp(VP8, 11, 33_000, videoSsrc(0), new int[0], vp8(false, true));
        pub.endpoint().onRtp(v, 0, v.length);
        assertEquals(1, egress.drops(RelayEgress.Drop.TRANSPORT_REFUSED));

        // Detached when the room lets it go; the buffer goes back.
        h.manager.detachRelay("r", attached);
        egress.close();
        assertTrue(egress.tracks().isEmpty());
        h.manager.close();
        assertEquals(0, h.pool.outstanding(), "pooled buffers leaked");
    }
}
