package dev.sfu.core.forward;

import dev.sfu.core.room.Codec;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.Participant;
import dev.sfu.core.testutil.FakeTransport;
import dev.sfu.core.testutil.RoomHarness;
import dev.sfu.core.testutil.SimulcastPublisher;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.codec.Vp8PayloadDescriptor;
import dev.sfu.rtp.rtcp.SenderReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static dev.sfu.core.testutil.RoomHarness.MS;
import static dev.sfu.core.testutil.RoomHarness.VP8;
import static dev.sfu.core.testutil.RoomHarness.VP8_RTX;
import static dev.sfu.core.testutil.RtpFixtures.pt;
import static dev.sfu.core.testutil.RtpFixtures.put32;
import static dev.sfu.core.testutil.RtpFixtures.seq;
import static dev.sfu.core.testutil.RtpFixtures.ssrc;
import static dev.sfu.core.testutil.RtpFixtures.ts;
import static dev.sfu.core.testutil.RtpFixtures.u32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Simulcast forwarding from packet bytes: SSRCs learned from RID/RRID (RFC 8852), one outgoing
 * stream per subscriber whatever the layer, switching only at a keyframe of the target layer
 * with sequence numbers, timestamps (RFC 3550 section 6.4.1 sender reports) and VP8 numbering
 * (RFC 7741 section 4.2) continuous, NACKs (RFC 4585) and RTX (RFC 4588) answered across a
 * switch, temporal layer dropping, pause and resume.
 */
class SimulcastForwardingTest {
    private final RoomHarness h = new RoomHarness(8);
    private Participant a;
    private Participant b;
    private SimulcastPublisher pub;
    private SimulcastPublisher.Layer q;
    private SimulcastPublisher.Layer mid;
    private SimulcastPublisher.Layer f;

    @AfterEach
    void noBufferOutstanding() {
        h.manager.close();
        assertEquals(0, h.pool.outstanding());
    }

    /** a publishes q/h/f with these starting numbers for q and f; b (and others who joined) subscribe. */
    private void start(int seqQ, long tsQ, int pidQ, int tl0Q, int seqF, long tsF, int pidF, int tl0F) throws Exception {
        a = h.join("r", "a");
        b = h.join("r", "b");
        pub = new SimulcastPublisher(a);
        q = pub.new Layer("q", 0x5000, 0x6000, 320, 180, seqQ, tsQ, pidQ, tl0Q);
        mid = pub.new Layer("h", 0x5001, 0x6001, 640, 360, 20000, 555555, 7000, 70);
        f = pub.new Layer("f", 0x5002, 0x6002, 1280, 720, seqF, tsF, pidF, tl0F);
    }

    private void start() throws Exception {
        start(1000, 90000, 100, 10, 30000, 4_000_000_000L, 20000, 200);
    }

    private void publishAndActivate() {
        pub.publish();
        for (Participant p : h.manager.room("r").participants()) {
            if (p != a) {
                p.activateDownTracks();
            }
        }
    }

    private static DownTrack video(Participant p) {
        return p.downTracks().stream().filter(d -> d.kind() == MediaKind.VIDEO).findFirst().orElseThrow();
    }

    private UpTrack up() {
        return a.upTracks().get(0);
    }

    private long drops(DropReason r) {
        return h.manager.room("r").metrics().drops(r);
    }

    private static int header(byte[] p) {
        return RtpPacket.validHeaderLength(p, 0, p.length);
    }

    private static byte[] payload(byte[] p) {
        return Arrays.copyOfRange(p, header(p), p.length);
    }

    private static int pictureId(byte[] p) {
        int at = header(p);
        return Vp8PayloadDescriptor.pictureId(p, at, p.length - at);
    }

    private static int tl0(byte[] p) {
        int at = header(p);
        return Vp8PayloadDescriptor.tl0PicIdx(p, at, p.length - at);
    }

    private static int keyIdx(byte[] p) {
        int at = header(p);
        return Vp8PayloadDescriptor.keyIndex(p, at, p.length - at);
    }

    private static int tid(byte[] p) {
        int at = header(p);
        return Vp8PayloadDescriptor.temporalLayer(p, at, p.length - at);
    }

    /** The bytes after the VP8 descriptor: what the rewriting never touches. */
    private static byte[] vp8Frame(byte[] p) {
        int at = header(p);
        int d = Vp8PayloadDescriptor.length(p, at, p.length - at);
        return Arrays.copyOfRange(p, at + d, p.length);
    }

    private void sendAll(boolean keyframe) {
        q.send(keyframe);
        mid.send(keyframe);
        f.send(keyframe);
        h.advance(10 * MS);
    }

    // ---------------------------------------------------------------- 1. RID learning

    @Test
    void layerSsrcsAreLearnedFromRidAndRepairedRidRfc8852AndRoutedWithoutThemAfterwards() throws Exception {
        start();
        publishAndActivate();
        // An rid the offer did not list, on an unknown SSRC.
        pub.deliver(SimulcastPublisher.packet(VP8, true, 1, 1, 0x7777, "1", "x", null,
                SimulcastPublisher.vp8Payload(true, 1, 1, 0, 0, 320, 180), 0));
        // The track's mid but no rid: which layer is it?
        pub.deliver(SimulcastPublisher.packet(VP8, true, 1, 1, 0x7778, "1", null, null,
                SimulcastPublisher.vp8Payload(true, 1, 1, 0, 0, 320, 180), 0));
        // Neither mid nor rid.
        pub.deliver(SimulcastPublisher.packet(VP8, true, 1, 1, 0x7779, null, null, null,
                SimulcastPublisher.vp8Payload(true, 1, 1, 0, 0, 320, 180), 0));
        assertEquals(3, drops(DropReason.UNKNOWN_SSRC));
        // A bandwidth probe: RTX payload type, padding only, no mid.
        pub.deliver(SimulcastPublisher.packet(VP8_RTX, false, 7, 0, 0x7780, null, null, null, new byte[0], 224));
        assertEquals(1, drops(DropReason.PROBE_PADDING));
        assertEquals(3, drops(DropReason.UNKNOWN_SSRC));
        for (SimulcastLayer l : up().layers()) {
            assertEquals(-1, l.ssrc(), "nothing learned from those");
        }

        byte[] qKey = q.send(true);
        byte[] hKey = mid.send(true);
        byte[] fKey = f.send(true);
        // Retransmissions (RTX) carry mid and repaired-rtp-stream-id.
        pub.deliver(q.rtx(qKey));
        pub.deliver(mid.rtx(hKey));
        pub.deliver(f.rtx(fKey));
        List<SimulcastLayer> layers = up().layers();
        assertEquals(List.of(0x5000L, 0x5001L, 0x5002L), layers.stream().map(SimulcastLayer::ssrc).toList());
        assertEquals(List.of(0x6000L, 0x6001L, 0x6002L), layers.stream().map(SimulcastLayer::rtxSsrc).toList());
        assertEquals(List.of("q", "h", "f"), layers.stream().map(SimulcastLayer::rid).toList());

        // From now on no mid and no rid: the SSRC alone routes each packet to its layer.
        q.announce = false;
        mid.announce = false;
        f.announce = false;
        long[] before = layers.stream().mapToLong(SimulcastLayer::bytesReceived).toArray();
        byte[] q1 = q.send(false);
        mid.send(false);
        mid.send(false);
        f.send(false);
        f.send(false);
        f.send(false);
        assertEquals(before[0] + q1.length, layers.get(0).bytesReceived());
        assertEquals(before[1] + 2L * q1.length, layers.get(1).bytesReceived(), "same size packets on every layer");
        assertEquals(before[2] + 3L * q1.length, layers.get(2).bytesReceived());
        // f is b's layer (the largest, no constraints): a lost f packet repaired by RTX without rrid fills the gap.
        FakeTransport tb = h.transport("b");
        byte[] lost = f.frame(false, 0);
        byte[] after = f.send(false);
        int sent = tb.rtp.size();
        pub.deliver(f.rtx(lost));
        assertEquals(sent + 1, tb.rtp.size());
        byte[] repaired = tb.rtp.get(sent);
        assertEquals((seq(tb.rtp.get(sent - 1)) - 1) & 0xFFFF, seq(repaired), "the gap before the last packet");
        assertArrayEquals(payload(lost), payload(repaired));
        for (byte[] out : tb.rtp) {
            assertEquals(video(b).ssrc(), ssrc(out));
        }
        assertEquals(3, drops(DropReason.UNKNOWN_SSRC));
        assertEquals(1, drops(DropReason.PROBE_PADDING));
        assertTrue(after.length > 0);
    }

    // ---------------------------------------------------------------- 2. one SSRC, keyframe-gated switch

    static Stream<Arguments> wraps() {
        return Stream.of(
                Arguments.of("16-bit sequence wrap in both layers", 65531, 90000L, 100, 10, 65534, 4_000_000_000L, 20000, 200),
                Arguments.of("32-bit timestamp wrap in both layers", 1000, 0xFFFFD8F0L, 100, 10, 30000, 0xFFFFF830L, 20000, 200),
                Arguments.of("15-bit picture id and 8-bit TL0PICIDX wrap", 1000, 90000L, 32763, 252, 30000, 4_000_000_000L, 32767, 255));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wraps")
    void aSubscriberGetsOneContinuousStreamAndSwitchesOnlyAtTheTargetLayersKeyframe(String name, int seqQ, long tsQ, int pidQ,
            int tl0Q, int seqF, long tsF, int pidF, int tl0F) throws Exception {
        start(seqQ, tsQ, pidQ, tl0Q, seqF, tsF, pidF, tl0F);
        publishAndActivate();
        DownTrack d = video(b);
        d.setTargetLayer(0);
        FakeTransport tb = h.transport("b");
        List<byte[]> fromQ = new ArrayList<>();
        fromQ.add(q.send(true));
        mid.send(true);
        f.send(true);
        h.advance(33 * MS);
        for (int i = 0; i < 4; i++) {
            fromQ.add(q.send(false));
            mid.send(false);
            f.send(false);
            h.advance(33 * MS);
        }
        assertEquals(5, tb.rtp.size(), "only q");
        assertEquals(10, drops(DropReason.LAYER_NOT_SELECTED));
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(payload(fromQ.get(i)), payload(tb.rtp.get(i)), "the first source keeps its VP8 numbering");
        }
        assertEquals(0, d.currentLayer());

        d.setTargetLayer(2);
        f.send(false);
        q.send(false);
        h.advance(33 * MS);
        f.send(false);
        q.send(false);
        h.advance(33 * MS);
        assertEquals(7, tb.rtp.size(), "f's delta frames wait for its keyframe; q goes on meanwhile");
        assertEquals(0, d.currentLayer());
        byte[] fKey = f.send(true);
        q.send(false);
        h.advance(33 * MS);
        List<byte[]> fromF = new ArrayList<>();
        fromF.add(fKey);
        for (int i = 0; i < 3; i++) {
            fromF.add(f.send(false));
            q.send(false);
            mid.send(false);
            h.advance(33 * MS);
        }
        assertEquals(11, tb.rtp.size());
        assertEquals(2, d.currentLayer());
        assertEquals("f", d.currentRid());
        assertEquals(1, d.layerSwitches());
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(vp8Frame(fromF.get(i)), vp8Frame(tb.rtp.get(7 + i)), "f's frames after the switch");
        }

        for (int i = 0; i < tb.rtp.size(); i++) {
            byte[] out = tb.rtp.get(i);
            assertEquals(d.ssrc(), ssrc(out), "one SSRC whatever the layer");
            assertEquals(VP8, pt(out));
            if (i == 0) {
                continue;
            }
            byte[] prev = tb.rtp.get(i - 1);
            assertEquals((seq(prev) + 1) & 0xFFFF, seq(out), "sequence continuous at " + i);
            long step = (ts(out) - ts(prev)) & 0xFFFFFFFFL;
            assertTrue(step > 0 && step < 0x80000000L, "timestamp moves forward at " + i + ": " + step);
            assertEquals((pictureId(prev) + 1) & 0x7FFF, pictureId(out), "picture id continuous at " + i);
            assertEquals((tl0(prev) + 1) & 0xFF, tl0(out), "TL0PICIDX continuous at " + i);
            assertEquals(i == 7 ? (keyIdx(prev) + 1) & 0x1F : keyIdx(prev), keyIdx(out), "KEYIDX at " + i);
        }
    }

    // ---------------------------------------------------------------- 3. sender report alignment

    /** NTP time (RFC 3550 section 4) of media time {@code ms}. */
    private static long ntp(long ms) {
        return (3_900_000_000L << 32) + ms * (1L << 32) / 1000;
    }

    private void senderReport(long ssrc, long ms, long rtp) {
        byte[] sr = new byte[64];
        int n = SenderReport.write(sr, 0, 64, ssrc, ntp(ms), rtp, 10, 1000, 0);
        a.endpoint().onRtcp(sr, 0, n);
    }

    /**
     * q's clock starts just below 2^32 so the switch crosses the 32-bit wrap. Media time t ms is
     * base + 90 t on each layer. The wall clock the server sees runs differently (packets arrive in
     * bursts), so the two expectations differ: with both layers' SRs the first f packet carries
     * q's timestamp of the same media instant; without, the last one plus the wall time elapsed.
     */
    @ParameterizedTest(name = "sender reports from both layers: {0}")
    @ValueSource(booleans = {true, false})
    void theFirstPacketAfterASwitchCarriesTheTimestampTheSenderReportsImply(boolean reports) throws Exception {
        long bq = 0xFFFFFF00L;
        long bf = 123456;
        start(1000, bq, 100, 10, 30000, bf, 20000, 200);
        publishAndActivate();
        DownTrack d = video(b);
        d.setTargetLayer(0);
        FakeTransport tb = h.transport("b");
        for (int t : new int[] {0, 33, 66}) {
            q.ts = (bq + 90L * t) & 0xFFFFFFFFL;
            f.ts = bf + 90L * t;
            q.send(t == 0);
            f.send(t == 0);
            h.advance(5 * MS);
        }
        long lastOut = ts(tb.rtp.get(tb.rtp.size() - 1));
        if (reports) {
            senderReport(q.ssrc, 50, (bq + 90 * 50) & 0xFFFFFFFFL);
            senderReport(f.ssrc, 60, bf + 90 * 60);
        }
        d.setTargetLayer(2);
        h.advance(15 * MS); // 20 ms of wall time since q's last packet.
        f.ts = bf + 90 * 100;
        f.send(true);
        assertEquals(2, d.currentLayer());
        long first = ts(tb.rtp.get(tb.rtp.size() - 1));
        long expected = (lastOut + (reports ? 90 * (100 - 66) : 90 * 20)) & 0xFFFFFFFFL;
        long diff = (first - expected) & 0xFFFFFFFFL;
        assertTrue(diff <= 1 || diff >= 0xFFFFFFFFL, "expected " + expected + " got " + first);
    }

    // ---------------------------------------------------------------- 4. NACK across a switch

    /** A generic NACK (RFC 4585 section 6.2.1) with one FCI entry per sequence number, BLP 0. */
    private static byte[] nack(long mediaSsrc, int... pids) {
        byte[] b = new byte[12 + 4 * pids.length];
        b[0] = (byte) 0x81;
        b[1] = (byte) 205;
        b[3] = (byte) (2 + pids.length);
        put32(b, 4, 0x4444);
        put32(b, 8, mediaSsrc);
        for (int i = 0; i < pids.length; i++) {
            b[12 + 4 * i] = (byte) (pids[i] >>> 8);
            b[13 + 4 * i] = (byte) pids[i];
        }
        return b;
    }

    @Test
    void receiverReportsCarryABlockForEveryLayerRfc3550Section6Point4Point2() throws Exception {
        start();
        publishAndActivate();
        // Two packets each: RFC 3550 A.1 validates a source after two in sequence.
        for (SimulcastPublisher.Layer l : List.of(q, mid, f)) {
            l.send(true);
            l.send(false);
        }
        h.transport("a").rtcp.clear();
        h.advance(1100 * MS);
        q.send(false);
        List<byte[]> rrs = h.transport("a").rtcp(201, -1);
        assertEquals(1, rrs.size(), "one receiver report once the interval passed");
        byte[] rr = rrs.get(0);
        assertEquals(3, rr[0] & 0x1F, "three report blocks");
        java.util.Set<Long> reported = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            reported.add(u32(rr, 8 + 24 * i));
        }
        assertEquals(java.util.Set.of(q.ssrc, mid.ssrc, f.ssrc), reported,
                "every layer's SSRC is acknowledged, so the browser can stop sending MID and RID on it");
    }

    @Test
    void nacksBeforeAndAfterASwitchAreAnsweredWithTheNumberingTheSubscriberSaw() throws Exception {
        start();
        Participant c = h.join("r", "c");
        c.setReceiveCapabilities(MediaKind.VIDEO,
                List.of(new Codec(VP8, "VP8", 90000, 1, "", List.of("nack", "nack pli"), -1)), null);
        publishAndActivate();
        List<DownTrack> downs = List.of(video(b), video(c));
        downs.forEach(d -> d.setTargetLayer(0));
        sendAll(true);
        for (int i = 0; i < 3; i++) {
            sendAll(false);
        }
        downs.forEach(d -> d.setTargetLayer(2));
        f.send(true);
        h.advance(10 * MS);
        for (int i = 0; i < 3; i++) {
            sendAll(false);
        }
        for (Participant p : List.of(b, c)) {
            DownTrack d = video(p);
            FakeTransport t = h.transport(p.id());
            assertEquals(8, t.rtp.size(), "4 from q, then 4 from f");
            byte[] beforeSwitch = t.rtp.get(2);
            byte[] afterSwitch = t.rtp.get(6);
            t.clear();
            byte[] n = nack(d.ssrc(), seq(beforeSwitch), seq(afterSwitch));
            p.endpoint().onRtcp(n, 0, n.length);
            assertEquals(2, t.rtp.size(), p.id());
            byte[][] originals = {beforeSwitch, afterSwitch};
            for (int i = 0; i < 2; i++) {
                byte[] resent = t.rtp.get(i);
                if (p == b) {
                    // RFC 4588 section 4: RTX payload type and SSRC, OSN first, then the payload as sent.
                    assertEquals(VP8_RTX, pt(resent));
                    assertEquals(d.rtxSsrc(), ssrc(resent));
                    int hl = header(resent);
                    assertEquals(seq(originals[i]), ((resent[hl] & 0xFF) << 8) | (resent[hl + 1] & 0xFF), "OSN");
                    byte[] restored = new byte[resent.length - 2];
                    System.arraycopy(resent, 0, restored, 0, hl);
                    System.arraycopy(resent, hl + 2, restored, hl, resent.length - hl - 2);
                    restored[1] = (byte) ((restored[1] & 0x80) | VP8);
                    restored[2] = (byte) (seq(originals[i]) >>> 8);
                    restored[3] = (byte) seq(originals[i]);
                    put32(restored, 8, d.ssrc());
                    resent = restored;
                }
                assertEquals(seq(originals[i]), seq(resent));
                assertEquals(ts(originals[i]), ts(resent));
                assertEquals(pictureId(originals[i]), pictureId(resent));
                assertArrayEquals(originals[i], resent, p.id() + ": exactly the packet sent, " + (i == 0 ? "from q" : "from f"));
            }
        }
    }

    // ---------------------------------------------------------------- 5. temporal layers

    @Test
    void temporalLayersAboveTheMaximumAreDroppedWithoutGapsRfc7741Section8() throws Exception {
        start(65530, 0xFFFFF000L, 32765, 254, 30000, 0, 1, 1);
        publishAndActivate();
        DownTrack d = video(b);
        d.setTargetLayer(0);
        d.setMaxTemporalLayer(0);
        FakeTransport tb = h.transport("b");
        q.send(true, 0);
        int[] pattern = {2, 1, 2, 0, 2, 1, 2, 0, 2, 1, 2, 0};
        for (int tid : pattern) {
            q.send(false, tid);
            h.advance(33 * MS);
        }
        assertEquals(4, tb.rtp.size(), "the keyframe and three TID 0 pictures");
        assertEquals(9, drops(DropReason.TEMPORAL_LAYER_DROPPED));
        for (int i = 0; i < tb.rtp.size(); i++) {
            byte[] out = tb.rtp.get(i);
            assertEquals(0, tid(out));
            if (i > 0) {
                byte[] prev = tb.rtp.get(i - 1);
                assertEquals((seq(prev) + 1) & 0xFFFF, seq(out), "no sequence gap (source crosses 65535 -> 0)");
                assertEquals((pictureId(prev) + 1) & 0x7FFF, pictureId(out), "no picture id gap (crosses 32767 -> 0)");
                assertEquals((tl0(prev) + 1) & 0xFF, tl0(out), "TL0PICIDX crosses 255 -> 0");
                assertEquals(12000, (ts(out) - ts(prev)) & 0xFFFFFFFFL, "timestamps as the source's");
            }
        }
    }

    // ---------------------------------------------------------------- 6. pause and resume

    @Test
    void aHiddenTileIsPausedAndResumesAtAKeyframeRequestedByPli() throws Exception {
        start();
        publishAndActivate();
        DownTrack d = video(b);
        FakeTransport tb = h.transport("b");
        FakeTransport ta = h.transport("a");
        sendAll(true);
        assertEquals(2, d.currentLayer(), "no constraints: the largest");
        d.setConstraints(new VideoConstraints(320, 180, true));
        h.manager.scheduler().allocate(h.manager.room("r"));
        assertEquals(0, d.targetLayer());
        sendAll(true);
        sendAll(false);
        assertEquals(0, d.currentLayer());
        assertEquals(3, tb.rtp.size());
        int lastSeq = seq(tb.rtp.get(2));

        d.setConstraints(new VideoConstraints(320, 180, false));
        h.manager.scheduler().allocate(h.manager.room("r"));
        assertTrue(d.isPaused());
        assertTrue(h.layerEvents.contains("video b paused hidden"), h.layerEvents.toString());
        sendAll(false);
        sendAll(true);
        assertEquals(3, tb.rtp.size(), "nothing is sent while paused");
        assertEquals(6, drops(DropReason.PAUSED));

        h.advance(400 * MS);
        ta.clear();
        d.setConstraints(new VideoConstraints(320, 180, true));
        h.manager.scheduler().allocate(h.manager.room("r"));
        assertEquals(0, d.targetLayer());
        List<byte[]> plis = ta.rtcp(206, 1);
        assertEquals(1, plis.size(), "a PLI to the publisher (RFC 4585 section 6.3.1)");
        assertEquals(q.ssrc, u32(plis.get(0), 8), "for q's SSRC");
        q.send(false);
        assertEquals(3, tb.rtp.size(), "a delta frame cannot resume");
        assertEquals(1, drops(DropReason.NO_KEYFRAME_YET));
        q.send(true);
        assertEquals(4, tb.rtp.size());
        assertEquals((lastSeq + 1) & 0xFFFF, seq(tb.rtp.get(3)), "the sequence continues at last + 1");
    }

    // ---------------------------------------------------------------- 8. H.264 simulcast

    @Test
    void h264SimulcastSwitchesAtAnIdrRfc6184() throws Exception {
        a = h.join("r", "a");
        b = h.join("r", "b");
        List<Codec> h264 = List.of(new Codec(102, "H264", 90000, 1,
                "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", List.of("nack", "nack pli"), 103));
        a.publish(List.of(SimulcastPublisher.track("v-a", h264)));
        b.activateDownTracks();
        DownTrack d = video(b);
        d.setTargetLayer(0);
        pub = new SimulcastPublisher(a);
        byte[] idr = {0x65, (byte) 0x88, (byte) 0x84, 0x00, 0x21}; // NAL type 5: IDR slice
        byte[] nonIdr = {0x41, (byte) 0x9a, 0x02, 0x10};            // NAL type 1: non-IDR slice
        int[] seqs = {65534, 100};
        long[] ssrcs = {0x9000, 0x9002};
        String[] rids = {"q", "f"};
        // (layer, IDR?) in arrival order
        int[][] script = {{0, 1}, {1, 1}, {0, 0}, {1, 0}, {-1, -1}, {1, 0}, {0, 0}, {1, 1}, {0, 0}, {1, 0}};
        List<byte[]> expected = new ArrayList<>();
        boolean switched = false;
        for (int[] s : script) {
            if (s[0] < 0) {
                d.setTargetLayer(2);
                continue;
            }
            int l = s[0];
            byte[] p = SimulcastPublisher.packet(102, true, seqs[l], 3000L * seqs[l], ssrcs[l], "1", rids[l], null,
                    s[1] == 1 ? idr : nonIdr, 0);
            seqs[l] = (seqs[l] + 1) & 0xFFFF;
            switched |= l == 1 && s[1] == 1 && d.targetLayer() == 2;
            if ((l == 0 && !switched) || (l == 1 && switched)) {
                expected.add(p);
            }
            pub.deliver(p);
            h.advance(33 * MS);
        }
        FakeTransport tb = h.transport("b");
        assertEquals(expected.size(), tb.rtp.size());
        assertEquals(2, d.currentLayer());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(payload(expected.get(i)), payload(tb.rtp.get(i)));
            assertEquals(d.ssrc(), ssrc(tb.rtp.get(i)));
            if (i > 0) {
                assertEquals((seq(tb.rtp.get(i - 1)) + 1) & 0xFFFF, seq(tb.rtp.get(i)));
            }
        }
        assertEquals(idr[0], payload(tb.rtp.get(3))[0], "f starts with its IDR");
    }
}
