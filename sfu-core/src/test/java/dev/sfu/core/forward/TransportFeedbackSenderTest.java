package dev.sfu.core.forward;

import dev.sfu.core.room.Participant;
import dev.sfu.core.testutil.FakeTransport;
import dev.sfu.core.testutil.RoomHarness;
import dev.sfu.rtp.rtcp.TransportCcFeedback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.sfu.core.testutil.RoomHarness.MS;
import static dev.sfu.core.testutil.RoomHarness.VP8;
import static dev.sfu.core.testutil.RoomHarness.videoSsrc;
import static dev.sfu.core.testutil.RtpFixtures.put32;
import static dev.sfu.core.testutil.RtpFixtures.vp8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transport-wide feedback to a publisher (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * section 3.1): packets go in on a fake clock, and the RTCP the server sends is parsed back
 * with {@link TransportCcFeedback#wrap}.
 */
class TransportFeedbackSenderTest {
    /** The transport-wide-cc id {@link RoomHarness#extensions()} negotiates. */
    private static final int TCC_ID = 3;
    private static final long US = 1_000L;

    private final RoomHarness h = new RoomHarness(8);
    private Participant a;
    private FakeTransport t;
    private long start;

    @BeforeEach
    void join() throws Exception {
        a = h.join("r", "a");
        RoomHarness.publishAv(a, 1);
        t = h.transport("a");
        start = h.now.get();
    }

    @AfterEach
    void noBufferOutstanding() {
        h.manager.close();
        assertEquals(0, h.pool.outstanding());
    }

    /** A VP8 packet on {@code ssrc} with transport-wide sequence number {@code tseq} (id 3). */
    static byte[] packet(long ssrc, int seq, int tseq, int padTo) {
        byte[] payload = vp8(false, true);
        int len = Math.max(12 + 8 + payload.length, padTo);
        byte[] b = new byte[len];
        b[0] = (byte) 0x90;
        b[1] = (byte) VP8;
        b[2] = (byte) (seq >>> 8);
        b[3] = (byte) seq;
        put32(b, 4, 90L * seq);
        put32(b, 8, ssrc);
        b[12] = (byte) 0xBE;
        b[13] = (byte) 0xDE;
        b[15] = 1;
        b[16] = (byte) ((TCC_ID << 4) | 1);
        b[17] = (byte) (tseq >>> 8);
        b[18] = (byte) tseq;
        System.arraycopy(payload, 0, b, 20, payload.length);
        return b;
    }

    private void send(int tseq) {
        send(videoSsrc(1), tseq);
    }

    private void send(long ssrc, int tseq) {
        byte[] p = packet(ssrc, tseq & 0xFFFF, tseq & 0xFFFF, 0);
        a.endpoint().onRtp(p, 0, p.length);
    }

    private List<TransportCcFeedback> feedback() {
        List<TransportCcFeedback> out = new ArrayList<>();
        for (byte[] b : t.rtcp(205, 15)) {
            TransportCcFeedback f = new TransportCcFeedback();
            assertTrue(f.wrap(b, 0, b.length), "parses back");
            out.add(f);
        }
        return out;
    }

    /** Per reported packet: its arrival in us since {@link #start} (reference time plus deltas), or -1 if lost. */
    private long[] arrivals(TransportCcFeedback f) {
        int n = f.packetStatusCount();
        int[] seqs = new int[n];
        int[] statuses = new int[n];
        int[] deltas = new int[n];
        f.packets(seqs, statuses, deltas);
        long[] out = new long[n];
        long us = f.referenceTimeUs();
        for (int i = 0; i < n; i++) {
            if (statuses[i] == TransportCcFeedback.NOT_RECEIVED) {
                out[i] = -1;
            } else {
                us += (long) deltas[i] * TransportCcFeedback.DELTA_UNIT_US;
                out[i] = us;
            }
        }
        return out;
    }

    private long sinceStartUs() {
        return (h.now.get() - start) / US;
    }

    @Test
    void feedbackReportsEverySequenceNumberWithItsArrivalTimeDraftHolmerSection3Point1() {
        long[] expected = new long[10];
        for (int i = 0; i < 10; i++) {
            expected[i] = sinceStartUs();
            send(100 + i);
            h.advance(MS);
        }
        assertEquals(0, feedback().size(), "nothing before the interval");
        h.advance(50 * MS);
        send(110);
        List<TransportCcFeedback> fb = feedback();
        assertEquals(1, fb.size());
        TransportCcFeedback f = fb.get(0);
        assertEquals(a.endpoint().rtcpSsrc(), f.senderSsrc());
        assertEquals(videoSsrc(1), f.mediaSsrc(), "the publisher's SSRC, as browsers do");
        assertEquals(100, f.baseSequence());
        assertEquals(11, f.packetStatusCount());
        assertEquals(0, f.feedbackPacketCount());
        long[] got = arrivals(f);
        for (int i = 0; i < 10; i++) {
            assertEquals(expected[i], got[i], "arrival of " + (100 + i));
        }
        assertEquals(sinceStartUs(), got[10]);
        assertEquals(1, a.endpoint().transportFeedback().messagesSent());
        assertEquals(11, h.manager.room("r").metrics().stage("twcc").inCount());
    }

    @Test
    void arrivalIsWhenTheTransportReadThePacketNotWhenItWasProcessed() {
        // Three packets read 1 ms apart, processed in one burst 20 ms later (the serial task was busy).
        long read = h.now.get();
        h.advance(20 * MS);
        for (int i = 0; i < 3; i++) {
            t.receivedAt = read + i * MS;
            send(1 + i);
        }
        t.receivedAt = -1;
        h.advance(60 * MS);
        send(4);
        long[] got = arrivals(feedback().get(0));
        long base = (read - start) / US;
        assertEquals(base, got[0]);
        assertEquals(base + 1000, got[1]);
        assertEquals(base + 2000, got[2]);
        assertEquals(sinceStartUs(), got[3], "unknown receive time: the endpoint's clock");
    }

    @Test
    void feedbackGoesOutEveryFiftyMillisecondsWithAnIncrementingCount() {
        int seq = 1;
        for (int ms = 0; ms < 1000; ms += 10) {
            send(seq++);
            h.advance(10 * MS);
        }
        List<TransportCcFeedback> fb = feedback();
        // 100 packets 10 ms apart: one message per 50 ms, the first once 50 ms have passed.
        assertEquals(19, fb.size());
        int next = 1;
        for (int i = 0; i < fb.size(); i++) {
            assertEquals(i, fb.get(i).feedbackPacketCount());
            assertEquals(next, fb.get(i).baseSequence(), "no gap, no overlap between messages");
            next += fb.get(i).packetStatusCount();
            assertTrue(fb.get(i).packetStatusCount() <= 6);
        }
    }

    @Test
    void reorderedPacketInsideTheWindowIsReportedWithItsOwnArrival() {
        long[] at = new long[5];
        for (int s : new int[] {1, 2, 4, 3, 5}) {
            at[s - 1] = sinceStartUs();
            send(s);
            h.advance(2 * MS);
        }
        h.advance(50 * MS);
        send(6);
        TransportCcFeedback f = feedback().get(0);
        long[] got = arrivals(f);
        for (int i = 0; i < 5; i++) {
            assertEquals(at[i], got[i], "seq " + (i + 1));
        }
        assertTrue(got[2] > got[3], "4 arrived before 3: a negative (large) delta");
    }

    @Test
    void lossIsReportedAndALatePacketAfterTheReportIsIgnored() {
        send(1);
        send(2);
        send(5);
        h.advance(60 * MS);
        send(6);
        TransportCcFeedback f = feedback().get(0);
        assertEquals(1, f.baseSequence());
        int[] seqs = new int[6];
        int[] statuses = new int[6];
        int[] deltas = new int[6];
        f.packets(seqs, statuses, deltas);
        assertArrayEquals(new int[] {1, 1, 0, 0, 1, 1}, statuses);
        // 3 arrives after the report that called it lost: the sender has judged it already.
        send(3);
        h.advance(60 * MS);
        send(7);
        List<TransportCcFeedback> fb = feedback();
        assertEquals(2, fb.size());
        assertEquals(7, fb.get(1).baseSequence());
        assertEquals(1, fb.get(1).packetStatusCount());
        assertEquals(1, a.endpoint().transportFeedback().lateIgnored());
    }

    @Test
    void duplicateKeepsTheFirstArrival() {
        long first = sinceStartUs();
        send(1);
        h.advance(5 * MS);
        send(1);
        h.advance(60 * MS);
        send(2);
        TransportCcFeedback f = feedback().get(0);
        assertEquals(2, f.packetStatusCount());
        assertEquals(first, arrivals(f)[0]);
        assertEquals(1, a.endpoint().transportFeedback().duplicates());
    }

    @Test
    void sequenceNumbersWrapAt65536() {
        for (int s = 65533; s <= 65538; s++) {
            send(s);
        }
        h.advance(60 * MS);
        send(65539);
        TransportCcFeedback f = feedback().get(0);
        assertEquals(65533, f.baseSequence());
        assertEquals(7, f.packetStatusCount());
        long[] got = arrivals(f);
        for (long g : got) {
            assertTrue(g >= 0, "all received across the wrap");
        }
    }

    @Test
    void largeJumpReportsWhatIsPendingAndStartsOver() {
        send(1);
        send(2);
        send(1 + TransportFeedbackSender.WINDOW + 10);
        List<TransportCcFeedback> fb = feedback();
        assertEquals(1, fb.size(), "the pending packets are flushed before starting over");
        assertEquals(1, fb.get(0).baseSequence());
        assertEquals(2, fb.get(0).packetStatusCount());
        h.advance(60 * MS);
        send(2 + TransportFeedbackSender.WINDOW + 10);
        fb = feedback();
        assertEquals(2, fb.size());
        assertEquals(1 + TransportFeedbackSender.WINDOW + 10, fb.get(1).baseSequence());
        assertEquals(2, fb.get(1).packetStatusCount());
        assertEquals(1, a.endpoint().transportFeedback().restarts());
    }

    @Test
    void feedbackLargerThanOneRtcpPacketIsSplitWithRoomForTheSrtcpTrailer() {
        int max = a.endpoint().transportFeedback().maxPerMessage();
        assertTrue(max > 100 && max < TransportFeedbackSender.WINDOW, "bounded by the RTCP buffer: " + max);
        int total = max + 50;
        for (int s = 0; s < total; s++) {
            if (s % 3 != 1) { // one in three lost: status vectors, not runs
                send(1000 + s);
            }
            h.advance(10 * US);
        }
        h.advance(50 * MS);
        send(1000 + total);
        List<TransportCcFeedback> fb = feedback();
        assertEquals(2, fb.size());
        assertEquals(1000, fb.get(0).baseSequence());
        assertEquals(max, fb.get(0).packetStatusCount());
        assertEquals(1000 + max, fb.get(1).baseSequence());
        assertEquals(total + 1 - max, fb.get(1).packetStatusCount());
        assertEquals(0, fb.get(0).feedbackPacketCount());
        assertEquals(1, fb.get(1).feedbackPacketCount());
        // FakeTransport checked each message left room for the SRTCP trailer in the buffer.
    }

    @Test
    void arrivalsTooFarApartForOneDeltaAreSplit() {
        send(1);
        send(2);
        h.advance(10_000 * MS); // 10 s of silence: more than 16 signed bits of 250 us
        send(3);
        List<TransportCcFeedback> fb = feedback();
        assertEquals(2, fb.size());
        assertEquals(2, fb.get(0).packetStatusCount());
        assertEquals(3, fb.get(1).baseSequence());
        assertEquals(sinceStartUs(), arrivals(fb.get(1))[0]);
    }

    @Test
    void packetsTheResolverDropsAreStillReported() {
        // An unknown SSRC (dropped by StreamResolver) and a padding-only RTX packet both count:
        // the publisher's estimator needs every byte it put on the wire.
        send(0x7777, 1);
        byte[] padding = packet(RoomHarness.rtxSsrc(1), 9, 2, 0);
        padding[0] |= 0x20; // P=1, the last octet says how much
        padding[padding.length - 1] = 8;
        a.endpoint().onRtp(padding, 0, padding.length);
        h.advance(60 * MS);
        send(3);
        TransportCcFeedback f = feedback().get(0);
        assertEquals(3, f.packetStatusCount());
        for (long g : arrivals(f)) {
            assertTrue(g >= 0);
        }
    }

    @Test
    void noFeedbackWithoutTheNegotiatedExtension() throws Exception {
        Participant legacy = h.join("r", "legacy");
        legacy.publish(List.of(new dev.sfu.core.room.PublishedTrack("v", dev.sfu.core.room.MediaKind.VIDEO, "1",
                videoSsrc(2), -1, RoomHarness.vp8Codecs(),
                List.of(new dev.sfu.core.room.HeaderExtension(2, RoomHarness.ABS_SEND_TIME)))));
        for (int s = 1; s < 20; s++) {
            byte[] p = packet(videoSsrc(2), s, s, 0);
            legacy.endpoint().onRtp(p, 0, p.length);
            h.advance(10 * MS);
        }
        assertEquals(0, h.transport("legacy").rtcp(205, 15).size());
    }
}
