package dev.sfu.bench.loadtest;

import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.codec.Vp8PayloadDescriptor;
import dev.sfu.rtp.ext.SdesTextExtension;
import dev.sfu.rtp.rtcp.RtcpHeader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three layers of a simulcast publisher as a receiver parses them back: RFC 8852 rid and
 * repaired rid, RFC 6386 key frame sizes, RFC 7741 temporal layer fields, RFC 4588 RTX, dynacast.
 */
class SimulcastPublisherTest {
    private static final long SEC = 1_000_000_000L;
    private static final long FRAME = SEC / 30;
    private static final HeaderExtensionIds IDS = ClientSdp.EXTENSION_IDS;
    private final CapturingSink sink = new CapturingSink();
    private final byte[] scratch = new byte[1600];
    private final SimulcastPublisher.Ssrcs ssrcs = new SimulcastPublisher.Ssrcs(new int[] {0x1001, 0x1002, 0x1003},
            new int[] {0x2001, 0x2002, 0x2003});

    private SimulcastPublisher publisher(SimulcastSdp.Layers accepted) {
        return new SimulcastPublisher(new SimulcastPublisher.Setup(sink, StreamIds.SIMULCAST, 3, IDS, "c", 0,
                new Random(5), 30, 5 * SEC, 1200, ClientSdp.VP8_PT, ClientSdp.RTX_PT, "1"), ssrcs,
                LoadTestOptions.DEFAULT_LAYER_KBPS, accepted);
    }

    /** Runs every layer for {@code frames} frames from frame {@code from}. */
    private static void run(SimulcastPublisher p, int from, int frames, byte[] scratch) {
        for (int f = from; f < from + frames; f++) {
            for (VideoSender v : p.senders()) {
                v.onDue(f * FRAME, scratch);
            }
        }
    }

    private static RtpPacket parse(byte[] b) {
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(b, 0, b.length), "valid RTP");
        return p;
    }

    private List<byte[]> onSsrc(int ssrc) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] b : sink.rtp) {
            if (RtpPacket.ssrc(b, 0) == ssrc) {
                out.add(b);
            }
        }
        return out;
    }

    @Test
    void eachLayerHasItsOwnSsrcSequenceTimestampAndStreamIdAndKeyFramesCarryItsSize() {
        SimulcastPublisher p = publisher(SimulcastSdp.Layers.all());
        run(p, 0, 2, scratch);
        Set<Integer> firstSequences = new HashSet<>();
        Set<Long> firstTimestamps = new HashSet<>();
        for (SimulcastLayer l : SimulcastLayer.values()) {
            List<byte[]> packets = onSsrc(ssrcs.media()[l.ordinal()]);
            assertFalse(packets.isEmpty(), l.rid());
            RtpPacket key = parse(packets.get(0));
            byte[] b = key.buffer();
            int po = key.payloadOffset();
            int pl = key.payloadLength();
            assertTrue(Vp8PayloadDescriptor.isKeyframe(b, po, pl), l.rid() + " starts with a key frame");
            assertEquals(l.width(), Vp8PayloadDescriptor.keyframeWidth(b, po, pl));
            // RFC 6386 section 9.1: 9d 01 2a, then 14-bit little-endian width and height (scale 0).
            int h = po + Vp8PayloadDescriptor.length(b, po, pl);
            assertEquals(0x9D, b[h + 3] & 0xFF);
            assertEquals(0x01, b[h + 4] & 0xFF);
            assertEquals(0x2A, b[h + 5] & 0xFF);
            assertEquals(l.width(), (b[h + 6] & 0xFF) | (b[h + 7] & 0x3F) << 8);
            assertEquals(l.height(), (b[h + 8] & 0xFF) | (b[h + 9] & 0x3F) << 8);
            assertEquals(StreamIds.SIMULCAST.layer(3, l), ProbeTrailer.streamId(b, po + pl));
            firstSequences.add(key.sequenceNumber());
            firstTimestamps.add(key.timestamp());
            for (int i = 1; i < packets.size(); i++) {
                assertEquals((key.sequenceNumber() + i) & 0xFFFF, RtpPacket.sequenceNumber(packets.get(i), 0),
                        l.rid() + ": a sequence of its own, without gaps");
            }
        }
        assertEquals(3, firstSequences.size(), "random sequence starts per layer");
        assertEquals(3, firstTimestamps.size(), "random timestamp offsets per layer");
    }

    @Test
    void layerBitratesFollowLayerKbps() {
        SimulcastPublisher p = publisher(SimulcastSdp.Layers.all());
        run(p, 0, 300, scratch);
        for (SimulcastLayer l : SimulcastLayer.values()) {
            long bytes = 0;
            for (byte[] b : onSsrc(ssrcs.media()[l.ordinal()])) {
                bytes += b.length;
            }
            double kbps = bytes * 8 / 10.0 / 1000;
            int target = LoadTestOptions.DEFAULT_LAYER_KBPS.get(l.ordinal());
            assertTrue(kbps > target * 0.9 && kbps < target * 1.35, l.rid() + ": " + kbps + " kbps for " + target);
        }
    }

    @Test
    void everyPacketCarriesMidAndItsRidUntilAReportBlockNamesItsSsrc() {
        SimulcastPublisher p = publisher(SimulcastSdp.Layers.all());
        run(p, 0, 3, scratch);
        for (byte[] b : sink.rtp) {
            int ssrc = RtpPacket.ssrc(b, 0);
            String rid = SimulcastLayer.values()[(ssrc & 0xF) - 1].rid();
            assertEquals(rid, SdesTextExtension.read(b, 0, b.length, IDS.ridId()));
            assertEquals("1", SdesTextExtension.read(b, 0, b.length, IDS.midId()));
            assertNull(SdesTextExtension.read(b, 0, b.length, IDS.repairedRidId()));
        }
        p.onReportBlock(0x1002);
        sink.rtp.clear();
        run(p, 3, 2, scratch);
        for (byte[] b : sink.rtp) {
            boolean acknowledged = RtpPacket.ssrc(b, 0) == 0x1002;
            assertEquals(acknowledged, SdesTextExtension.read(b, 0, b.length, IDS.ridId()) == null,
                    "Chromium stops sending rid on an SSRC the receiver reported on");
            assertEquals(acknowledged, SdesTextExtension.read(b, 0, b.length, IDS.midId()) == null);
            RtpPacket rtp = parse(b);
            assertTrue(rtp.payloadLength() > 0);
        }
    }

    @Test
    void rtxOfALayerHasItsOwnSsrcAndNamesTheLayerInRepairedRtpStreamId() {
        SimulcastPublisher p = publisher(SimulcastSdp.Layers.all());
        run(p, 0, 1, scratch);
        VideoSender h = p.layer(SimulcastLayer.H);
        byte[] original = onSsrc(0x1002).get(1);
        int before = sink.rtp.size();
        h.nack(RtpPacket.sequenceNumber(original, 0));
        h.service(1000, scratch);
        assertEquals(before + 1, sink.rtp.size());
        byte[] rtx = sink.rtp.get(before);
        RtpPacket r = parse(rtx);
        assertEquals(0x2002, r.ssrc());
        assertEquals(ClientSdp.RTX_PT, r.payloadType());
        assertEquals("h", SdesTextExtension.read(rtx, 0, rtx.length, IDS.repairedRidId()));
        assertNull(SdesTextExtension.read(rtx, 0, rtx.length, IDS.ridId()), "rtp-stream-id is for the media SSRC");
        assertEquals("1", SdesTextExtension.read(rtx, 0, rtx.length, IDS.midId()));
        assertEquals(RtpPacket.timestamp(original, 0), r.timestamp());
        byte[] b = r.buffer();
        assertEquals(RtpPacket.sequenceNumber(original, 0),
                ((b[r.payloadOffset()] & 0xFF) << 8) | (b[r.payloadOffset() + 1] & 0xFF), "RFC 4588: OSN first");
        RtpPacket o = parse(original);
        assertEquals(o.payloadLength() + 2, r.payloadLength());
        assertEquals(ProbeTrailer.sequence(original, o.payloadOffset() + o.payloadLength()),
                ProbeTrailer.sequence(b, r.payloadOffset() + r.payloadLength()));

        // Once the RTX SSRC is reported on, its packets drop mid and rrid too.
        p.onReportBlock(0x2002);
        h.nack(RtpPacket.sequenceNumber(original, 0));
        h.service(2000, scratch);
        byte[] later = sink.rtp.get(sink.rtp.size() - 1);
        assertNull(SdesTextExtension.read(later, 0, later.length, IDS.repairedRidId()));
        assertNull(SdesTextExtension.read(later, 0, later.length, IDS.midId()));
    }

    @Test
    void payloadDescriptorsCarryTheTemporalPatternAnd15BitPictureIdsPerLayer() {
        SimulcastPublisher p = publisher(SimulcastSdp.Layers.all());
        run(p, 0, 9, scratch);
        for (SimulcastLayer l : SimulcastLayer.values()) {
            List<Integer> tids = new ArrayList<>();
            List<Integer> tl0 = new ArrayList<>();
            List<Boolean> sync = new ArrayList<>();
            List<Integer> pictures = new ArrayList<>();
            Map<Integer, Integer> tidOfPicture = new HashMap<>();
            for (byte[] raw : onSsrc(ssrcs.media()[l.ordinal()])) {
                RtpPacket r = parse(raw);
                byte[] b = r.buffer();
                int po = r.payloadOffset();
                int pl = r.payloadLength();
                assertEquals(6, Vp8PayloadDescriptor.length(b, po, pl), "X, I (15 bits), L, T");
                assertTrue(Vp8PayloadDescriptor.hasLongPictureId(b, po, pl));
                int picture = Vp8PayloadDescriptor.pictureId(b, po, pl);
                int tid = Vp8PayloadDescriptor.temporalLayer(b, po, pl);
                Integer seen = tidOfPicture.putIfAbsent(picture, tid);
                assertTrue(seen == null || seen == tid, "every packet of a frame repeats its fields");
                assertEquals(tid == 2, Vp8PayloadDescriptor.isNonReference(b, po, pl));
                assertEquals(-1, Vp8PayloadDescriptor.keyIndex(b, po, pl));
                if (Vp8PayloadDescriptor.isStartOfFrame(b, po, pl)) {
                    tids.add(tid);
                    tl0.add(Vp8PayloadDescriptor.tl0PicIdx(b, po, pl));
                    sync.add(Vp8PayloadDescriptor.isLayerSync(b, po, pl));
                    pictures.add(picture);
                }
            }
            assertEquals(List.of(0, 2, 1, 2, 0, 2, 1, 2, 0), tids, l.rid());
            assertEquals(List.of(false, true, true, false, false, true, true, false, false), sync, l.rid());
            for (int i = 0; i < tl0.size(); i++) {
                int base = tl0.get(0);
                assertEquals((base + i / 4) & 0xFF, tl0.get(i), l.rid() + " TL0PICIDX of frame " + i);
            }
            for (int i = 1; i < pictures.size(); i++) {
                assertEquals((pictures.get(0) + i) & 0x7FFF, pictures.get(i), l.rid() + ": consecutive picture ids");
            }
        }
    }

    @Test
    void pliForOneLayersSsrcMakesThatLayerAloneSendAKeyFrame() {
        SimulcastPublisher p = publisher(SimulcastSdp.Layers.all());
        run(p, 0, 30, scratch);
        long[] before = new long[3];
        for (VideoSender v : p.senders()) {
            before[SimulcastLayer.ofRid(v.encoding().rid()).ordinal()] = v.keyframes();
        }
        VideoSender f = p.bySsrc(0x1003);
        assertNotNull(f);
        f.requestKeyframe();
        run(p, 30, 1, scratch);
        assertEquals(before[2] + 1, p.layer(SimulcastLayer.F).keyframes());
        assertEquals(before[0], p.layer(SimulcastLayer.Q).keyframes());
        assertEquals(before[1], p.layer(SimulcastLayer.H).keyframes());
        assertNull(p.bySsrc(0x2003), "RTX SSRCs are not media streams");
    }

    @Test
    void dynacastStopsTheLayersNotNeededAndResumesThemWithAKeyFrame() {
        SimulcastPublisher p = publisher(SimulcastSdp.Layers.all());
        run(p, 0, 30, scratch);
        p.onLayersNeeded(List.of("q"));
        assertTrue(p.layer(SimulcastLayer.Q).active());
        assertFalse(p.layer(SimulcastLayer.H).active());
        sink.rtp.clear();
        sink.rtcp.clear();
        for (int f = 30; f < 90; f++) {
            for (VideoSender v : p.senders()) {
                v.onDue(f * FRAME, scratch);
                v.service(f * FRAME, scratch);
            }
        }
        assertTrue(onSsrc(0x1002).isEmpty() && onSsrc(0x1003).isEmpty(), "h and f stopped");
        assertFalse(sink.rtcp.isEmpty(), "q's sender reports");
        assertFalse(onSsrc(0x1001).isEmpty(), "q goes on");
        for (byte[] sr : sink.rtcp) {
            assertEquals(RtcpHeader.PT_SR, sr[1] & 0xFF);
            int sender = (sr[4] & 0xFF) << 24 | (sr[5] & 0xFF) << 16 | (sr[6] & 0xFF) << 8 | (sr[7] & 0xFF);
            assertEquals(0x1001, sender, "sender reports only for the layer sent");
        }
        long hKeys = p.layer(SimulcastLayer.H).keyframes();
        long fKeys = p.layer(SimulcastLayer.F).keyframes();

        p.onLayersNeeded(List.of("q", "h", "x"));
        sink.rtp.clear();
        run(p, 90, 1, scratch);
        RtpPacket first = parse(onSsrc(0x1002).get(0));
        assertTrue(Vp8PayloadDescriptor.isKeyframe(first.buffer(), first.payloadOffset(), first.payloadLength()),
                "a resumed layer starts with a key frame");
        assertEquals(hKeys + 1, p.layer(SimulcastLayer.H).keyframes());
        assertEquals(fKeys, p.layer(SimulcastLayer.F).keyframes());
        assertTrue(onSsrc(0x1003).isEmpty(), "f still stopped");
        assertEquals(2, p.layersNeededMessages());
        assertEquals(1, p.layer(SimulcastLayer.H).stops());
        assertEquals(1, p.layer(SimulcastLayer.H).resumes());
        assertEquals(1, p.layer(SimulcastLayer.F).stops());
        assertEquals(0, p.layer(SimulcastLayer.Q).stops());
    }

    @Test
    void onlyTheLayersTheAnswerAcceptsAreSentAndPausedOnesWaitForLayersNeeded() {
        SimulcastPublisher p = publisher(new SimulcastSdp.Layers(List.of(SimulcastLayer.Q, SimulcastLayer.F),
                Set.of(SimulcastLayer.F)));
        assertEquals(2, p.senders().size());
        assertNull(p.layer(SimulcastLayer.H));
        run(p, 0, 3, scratch);
        assertFalse(onSsrc(0x1001).isEmpty());
        assertTrue(onSsrc(0x1003).isEmpty(), "~f starts paused");
        p.onLayersNeeded(List.of("q", "f"));
        run(p, 3, 1, scratch);
        assertFalse(onSsrc(0x1003).isEmpty());
    }
}
