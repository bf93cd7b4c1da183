package dev.sfu.core.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.rtp.rtcp.TransportCcFeedback;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class SendSideBandwidthEstimatorTest {
    private static final long MS = 1_000_000L;
    private final TransportCcFeedback view = new TransportCcFeedback();
    private final byte[] buf = new byte[2048];

    /** Feedback for {@code count} packets from {@code base}, all received 1 ms apart from {@code firstUs}. */
    private TransportCcFeedback feedback(int base, int count, long firstUs, int fbCount) {
        boolean[] received = new boolean[count];
        long[] arrival = new long[count];
        for (int i = 0; i < count; i++) {
            received[i] = true;
            arrival[i] = firstUs + i * 1000L;
        }
        int len = TransportCcFeedback.write(buf, 0, buf.length, 1, 2, base, fbCount, received, arrival, count);
        assertTrue(view.wrap(buf, 0, len));
        return view;
    }

    @Test
    void feedbackForUnsentOrRepeatedPacketsIsCountedAndSkipped() {
        SendSideBandwidthEstimator e = new SendSideBandwidthEstimator(CongestionControlConfig.defaults(), 0);
        for (int i = 0; i < 10; i++) {
            e.onPacketSent(65_530 + i & 0xFFFF, 1200, i * MS, -1);
        }
        e.onFeedback(feedback(65_530, 10, 50_000, 0), 60 * MS);
        assertEquals(0, e.unknownSeqReports());
        e.onFeedback(feedback(65_530, 10, 50_000, 0), 61 * MS);
        assertEquals(10, e.duplicateReports(), "the same feedback twice");
        e.onFeedback(feedback(20_000, 5, 80_000, 1), 62 * MS);
        assertEquals(5, e.unknownSeqReports(), "never sent");
        assertEquals(CongestionControlConfig.defaults().initialBitrateBps(), e.targetBitrateBps());
    }

    @Test
    void badPacketSizesAreCountedAndIgnored() {
        SendSideBandwidthEstimator e = new SendSideBandwidthEstimator(CongestionControlConfig.defaults(), 0);
        e.onPacketSent(1, 0, 0, -1);
        e.onPacketSent(2, -5, 0, -1);
        assertEquals(2, e.badSizePackets());
        assertEquals(0, e.packetsSent());
    }

    @Test
    void aProbeIsOfferedOnceTheAllocationWantsMoreAndItsPacketsAreCountedInTheCluster() {
        SendSideBandwidthEstimator e = new SendSideBandwidthEstimator(CongestionControlConfig.defaults(), 0);
        assertEquals(-1, e.pollProbe(0), "nothing desired yet");
        e.setDesiredBitrate(3_000_000);
        int id = e.pollProbe(MS);
        assertTrue(id >= 0);
        assertEquals(2_000_000, e.probeRateBps(), "min(desired, 2 x 1 Mbit/s)");
        assertEquals(1, e.probesSent());
        assertEquals(-1, e.pollProbe(2 * MS), "one at a time");
    }

    /**
     * Sends a probe cluster of 15 packets of 255 bytes {@code sendGapUs} apart, received
     * {@code recvGapUs} apart, and returns the target after its feedback.
     */
    private long afterFirstProbe(long sendGapUs, long recvGapUs) {
        SendSideBandwidthEstimator e = new SendSideBandwidthEstimator(CongestionControlConfig.defaults(), 0);
        e.setDesiredBitrate(3_000_000);
        int id = e.pollProbe(MS);
        assertTrue(id >= 0);
        int n = 15;
        boolean[] received = new boolean[n];
        long[] arrival = new long[n];
        for (int i = 0; i < n; i++) {
            e.onPacketSent(i, 255, MS + i * sendGapUs * 1000, id);
            received[i] = true;
            arrival[i] = 20_000 + i * recvGapUs;
        }
        int len = TransportCcFeedback.write(buf, 0, buf.length, 1, 2, 0, 0, received, arrival, n);
        assertTrue(view.wrap(buf, 0, len));
        e.onFeedback(view, 60 * MS + n * Math.max(sendGapUs, recvGapUs) * 1000);
        return e.targetBitrateBps();
    }

    @Test
    void aFirstProbeSentSlowlyDoesNotLowerTheInitialEstimate() {
        // Asked for 2 Mbit/s, sent at 204 kbit/s (10 ms apart: a starved pacer), received as sent.
        assertEquals(CongestionControlConfig.defaults().initialBitrateBps(), afterFirstProbe(10_000, 10_000));
    }

    @Test
    void aFirstProbeThatFoundTheLinkFullSetsTheEstimate() {
        // Sent at 2 Mbit/s (1 ms apart), received at 510 kbit/s (4 ms apart): the link was full.
        assertEquals(0.95 * 510_000, afterFirstProbe(1_000, 4_000), 10_000);
    }

    @Test
    void anInitialEstimateOutsideTheConfiguredBoundsIsRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new CongestionControlConfig(true, 50_000_000, 200_000, 5_000_000));
        SendSideBandwidthEstimator e = new SendSideBandwidthEstimator(
                new CongestionControlConfig(true, 5_000_000, 200_000, 5_000_000), 0);
        assertEquals(5_000_000, e.targetBitrateBps());
    }

    @Test
    void sendingAndFeedbackAllocateNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean s
                && s.isThreadAllocatedMemorySupported(), "this JVM does not count allocated bytes per thread");
        com.sun.management.ThreadMXBean sun = (com.sun.management.ThreadMXBean) bean;
        SendSideBandwidthEstimator e = new SendSideBandwidthEstimator(CongestionControlConfig.defaults(), 0);
        e.setDesiredBitrate(3_000_000);
        // One feedback message for 60 packets, reused: each round sends 60 packets with new
        // sequence numbers and reports them with a feedback rewritten in place.
        int count = 60;
        boolean[] received = new boolean[count];
        long[] arrival = new long[count];
        TransportCcFeedback fb = new TransportCcFeedback();
        byte[] bytes = new byte[1500];
        int seq = 0;
        long now = 0;
        // Measured in ten windows of 100 rounds after 2000 rounds of warm-up. An allocation per
        // call shows in every window; a one-off of the JVM's own (a deoptimisation, a class
        // loaded by the JIT) shows in one. So most windows must allocate nothing at all.
        long[] windows = new long[10];
        for (int round = 0; round < 3000; round++) {
            int base = seq;
            long sendStart = sun.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < count; i++) {
                e.onPacketSent(seq, 1200, now + i * 500_000L, -1);
                seq = (seq + 1) & 0xFFFF;
            }
            long sendAllocated = sun.getThreadAllocatedBytes(Thread.currentThread().getId()) - sendStart;
            for (int i = 0; i < count; i++) {
                received[i] = i % 13 != 5;
                arrival[i] = (now + 20 * MS + i * 520_000L) / 1000;
            }
            int len = TransportCcFeedback.write(bytes, 0, bytes.length, 1, 2, base, round & 0xFF, received, arrival, count);
            assertTrue(fb.wrap(bytes, 0, len), "a feedback the estimator can read");
            now += 30 * MS;
            long before = sun.getThreadAllocatedBytes(Thread.currentThread().getId());
            e.onFeedback(fb, now);
            e.pollProbe(now);
            if (round >= 2000) {
                windows[(round - 2000) / 100] +=
                        sun.getThreadAllocatedBytes(Thread.currentThread().getId()) - before + sendAllocated;
            }
        }
        long clean = java.util.Arrays.stream(windows).filter(w -> w == 0).count();
        assertTrue(clean >= 8, "windows of 6000 onPacketSent and 100 onFeedback and pollProbe calls that "
                + "allocated nothing: " + clean + " of 10; bytes per window " + java.util.Arrays.toString(windows));
    }

    @Test
    void aProbeStopsSendingOnceFeedbackReportsLossWhileItSends() {
        SendSideBandwidthEstimator e = new SendSideBandwidthEstimator(CongestionControlConfig.defaults(), 0);
        e.setDesiredBitrate(5_000_000);
        int id = e.pollProbe(0);
        assertTrue(id >= 0, "a probe is due at start");
        assertTrue(e.probeSending(id, MS));
        for (int i = 0; i < 4; i++) {
            e.onPacketSent(i, 255, i * MS, id);
        }
        // Feedback names the four probe packets: the third never arrived.
        boolean[] received = {true, true, false, true};
        long[] arrival = {20_000, 21_000, 0, 23_000};
        int len = TransportCcFeedback.write(buf, 0, buf.length, 1, 2, 0, 0, received, arrival, 4);
        assertTrue(view.wrap(buf, 0, len));
        e.onFeedback(view, 30 * MS);
        assertFalse(e.probeSending(id, 30 * MS), "stopped: its padding would only push media out of a full queue");
        assertEquals(1, e.probesAborted());
    }

    @Test
    void noProbeOnceTheEstimateIsAtItsMaximum() {
        SendSideBandwidthEstimator e = new SendSideBandwidthEstimator(
                CongestionControlConfig.defaults().withBitrates(1_000_000, 100_000, 1_000_000), 0);
        e.setDesiredBitrate(5_000_000);
        assertEquals(-1, e.pollProbe(0), "nothing to find above the maximum");
    }
}
