package dev.sfu.bench.loadtest;

import dev.sfu.rtp.RtpPacket;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Mapping received packets to publisher streams and measuring latency. */
class MediaReceiverTest {
    private static byte[] packet(int pt, int ssrc, int seq, int streamId, int probe, long sendNanos, int payload) {
        byte[] b = new byte[12 + payload];
        RtpPacket.writeHeader(b, 0, false, pt, seq, 1000, ssrc);
        ProbeTrailer.write(b, b.length, streamId, probe, sendNanos);
        return b;
    }

    @Test
    void latencyIsReceiveTimeMinusTrailerSendTime() {
        MediaReceiver r = new MediaReceiver(10, null);
        long now = 10_000_000_000L;
        for (int i = 0; i < 100; i++) {
            byte[] p = packet(96, 42, i, 3, i, now - (i + 1) * 100_000L, 100);
            r.onRtp(p, 0, p.length, now);
        }
        Histogram h = r.latencyRecorder().getIntervalHistogram();
        assertEquals(100, h.getTotalCount());
        assertEquals(5_000, h.getValueAtPercentile(50), 10, "p50 of 0.1 .. 10 ms, in microseconds");
        assertEquals(10_000, h.getMaxValue(), 10);
        assertNotNull(r.stream(3));
        assertNull(r.stream(2));
        assertEquals(100, r.stream(3).received());
        assertEquals(now, r.firstMediaNanos());
    }

    @Test
    void rtxPacketsFillLossButStayOutOfLatency() {
        MediaReceiver r = new MediaReceiver(10, null);
        r.addRtxPayloadType(97);
        long now = 5_000_000_000L;
        byte[] a = packet(96, 42, 1, 1, 0, now, 50);
        byte[] c = packet(96, 42, 3, 1, 2, now, 50);
        byte[] rtx = packet(97, 43, 9, 1, 1, now - 50_000_000L, 52);
        r.onRtp(a, 0, a.length, now);
        r.onRtp(c, 0, c.length, now);
        assertEquals(1, r.stream(1).lost());
        r.onRtp(rtx, 0, rtx.length, now);
        assertEquals(0, r.stream(1).lost());
        assertEquals(2, r.latencyRecorder().getIntervalHistogram().getTotalCount());
        assertEquals(0, r.stream(1).misrouted(), "RTX arrives on its own SSRC");
    }

    @Test
    void packetsWithoutATrailerOfThisRunAreForeign() {
        MediaReceiver r = new MediaReceiver(4, null);
        byte[] tooShort = packet(96, 1, 1, 0, 0, 0, 8);
        byte[] badId = packet(96, 1, 1, 99, 0, 0, 40);
        byte[] notRtp = {1, 2, 3};
        r.onRtp(tooShort, 0, tooShort.length, 1);
        r.onRtp(badId, 0, badId.length, 1);
        r.onRtp(notRtp, 0, notRtp.length, 1);
        assertEquals(3, r.foreign());
        assertEquals(0, r.packets());
    }

    @Test
    void streamOnAnSsrcNotAnnouncedForItsPublisherIsMisrouted() {
        MediaReceiver r = new MediaReceiver(4, id -> ssrc -> ssrc == 42);
        byte[] good = packet(96, 42, 1, 0, 0, 0, 40);
        byte[] wrong = packet(96, 77, 1, 1, 0, 0, 40);
        byte[] switched = packet(96, 78, 2, 0, 1, 0, 40);
        r.onRtp(good, 0, good.length, 1);
        r.onRtp(wrong, 0, wrong.length, 1);
        r.onRtp(switched, 0, switched.length, 1);
        assertEquals(1, r.stream(0).misrouted(), "stream 0 later arrived on another SSRC");
        assertEquals(1, r.stream(1).misrouted(), "stream 1 came on an SSRC announced for someone else");
    }
}
