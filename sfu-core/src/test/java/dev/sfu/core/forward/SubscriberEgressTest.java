package dev.sfu.core.forward;

import dev.sfu.core.cc.CongestionControlConfig;
import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.Participant;
import dev.sfu.core.testutil.FakeTransport;
import dev.sfu.core.testutil.RoomHarness;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.ext.HeaderExtensions;
import dev.sfu.rtp.ext.TransportCcExtension;
import dev.sfu.rtp.rtcp.TransportCcFeedback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.sfu.core.testutil.RoomHarness.ABS_SEND_TIME;
import static dev.sfu.core.testutil.RoomHarness.AUDIO_LEVEL;
import static dev.sfu.core.testutil.RoomHarness.MS;
import static dev.sfu.core.testutil.RoomHarness.OPUS;
import static dev.sfu.core.testutil.RoomHarness.TRANSPORT_CC;
import static dev.sfu.core.testutil.RoomHarness.VP8;
import static dev.sfu.core.testutil.RoomHarness.VP8_RTX;
import static dev.sfu.core.testutil.RoomHarness.audioSsrc;
import static dev.sfu.core.testutil.RoomHarness.opusCodecs;
import static dev.sfu.core.testutil.RoomHarness.videoSsrc;
import static dev.sfu.core.testutil.RtpFixtures.OPUS_PAYLOAD;
import static dev.sfu.core.testutil.RtpFixtures.hex;
import static dev.sfu.core.testutil.RtpFixtures.pt;
import static dev.sfu.core.testutil.RtpFixtures.put32;
import static dev.sfu.core.testutil.RtpFixtures.rtp;
import static dev.sfu.core.testutil.RtpFixtures.seq;
import static dev.sfu.core.testutil.RtpFixtures.ssrc;
import static dev.sfu.core.testutil.RtpFixtures.ts;
import static dev.sfu.core.testutil.RtpFixtures.vp8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A subscriber's egress: transport-wide sequence numbers
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01), the pacer, probes, and feedback to the
 * estimator. The clock is the harness's fake one; the pacer thread is not started, the tests
 * tick it.
 */
class SubscriberEgressTest {
    /** The subscriber's id for the transport-wide sequence number (the publisher uses 3). */
    private static final int TCC_ID = 5;
    private static final int[] VIDEO_EXTS = {2, 3, 4};
    private static final int[] AUDIO_EXTS = {1, 3, 4};

    private RoomHarness h;
    private Participant a;
    private Participant b;
    private int videoSeq = 100;

    @AfterEach
    void noBufferOutstanding() {
        if (h != null) {
            h.manager.close();
            assertEquals(0, h.pool.outstanding(), "every pacer buffer went back to the pool");
        }
    }

    /** a publishes audio and video; b receives them, with transport-cc negotiated as {@code TCC_ID}. */
    private void start(CongestionControlConfig cc) throws Exception {
        h = new RoomHarness(8, ForwardingConfig.defaults(), cc);
        a = h.join("r", "a");
        b = h.join("r", "b");
        negotiate(b, true, true);
        RoomHarness.publishAv(a, 1);
        b.activateDownTracks();
        // The estimator probes on its own when the allocation wants more than its estimate; these
        // tests count the bytes the pacer sends, so only the probes they start themselves go out.
        egress(b).estimator().setDesiredBitrate(0);
    }

    private static void negotiate(Participant p, boolean transportCc, boolean rtx) {
        List<HeaderExtension> exts = new ArrayList<>(List.of(new HeaderExtension(1, AUDIO_LEVEL),
                new HeaderExtension(2, ABS_SEND_TIME)));
        if (transportCc) {
            exts.add(new HeaderExtension(TCC_ID, TRANSPORT_CC));
        }
        p.setReceiveCapabilities(MediaKind.AUDIO, opusCodecs(), exts);
        p.setReceiveCapabilities(MediaKind.VIDEO, List.of(new Codec(VP8, "VP8", 90000, 1, "",
                List.of("nack", "nack pli", "transport-cc"), rtx ? VP8_RTX : -1)), exts);
    }

    private static DownTrack video(Participant p) {
        return p.downTracks().stream().filter(d -> d.kind() == MediaKind.VIDEO).findFirst().orElseThrow();
    }

    private SubscriberEgress egress(Participant p) {
        return p.endpoint().egress();
    }

    /** One video packet of {@code payloadBytes} VP8 bytes; the first of a picture is a keyframe start. */
    private void sendVideo(boolean keyframeStart, int payloadBytes) {
        byte[] payload = Arrays.copyOf(vp8(true, keyframeStart), payloadBytes);
        byte[] p = rtp(VP8, videoSeq++, 9000, videoSsrc(1), VIDEO_EXTS, payload);
        a.endpoint().onRtp(p, 0, p.length);
    }

    private void sendAudio(int seq) {
        byte[] p = rtp(OPUS, seq, 960L * seq, audioSsrc(1), AUDIO_EXTS, OPUS_PAYLOAD);
        a.endpoint().onRtp(p, 0, p.length);
    }

    private void tick(long advanceNanos) {
        h.advance(advanceNanos);
        h.manager.pacer().tick();
    }

    private static int transportSeq(byte[] p) {
        return TransportCcExtension.read(p, 0, p.length, TCC_ID);
    }

    private static byte[] nack(long mediaSsrc, int pid) {
        byte[] n = new byte[16];
        n[0] = (byte) 0x81;
        n[1] = (byte) 205;
        n[3] = 3;
        put32(n, 4, 0x4444);
        put32(n, 8, mediaSsrc);
        n[12] = (byte) (pid >>> 8);
        n[13] = (byte) pid;
        return n;
    }

    @Test
    void transportWideSequenceNumbersAreConsecutiveAcrossAudioVideoRtxAndPadding() throws Exception {
        start(CongestionControlConfig.defaults());
        sendVideo(true, 500);
        sendAudio(1);
        tick(20 * MS);
        sendVideo(false, 500);
        sendAudio(2);
        tick(20 * MS);
        FakeTransport tb = h.transport("b");
        int nackedSeq = seq(tb.rtp.get(2));
        byte[] n = nack(video(b).ssrc(), nackedSeq);
        b.endpoint().onRtcp(n, 0, n.length);
        egress(b).startProbe(1, 1_000_000, 500, h.now.get());
        for (int i = 0; i < 4; i++) {
            tick(5 * MS);
        }

        List<byte[]> sent = tb.rtp;
        long audio = 0;
        long media = 0;
        long rtx = 0;
        long padding = 0;
        for (byte[] p : sent) {
            if (ssrc(p) == video(b).rtxSsrc()) {
                RtpPacket v = new RtpPacket();
                assertTrue(v.wrap(p, 0, p.length));
                if (v.payloadLength() == 0) {
                    padding++;
                } else {
                    rtx++;
                }
            } else if (pt(p) == OPUS) {
                audio++;
            } else {
                media++;
            }
        }
        assertEquals(2, audio);
        assertEquals(2, media);
        assertEquals(1, rtx);
        assertTrue(padding >= 2, "probe bytes go out as padding packets: " + padding);
        int first = transportSeq(sent.get(0));
        for (int i = 0; i < sent.size(); i++) {
            assertEquals((first + i) & 0xFFFF, transportSeq(sent.get(i)), "packet " + i + " of " + sent.size());
        }
        assertEquals((first + sent.size()) & 0xFFFF, egress(b).nextTransportSequence());
    }

    @Test
    void theStampReusesThePaddingLeftWhereThePublishersElementWas() throws Exception {
        start(CongestionControlConfig.defaults());
        sendVideo(true, 200);
        byte[] out = h.transport("b").rtp.get(0);
        byte[] in = rtp(VP8, 0, 9000, videoSsrc(1), VIDEO_EXTS, Arrays.copyOf(vp8(true, true), 200));
        assertEquals(in.length, out.length, "no growth: the element fits where transport-cc and mid were");
        // be de 00 02 | 20 02 (abs-send-time, id 2, one byte as the fixture writes it) | 51 ss ss (transport-wide seq, id 5) | 00 00 00
        assertArrayEquals(hex("bede0002200251"), Arrays.copyOfRange(out, 12, 19));
        assertEquals(transportSeq(out), ((out[19] & 0xFF) << 8) | (out[20] & 0xFF));
        assertEquals(-1, HeaderExtensions.find(out, 0, out.length, 3), "the publisher's own number is not forwarded");
    }

    @Test
    void theStampOverwritesAnElementThatIsThere() {
        // be de 00 01 | 51 12 34 (id 5 = 0x1234) | 00
        byte[] b = Arrays.copyOf(hex("900100010000000000000001bede000151123400c0ffee"), RtpPacket.BUFFER_SIZE);
        int len = 23;
        assertEquals(len, SubscriberEgress.stamp(b, len, 5, 0xABCD));
        assertArrayEquals(hex("900100010000000000000001bede000151abcd00c0ffee"), Arrays.copyOf(b, len));
    }

    @Test
    void theStampIsAddedToAPacketWithoutExtension() {
        byte[] b = Arrays.copyOf(hex("800100010000000000000001c0ffee"), RtpPacket.BUFFER_SIZE);
        int len = SubscriberEgress.stamp(b, 15, 5, 0x0102);
        // X bit set | be de 00 01 | 51 01 02 00 | the payload moved behind it.
        assertArrayEquals(hex("900100010000000000000001bede000151010200c0ffee"), Arrays.copyOf(b, len));
    }

    @Test
    void aPacketWithoutRoomForTheStampAndTheSrtpTagIsNotStamped() {
        byte[] b = new byte[12 + 3 + RtpPacket.TAIL_ROOM];
        System.arraycopy(hex("800100010000000000000001c0ffee"), 0, b, 0, 15);
        assertEquals(-1, SubscriberEgress.stamp(b, 15, 5, 1));
    }

    @Test
    void withoutNegotiationNothingIsStampedOrPaced() throws Exception {
        start(CongestionControlConfig.defaults());
        Participant c = h.join("r", "c");
        negotiate(c, false, true);
        c.activateDownTracks();
        for (int i = 0; i < 30; i++) {
            sendVideo(i == 0, 1100);
        }
        FakeTransport tc = h.transport("c");
        assertEquals(30, tc.rtp.size(), "no pacing: all leave at once");
        for (byte[] p : tc.rtp) {
            assertEquals(-1, HeaderExtensions.find(p, 0, p.length, TCC_ID));
            assertEquals(-1, HeaderExtensions.find(p, 0, p.length, 3));
        }
        assertFalse(egress(c).isActive());
        assertEquals(-1, c.endpoint().estimatedDownlinkBps());
        assertEquals(0, h.manager.pacer().registered() - 1, "only b is visited by the pacer");
    }

    @Test
    void withCongestionControlOffNegotiatedTransportCcIsNotStamped() throws Exception {
        start(CongestionControlConfig.disabled());
        for (int i = 0; i < 30; i++) {
            sendVideo(i == 0, 1100);
        }
        FakeTransport tb = h.transport("b");
        assertEquals(30, tb.rtp.size());
        for (byte[] p : tb.rtp) {
            assertEquals(-1, transportSeq(p));
        }
        assertEquals(-1, b.endpoint().estimatedDownlinkBps());
        assertEquals(0, h.manager.pacer().registered());
    }

    @Test
    void renegotiatingWithoutTransportCcSendsWhatWaitsAndStopsPacing() throws Exception {
        start(CongestionControlConfig.defaults());
        for (int i = 0; i < 30; i++) {
            sendVideo(i == 0, 1100);
        }
        assertTrue(egress(b).stats().queueLength() > 0);
        negotiate(b, false, true);
        assertFalse(egress(b).isActive());
        assertEquals(0, egress(b).stats().queueLength());
        assertEquals(30, h.transport("b").rtp.size(), "what waited went out at once");
        assertEquals(0, h.manager.pacer().registered());
        sendVideo(false, 1100);
        byte[] last = h.transport("b").rtp.get(30);
        assertEquals(-1, transportSeq(last), "no longer stamped");
    }

    @Test
    void aKeyframeBurstOf30PacketsLeavesAtThePacingRateNotAtOnce() throws Exception {
        CongestionControlConfig cc = CongestionControlConfig.defaults();
        start(cc);
        double bytesPerMs = egress(b).estimator().targetBitrateBps() * cc.pacingFactor() / 8 / 1000;
        double burst = Math.max(bytesPerMs * cc.pacerBurstNanos() / MS, RtpPacket.MTU);
        for (int i = 0; i < 30; i++) {
            sendVideo(i == 0, 1100);
        }
        FakeTransport tb = h.transport("b");
        int packetSize = tb.rtp.get(0).length;
        assertTrue(tb.rtp.size() <= 2, "only the burst allowance leaves at once: " + tb.rtp.size());
        assertEquals(30 - tb.rtp.size(), egress(b).stats().queueLength());
        long elapsedMs = 0;
        while (tb.rtp.size() < 30 && elapsedMs < 1000) {
            tick(5 * MS);
            elapsedMs += 5;
            long bytes = tb.rtp.stream().mapToLong(p -> p.length).sum();
            assertTrue(bytes <= burst + bytesPerMs * elapsedMs + packetSize,
                    bytes + " bytes after " + elapsedMs + " ms exceed the pacing rate " + bytesPerMs * 8 + " kbit/s");
        }
        assertEquals(30, tb.rtp.size());
        double ideal = (30.0 * packetSize - burst) / bytesPerMs;
        assertTrue(elapsedMs >= ideal - 5 && elapsedMs <= ideal + 10,
                "drained in " + elapsedMs + " ms, the pacing rate needs " + ideal);
        assertEquals(30 - egress(b).stats().packetsSentDirect(), egress(b).stats().packetsSentPaced());
        assertEquals(egress(b).stats().packetsQueued(), egress(b).stats().packetsSentPaced());
    }

    @Test
    void aFullPacerQueueDropsAndCounts() throws Exception {
        start(CongestionControlConfig.defaults().withPacerQueue(10, 500 * MS));
        for (int i = 0; i < 30; i++) {
            sendVideo(i == 0, 1100);
        }
        long direct = egress(b).stats().packetsSentDirect();
        assertEquals(10, egress(b).stats().queueLength());
        assertEquals(30 - direct - 10, egress(b).drops(DropReason.PACER_QUEUE_FULL));
        assertEquals(30 - direct - 10, h.manager.room("r").metrics().drops(DropReason.PACER_QUEUE_FULL));
        assertEquals(30 - direct - 10, egress(b).stats().droppedQueueFull());
        for (int i = 0; i < 100 && egress(b).stats().queueLength() > 0; i++) {
            tick(5 * MS);
        }
        assertEquals(direct + 10, h.transport("b").rtp.size());
    }

    @Test
    void packetsOlderThanTheMaximumDelayAreDroppedNotSent() throws Exception {
        start(CongestionControlConfig.defaults().withPacerQueue(512, 100 * MS));
        for (int i = 0; i < 30; i++) {
            sendVideo(i == 0, 1100);
        }
        int sent = h.transport("b").rtp.size();
        int queued = egress(b).stats().queueLength();
        assertEquals(30, sent + queued);
        tick(150 * MS);
        assertEquals(0, egress(b).stats().queueLength());
        assertEquals(sent, h.transport("b").rtp.size());
        assertEquals(queued, egress(b).drops(DropReason.PACER_EXPIRED));
        assertEquals(queued, h.manager.room("r").metrics().drops(DropReason.PACER_EXPIRED));
    }

    @Test
    void audioBypassesAQueueOfVideo() throws Exception {
        start(CongestionControlConfig.defaults());
        for (int i = 0; i < 10; i++) {
            sendVideo(i == 0, 1100);
        }
        int before = h.transport("b").rtp.size();
        sendAudio(1);
        assertEquals(before + 1, h.transport("b").rtp.size());
        assertEquals(OPUS, pt(h.transport("b").rtp.get(before)));
    }

    @Test
    void transportCcFeedbackFromTheSubscriberReachesItsEstimator() throws Exception {
        start(CongestionControlConfig.defaults());
        for (int i = 0; i < 5; i++) {
            sendVideo(i == 0, 500);
            tick(10 * MS);
        }
        assertEquals(-1, b.endpoint().estimatedDownlinkBps(), "unknown until the first feedback");
        List<byte[]> sent = h.transport("b").rtp;
        int base = transportSeq(sent.get(0));
        boolean[] received = {true, true, false, true, true};
        long[] arrivals = {1_000, 11_000, 0, 31_000, 41_000};
        byte[] fb = new byte[TransportCcFeedback.maxLength(5) + 32];
        int len = TransportCcFeedback.write(fb, 0, fb.length - 32, 0x4444, video(b).ssrc(), base, 0, received, arrivals, 5);
        assertTrue(len > 0);
        b.endpoint().onRtcp(fb, 0, len);
        assertEquals(1, egress(b).stats().feedbacks());
        long estimate = b.endpoint().estimatedDownlinkBps();
        assertTrue(estimate > 0);
        assertEquals(egress(b).estimator().targetBitrateBps(), estimate);

        // A status count its chunks do not cover: a valid compound with a malformed feedback.
        long malformed = h.manager.room("r").metrics().drops(DropReason.MALFORMED);
        fb[14] = 0x10;
        b.endpoint().onRtcp(fb, 0, len);
        assertEquals(1, egress(b).stats().feedbacks());
        assertEquals(malformed + 1, h.manager.room("r").metrics().drops(DropReason.MALFORMED));
    }

    @Test
    void desiredBitrateAndEstimateAreWiredThroughTheEndpoint() throws Exception {
        start(CongestionControlConfig.defaults());
        b.endpoint().setDesiredDownlinkBps(3_000_000);
        assertTrue(egress(b).isActive());
        assertEquals(-1, b.endpoint().estimatedDownlinkBps());
    }

    @Test
    void probePaddingPacketsAreValidRtxPaddingPacketsSentAtTheProbeRate() throws Exception {
        start(CongestionControlConfig.defaults());
        sendVideo(true, 500);
        FakeTransport tb = h.transport("b");
        long lastTs = ts(tb.rtp.get(0));
        tb.clear();
        egress(b).startProbe(3, 1_000_000, 2000, h.now.get());
        tick(0);
        assertEquals(1, tb.rtp.size(), "the first packet at once, the rest at the probe rate");
        for (int i = 0; i < 20 && egress(b).stats().probePackets() * 275 < 2000; i++) {
            tick(5 * MS);
        }
        int count = tb.rtp.size();
        assertTrue(count * 275 >= 2000 && (count - 1) * 275 < 2000, count + " packets for 2000 bytes");
        assertEquals(count, egress(b).stats().probePackets());
        assertEquals(1, egress(b).stats().probeClusters());
        assertEquals(tb.rtp.stream().mapToLong(p -> p.length).sum(), egress(b).stats().probeBytes());
        RtpPacket v = new RtpPacket();
        int firstRtxSeq = seq(tb.rtp.get(0));
        for (int i = 0; i < count; i++) {
            byte[] p = tb.rtp.get(i);
            assertTrue(v.wrap(p, 0, p.length), "a valid RTP packet");
            assertEquals(video(b).rtxSsrc(), v.ssrc() & 0xFFFFFFFFL);
            assertEquals(VP8_RTX, v.payloadType());
            assertTrue(v.hasPadding(), "P bit (RFC 3550 section 5.1)");
            assertEquals(ProbePadding.PADDING_LENGTH, v.paddingLength(), "the last byte counts the padding");
            assertEquals(0, v.payloadLength(), "no original sequence number: nothing to repair (RFC 4588)");
            assertEquals(lastTs, v.timestamp());
            assertEquals((firstRtxSeq + i) & 0xFFFF, v.sequenceNumber(), "the RTX stream's own numbering");
            assertTrue(transportSeq(p) >= 0, "stamped, so the feedback reports it");
        }
        // No more padding once the cluster's bytes are sent.
        tick(5 * MS);
        assertEquals(count, tb.rtp.size());
    }

    @Test
    void aSubscriberWithoutRtxGetsNoProbe() throws Exception {
        start(CongestionControlConfig.defaults());
        Participant c = h.join("r", "c");
        negotiate(c, true, false);
        c.activateDownTracks();
        sendVideo(true, 500);
        FakeTransport tc = h.transport("c");
        tc.clear();
        egress(c).startProbe(1, 1_000_000, 2000, h.now.get());
        tick(5 * MS);
        tick(5 * MS);
        assertEquals(0, tc.rtp.size());
        assertEquals(1, egress(c).stats().probesWithoutRtx());
    }

    @Test
    void retransmissionsLeaveBeforeQueuedVideo() throws Exception {
        start(CongestionControlConfig.defaults());
        for (int i = 0; i < 10; i++) {
            sendVideo(i == 0, 1100);
        }
        FakeTransport tb = h.transport("b");
        int direct = tb.rtp.size();
        byte[] n = nack(video(b).ssrc(), seq(tb.rtp.get(0)));
        b.endpoint().onRtcp(n, 0, n.length);
        assertEquals(direct, tb.rtp.size(), "no budget left: the retransmission waits too");
        tick(5 * MS);
        assertTrue(tb.rtp.size() > direct);
        assertEquals(video(b).rtxSsrc(), ssrc(tb.rtp.get(direct)), "but goes first");
    }

    @Test
    void withThePacerThreadRunningSequenceOrderIsSendOrderAcrossThreads() throws Exception {
        start(CongestionControlConfig.defaults().withBitrates(3_000_000, 100_000, 3_000_000));
        h.manager.pacer().start();
        FakeTransport tb = h.transport("b");
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        // The fake clock moves 1 ms per real millisecond or so, while the publisher forwards
        // (this thread) and the subscriber NACKs (another thread).
        Thread clock = new Thread(() -> {
            while (!stop.get()) {
                h.advance(MS);
                java.util.concurrent.locks.LockSupport.parkNanos(MS);
            }
        });
        Thread nacks = new Thread(() -> {
            while (!stop.get()) {
                int outSeq = video(b).slot.rewriter.lastSequence();
                byte[] n = nack(video(b).ssrc(), outSeq);
                b.endpoint().onRtcp(n, 0, n.length);
                java.util.concurrent.locks.LockSupport.parkNanos(2 * MS);
            }
        });
        clock.start();
        try {
            for (int i = 0; i < 200; i++) {
                sendVideo(i == 0, 1000);
                if (i % 10 == 0) {
                    sendAudio(i);
                }
                if (i == 20) {
                    nacks.start();
                }
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (egress(b).stats().queueLength() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        } finally {
            stop.set(true);
            clock.join();
            nacks.join();
        }
        h.manager.pacer().close();
        assertEquals(0, egress(b).stats().queueLength());
        List<byte[]> sent;
        synchronized (tb) {
            sent = new ArrayList<>(tb.rtp);
        }
        assertEquals(0, egress(b).drops(DropReason.PACER_EXPIRED) + egress(b).drops(DropReason.PACER_QUEUE_FULL),
                "about 220 ms of video at 7.5 Mbit/s fits the queue's bounds");
        assertTrue(sent.size() >= 220, "media, audio and retransmissions: " + sent.size());
        assertTrue(egress(b).stats().packetsSentPaced() > 0, "the pacer thread sent some");
        int first = transportSeq(sent.get(0));
        for (int i = 0; i < sent.size(); i++) {
            assertEquals((first + i) & 0xFFFF, transportSeq(sent.get(i)), "the transport got them in stamp order");
        }
    }

    @Test
    void aNewNetworkPathAfterAnIceRestartStartsTheEstimateAgainFromTheInitialBitrate() throws Exception {
        long initial = 1_000_000;
        start(CongestionControlConfig.defaults().withBitrates(initial, 100_000, 5_000_000));
        for (int i = 0; i < 20; i++) {
            sendVideo(i == 0, 1000);
            tick(5 * MS);
        }
        egress(b).onReceiverReportLoss(80, 100, h.now.get());
        dev.sfu.core.cc.SendSideBandwidthEstimator old = egress(b).estimator();
        assertTrue(old.packetsSent() >= 20, "the old path's history: " + old.packetsSent());
        b.endpoint().onRouteChanged();
        dev.sfu.core.cc.SendSideBandwidthEstimator fresh = egress(b).estimator();
        assertNotSame(old, fresh, "a new estimator for the new path");
        assertEquals(0, fresh.packetsSent(), "nothing of the old path's send history");
        assertEquals(initial, fresh.targetBitrateBps(), "the new path starts from the initial estimate");
        sendVideo(false, 1000);
        tick(5 * MS);
        assertTrue(fresh.packetsSent() >= 1, "what is sent now is recorded by the new estimator");
    }

    @Test
    void thePacerThreadStartsAndStops() throws Exception {
        start(CongestionControlConfig.defaults());
        PacerThread t = h.manager.pacer();
        t.start();
        assertTrue(t.isRunning());
        t.close();
        assertFalse(t.isRunning());
    }
}
