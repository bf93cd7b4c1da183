package dev.sfu.core.room;

import dev.sfu.core.forward.DownTrack;
import dev.sfu.core.testutil.RoomHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static dev.sfu.core.testutil.RoomHarness.VP8;
import static dev.sfu.core.testutil.RoomHarness.videoSsrc;
import static dev.sfu.core.testutil.RtpFixtures.rtp;
import static dev.sfu.core.testutil.RtpFixtures.vp8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Publishers forward and subscribers NACK on their own threads while participants leave: no
 * exception escapes, and every pooled buffer is back once everyone has left.
 */
class ConcurrentLeaveTest {
    @Test
    void leavingWhilePacketsFlowReleasesEveryBuffer() throws Exception {
        RoomHarness h = new RoomHarness(16);
        h.now.set(System.nanoTime());
        List<Participant> ps = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Participant p = h.join("r", "p" + i);
            RoomHarness.publishAv(p, i);
            ps.add(p);
        }
        for (Participant p : ps) {
            p.activateDownTracks();
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        AtomicLong sent = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < ps.size(); i++) {
            Participant p = ps.get(i);
            int n = i;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    byte[] nack = new byte[16];
                    for (int seq = 0; seq < 3000; seq++) {
                        byte[] pkt = rtp(VP8, seq, seq * 3000L, videoSsrc(n), new int[0], vp8(seq % 100 == 0, true));
                        p.endpoint().onRtp(pkt, 0, pkt.length);
                        sent.incrementAndGet();
                        for (DownTrack d : p.downTracks()) {
                            nack[0] = (byte) 0x81;
                            nack[1] = (byte) 205;
                            nack[3] = 3;
                            dev.sfu.core.testutil.RtpFixtures.put32(nack, 8, d.ssrc());
                            nack[12] = (byte) (seq >>> 8);
                            nack[13] = (byte) seq;
                            nack[15] = (byte) 0xFF;
                            p.endpoint().onRtcp(nack, 0, nack.length);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            threads.add(t);
            t.start();
        }
        start.countDown();
        // Each leave waits until another 300 packets went through, so it lands while packets flow.
        int leftWhileFlowing = 0;
        for (int i = 0; i < ps.size(); i += 2) {
            long target = sent.get() + 300;
            while (sent.get() < target && threads.stream().anyMatch(Thread::isAlive)) {
                Thread.onSpinWait();
            }
            if (threads.stream().anyMatch(Thread::isAlive)) {
                leftWhileFlowing++;
            }
            ps.get(i).leave(LeaveReason.LEFT);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertNull(failure.get());
        assertTrue(leftWhileFlowing > 0, "no participant left while packets flowed");
        h.manager.close();
        assertEquals(0, h.pool.outstanding());
    }
}
