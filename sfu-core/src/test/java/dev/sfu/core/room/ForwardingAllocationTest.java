package dev.sfu.core.room;

import dev.sfu.core.testutil.FakeTransport;
import dev.sfu.core.testutil.RoomHarness;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static dev.sfu.core.testutil.RoomHarness.OPUS;
import static dev.sfu.core.testutil.RoomHarness.VP8;
import static dev.sfu.core.testutil.RoomHarness.audioSsrc;
import static dev.sfu.core.testutil.RoomHarness.videoSsrc;
import static dev.sfu.core.testutil.RtpFixtures.OPUS_PAYLOAD;
import static dev.sfu.core.testutil.RtpFixtures.rtp;
import static dev.sfu.core.testutil.RtpFixtures.vp8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** After warm-up the fan-out path allocates nothing per packet (STYLE.md section 1 and 5). */
class ForwardingAllocationTest {
    /** Counts instead of copying, so the test measures the forwarding path only. */
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

    @Test
    void fanOutToFourSubscribersAllocatesNothingPerPacket() throws Exception {
        RoomHarness h = new RoomHarness(8);
        CountingTransport[] ts = new CountingTransport[5];
        Participant[] ps = new Participant[5];
        for (int i = 0; i < 5; i++) {
            ts[i] = new CountingTransport("p" + i);
            ps[i] = h.manager.join("r", "p" + i, "n", ts[i]);
            RoomHarness.publishAv(ps[i], i);
        }
        for (Participant p : ps) {
            p.activateDownTracks();
        }
        byte[] video = rtp(VP8, 0, 0, videoSsrc(0), new int[] {2, 3, 4}, vp8(true, true));
        byte[] audio = rtp(OPUS, 0, 0, audioSsrc(0), new int[] {1, 4}, OPUS_PAYLOAD);
        run(h, ps[0], video, audio, 0, 20_000);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        run(h, ps[0], video, audio, 20_000, 40_000);
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertEquals(4 * 2 * 40_000L, ts[1].sent + ts[2].sent + ts[3].sent + ts[4].sent);
        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes for 40,000 packets");
        h.manager.close();
        assertEquals(0, h.pool.outstanding());
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
}
