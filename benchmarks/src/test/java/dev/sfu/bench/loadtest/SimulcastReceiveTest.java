package dev.sfu.bench.loadtest;

import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.codec.Vp8PayloadDescriptor;
import dev.sfu.rtp.rtcp.ReceiverReport;
import dev.sfu.rtp.rtcp.RtcpCompoundIterator;
import dev.sfu.rtp.rtcp.RtcpHeader;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A receiver of a simulcast track: the packets of a real {@link SimulcastPublisher}, forwarded
 * by a minimal SFU in this test (one layer at a time, switching at the target layer's key frame,
 * SSRC and sequence rewritten to one outgoing stream), measured by a {@link MediaReceiver}.
 */
class SimulcastReceiveTest {
    private static final long SEC = 1_000_000_000L;
    private static final long FRAME = SEC / 30;
    private static final int PUBLISHER = 2;
    private static final int DOWN_SSRC = 0x7777;
    private static final StreamIds IDS = StreamIds.SIMULCAST;
    private static final int TRACK = IDS.video(PUBLISHER);

    private final CapturingSink sink = new CapturingSink();
    private final byte[] scratch = new byte[1600];
    private final SimulcastPublisher publisher = new SimulcastPublisher(new SimulcastPublisher.Setup(sink, IDS,
            PUBLISHER, ClientSdp.EXTENSION_IDS, "c", 0, new Random(9), 30, 5 * SEC, 1200, ClientSdp.VP8_PT,
            ClientSdp.RTX_PT, "1"), new SimulcastPublisher.Ssrcs(new int[] {11, 12, 13}, new int[] {21, 22, 23}),
            LoadTestOptions.DEFAULT_LAYER_KBPS, SimulcastSdp.Layers.all());
    private final MediaReceiver receiver = new MediaReceiver(IDS, IDS.count(4), null, true);

    /** What the test's SFU forwards, and where it wants to go. */
    private SimulcastLayer forwarding;
    private SimulcastLayer target = SimulcastLayer.Q;
    private boolean switchAtKeyframe = true;
    private int downSequence = 1000;

    /** Sends {@code frames} frames on every layer and forwards them as an SFU would. */
    private void frames(int from, int frames) {
        for (int f = from; f < from + frames; f++) {
            sink.rtp.clear();
            for (VideoSender v : publisher.senders()) {
                v.onDue(f * FRAME, scratch);
            }
            for (byte[] b : sink.rtp) {
                forward(b, f * FRAME + 1_000_000);
            }
        }
    }

    private void forward(byte[] packet, long now) {
        SimulcastLayer layer = SimulcastLayer.values()[RtpPacket.ssrc(packet, 0) - 11];
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(packet, 0, packet.length));
        boolean key = Vp8PayloadDescriptor.isKeyframe(packet, p.payloadOffset(), p.payloadLength());
        if (layer == target && layer != forwarding && (key || !switchAtKeyframe)) {
            forwarding = layer;
        }
        if (layer != forwarding) {
            return;
        }
        byte[] out = Arrays.copyOf(packet, packet.length);
        RtpPacket.setSsrc(out, 0, DOWN_SSRC);
        RtpPacket.setSequenceNumber(out, 0, downSequence++ & 0xFFFF);
        receiver.onRtp(out, 0, out.length, now);
    }

    private void switchTo(SimulcastLayer l) {
        target = l;
        publisher.layer(l).requestKeyframe();
    }

    @Test
    void layerIsToldByKeyFrameWidthAndSwitchesAreCounted() {
        frames(0, 30);
        LayerTracker t = receiver.layerTracker(TRACK);
        assertEquals(SimulcastLayer.Q, t.layer());
        switchTo(SimulcastLayer.F);
        frames(30, 30);
        assertEquals(SimulcastLayer.F, t.layer());
        switchTo(SimulcastLayer.Q);
        frames(60, 30);
        assertEquals(SimulcastLayer.Q, t.layer());
        assertEquals(2, t.switches());
        assertEquals(0, t.switchesNotAtKeyframe());
        assertTrue(t.bytes(SimulcastLayer.Q.ordinal()) > 0);
        assertTrue(t.bytes(SimulcastLayer.F.ordinal()) > 3 * t.bytes(SimulcastLayer.Q.ordinal()) / 2,
                "1500 kbps for 1 s against 150 kbps for 2 s");
        assertEquals(0, t.bytes(SimulcastLayer.H.ordinal()));
        assertEquals(0, t.bytes(LayerTracker.UNKNOWN), "the first packet forwarded is q's key frame");
        double fSeconds = t.nanos(SimulcastLayer.F.ordinal()) / 1e9;
        assertEquals(1.0, fSeconds, 0.1, "time on f");
        double fKbps = t.bytes(SimulcastLayer.F.ordinal()) * 8 / fSeconds / 1000;
        assertTrue(fKbps > 1300 && fKbps < 2500, "f at " + fKbps + " kbps (a key frame included)");
        assertNull(receiver.layerTracker(IDS.audio(PUBLISHER)));
    }

    @Test
    void aLayerReceivedAgainAfterAnotherStartsANewSegmentSoNothingIsLost() {
        frames(0, 20);
        switchTo(SimulcastLayer.H);
        frames(20, 20);
        switchTo(SimulcastLayer.Q);
        frames(40, 20);
        StreamReceiveStats q = receiver.stream(IDS.layer(PUBLISHER, SimulcastLayer.Q));
        StreamReceiveStats h = receiver.stream(IDS.layer(PUBLISHER, SimulcastLayer.H));
        assertEquals(0, q.lost(), "q's packets sent while h was forwarded were not expected");
        assertEquals(0, h.lost());
        assertEquals(q.received(), q.expected());
        assertTrue(q.received() > 30);
        assertEquals(IDS.layer(PUBLISHER, SimulcastLayer.Q), receiver.currentLayerStream(TRACK));
        assertEquals(0, receiver.stream(IDS.layer(PUBLISHER, SimulcastLayer.Q)).misrouted());
    }

    @Test
    void aSwitchThatDoesNotStartAtAKeyFrameIsCounted() {
        frames(0, 10);
        switchAtKeyframe = false;
        target = SimulcastLayer.H;
        frames(10, 3);
        LayerTracker t = receiver.layerTracker(TRACK);
        assertEquals(1, t.switchesNotAtKeyframe());
        assertEquals(SimulcastLayer.Q, t.layer(), "no h key frame seen yet: still told q");
        assertEquals(0, t.switches());
    }

    @Test
    void nacksAndReportsFollowTheTrackNotTheLayer() {
        ReceiverFeedback f = new ReceiverFeedback(99, IDS.count(4));
        receiver.feedTo(f);
        frames(0, 15);
        switchTo(SimulcastLayer.F);
        frames(15, 15);
        byte[] buf = new byte[1500];
        int n = f.tick(5 * SEC, buf, buf.length);
        RtcpCompoundIterator it = new RtcpCompoundIterator();
        assertTrue(it.reset(buf, 0, n));
        int blocks = 0;
        int nacks = 0;
        while (it.next()) {
            if (it.packetType() == RtcpHeader.PT_RR) {
                ReceiverReport rr = new ReceiverReport();
                assertTrue(rr.wrap(buf, it.packetOffset(), it.packetLength()));
                blocks += rr.reportCount();
            } else if (it.packetType() == RtcpHeader.PT_RTPFB) {
                nacks++;
            }
        }
        assertEquals(1, blocks, "one report block for the one outgoing SSRC, whatever the layer");
        assertEquals(0, nacks, "the rewritten sequence has no gap at the switch");
    }

    @Test
    void keyframeWidthReadsOnlyKeyFrameStarts() {
        byte[] b = new byte[40];
        int n = Vp8PayloadDescriptor.writeStartOfFrame(b, 0, 5);
        Vp8PayloadDescriptor.writePayloadHeader(b, n, true, 0, 1280, 720);
        assertEquals(1280, Vp8PayloadDescriptor.keyframeWidth(b, 0, b.length));
        Vp8PayloadDescriptor.writePayloadHeader(b, n, false, 0, 0, 0);
        assertEquals(-1, Vp8PayloadDescriptor.keyframeWidth(b, 0, b.length), "a delta frame");
        assertEquals(-1, Vp8PayloadDescriptor.keyframeWidth(b, 0, 8), "truncated");
        assertEquals(List.of(SimulcastLayer.Q, SimulcastLayer.H, SimulcastLayer.F),
                List.of(SimulcastLayer.ofWidth(320), SimulcastLayer.ofWidth(640), SimulcastLayer.ofWidth(1280)));
        assertNull(SimulcastLayer.ofWidth(800));
    }
}
