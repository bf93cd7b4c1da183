package dev.sfu.core.room;

import dev.sfu.core.forward.DownTrack;
import dev.sfu.core.testutil.RoomHarness;
import dev.sfu.core.testutil.SimulcastPublisher;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.codec.Vp8PayloadDescriptor;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static dev.sfu.core.testutil.RtpFixtures.put32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A simulcast publisher's three layers fanned out to three subscribers, one per layer, in steady
 * state (no layer switch): after warm-up nothing is allocated per packet (STYLE.md sections 1, 5),
 * the two thirds of packets each subscriber does not take included.
 */
class SimulcastForwardingAllocationTest {
    @Test
    void forwardingThreeLayersAllocatesNothingPerPacket() throws Exception {
        RoomHarness h = new RoomHarness(8);
        ForwardingAllocationTest.CountingTransport[] ts = new ForwardingAllocationTest.CountingTransport[4];
        Participant[] ps = new Participant[4];
        for (int i = 0; i < 4; i++) {
            ts[i] = new ForwardingAllocationTest.CountingTransport("p" + i);
            ps[i] = h.manager.join("r", "p" + i, "n", ts[i]);
        }
        SimulcastPublisher pub = new SimulcastPublisher(ps[0]);
        pub.publish();
        SimulcastPublisher.Layer[] layers = {
            pub.new Layer("q", 0x5000, 0x6000, 320, 180, 0, 0, 0, 0),
            pub.new Layer("h", 0x5001, 0x6001, 640, 360, 0, 0, 0, 0),
            pub.new Layer("f", 0x5002, 0x6002, 1280, 720, 0, 0, 0, 0)};
        for (int i = 1; i < 4; i++) {
            ps[i].activateDownTracks();
            DownTrack d = ps[i].downTracks().get(0);
            d.setTargetLayer(i - 1);
        }
        // The first packets announce mid and rid, with a keyframe: SSRCs learned, layers started.
        byte[][] packets = new byte[3][];
        for (int l = 0; l < 3; l++) {
            layers[l].send(true);
            layers[l].announce = false;
            packets[l] = layers[l].frame(false, 0);
        }
        long base = ts[1].sent + ts[2].sent + ts[3].sent;
        run(h, pub, packets, 1, 20_000);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        run(h, pub, packets, 20_000, 40_000);
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertEquals(base + 3 * (40_000L - 1), ts[1].sent + ts[2].sent + ts[3].sent, "each subscriber gets its layer");
        for (int i = 1; i < 4; i++) {
            assertEquals(List.of("q", "h", "f").get(i - 1), ps[i].downTracks().get(0).currentRid());
        }
        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes for 120,000 packets");
        h.manager.close();
        assertEquals(0, h.pool.outstanding());
    }

    /** Sends frame n of every layer, rewriting sequence, timestamp and picture id in place. */
    private static void run(RoomHarness h, SimulcastPublisher pub, byte[][] packets, int from, int to) {
        for (int n = from; n < to; n++) {
            for (byte[] p : packets) {
                p[2] = (byte) (n >>> 8);
                p[3] = (byte) n;
                put32(p, 4, 3000L * n);
                int at = RtpPacket.FIXED_HEADER_LENGTH;
                Vp8PayloadDescriptor.setPictureId(p, at, p.length - at, n);
                pub.deliver(p);
            }
            h.advance(1_000_000L);
        }
    }
}
