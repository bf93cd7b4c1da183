package dev.sfu.bench.loadtest;

import dev.sfu.rtp.rtcp.RtcpCompoundIterator;
import dev.sfu.rtp.rtcp.RtcpHeader;
import dev.sfu.rtp.rtcp.TransportCcFeedback;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load tester's transport-cc feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * section 3.1): written only when negotiated, every 100 ms, covering each transport-wide
 * sequence number once, with the arrival times given (those of the bottleneck), read back with
 * the rtp module's {@link TransportCcFeedback#wrap}.
 */
class TransportCcReceiverTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = 7_000 * MS;
    private final byte[] buf = new byte[1500];

    /** One decoded packet report. */
    record Report(int seq, boolean received, long deltaUs) {
    }

    /** Every feedback message in {@code buf[0, len)}: its reports, arrival deltas from its reference time. */
    private List<List<Report>> parse(int len) {
        List<List<Report>> out = new ArrayList<>();
        RtcpCompoundIterator it = new RtcpCompoundIterator();
        it.reset(buf, 0, len);
        while (it.next()) {
            if (RtcpHeader.packetType(buf, it.packetOffset()) != RtcpHeader.PT_RTPFB) {
                continue;
            }
            TransportCcFeedback f = new TransportCcFeedback();
            assertTrue(f.wrap(buf, it.packetOffset(), it.packetLength()), "feedback parses");
            List<Report> reports = new ArrayList<>();
            long[] t = {0};
            f.forEachPacket((seq, status, delta) -> {
                boolean got = status != TransportCcFeedback.NOT_RECEIVED;
                if (got) {
                    t[0] += delta * (long) TransportCcFeedback.DELTA_UNIT_US;
                }
                reports.add(new Report(seq, got, got ? t[0] : -1));
            });
            out.add(reports);
        }
        return out;
    }

    private static TransportCcReceiver negotiated() {
        TransportCcReceiver r = new TransportCcReceiver(0x1234);
        r.negotiate(5);
        return r;
    }

    @Test
    void writesNothingWhenTheServerDidNotNegotiateIt() {
        TransportCcReceiver r = new TransportCcReceiver(0x1234);
        r.negotiate(-1);
        assertFalse(r.enabled());
        r.onPacket(1, T0, 99);
        assertEquals(0, r.tick(T0 + 200 * MS, buf, 0, buf.length));
    }

    @Test
    void reportsEveryReceivedSequenceWithItsArrivalTimeAndTheGapsAsLost() {
        TransportCcReceiver r = negotiated();
        r.onPacket(100, T0, 99);
        r.onPacket(101, T0 + 1 * MS, 99);
        // 102 and 103 lost
        r.onPacket(104, T0 + 3 * MS, 99);
        r.onPacket(105, T0 + 40 * MS, 99); // a large delta: 160 units
        int len = r.tick(T0 + 50 * MS, buf, 0, buf.length);
        assertTrue(len > 0);
        List<List<Report>> fb = parse(len);
        assertEquals(1, fb.size());
        List<Report> p = fb.get(0);
        assertEquals(List.of(100, 101, 102, 103, 104, 105), p.stream().map(Report::seq).toList());
        assertEquals(List.of(true, true, false, false, true, true), p.stream().map(Report::received).toList());
        long first = p.get(0).deltaUs();
        assertEquals(1_000, p.get(1).deltaUs() - first);
        assertEquals(3_000, p.get(4).deltaUs() - first);
        assertEquals(40_000, p.get(5).deltaUs() - first);
        assertEquals(1, r.messages());
    }

    @Test
    void sendsEvery100MsAndReportsEachSequenceOnce() {
        TransportCcReceiver r = negotiated();
        r.onPacket(1, T0, 99);
        assertTrue(r.tick(T0, buf, 0, buf.length) > 0);
        r.onPacket(2, T0 + 10 * MS, 99);
        assertEquals(0, r.tick(T0 + 50 * MS, buf, 0, buf.length), "not before 100 ms");
        int len = r.tick(T0 + 100 * MS, buf, 0, buf.length);
        List<Report> p = parse(len).get(0);
        assertEquals(List.of(2), p.stream().map(Report::seq).toList(), "1 was reported already");
        assertEquals(0, r.tick(T0 + 200 * MS, buf, 0, buf.length), "nothing new");
        r.onPacket(1, T0 + 210 * MS, 99);
        assertEquals(1, r.late(), "a sequence already reported arrives late");
    }

    @Test
    void packetsStillInTheBottleneckQueueAreReportedOnceTheyArrive() {
        TransportCcReceiver r = negotiated();
        r.onPacket(10, T0, 99);
        r.onPacket(11, T0 + 30 * MS, 99); // its departure lies after the feedback's time
        int len = r.tick(T0 + 20 * MS, buf, 0, buf.length);
        assertEquals(List.of(10), parse(len).get(0).stream().map(Report::seq).toList());
        len = r.tick(T0 + 120 * MS, buf, 0, buf.length);
        List<Report> p = parse(len).get(0);
        assertEquals(List.of(11), p.stream().map(Report::seq).toList());
        assertTrue(p.get(0).received());
    }

    @Test
    void sequenceNumbersUnwrapAcross65535() {
        TransportCcReceiver r = negotiated();
        r.onPacket(65534, T0, 99);
        r.onPacket(65535, T0 + MS, 99);
        r.onPacket(1, T0 + 2 * MS, 99); // 0 lost
        List<Report> p = parse(r.tick(T0 + 10 * MS, buf, 0, buf.length)).get(0);
        assertEquals(List.of(65534, 65535, 0, 1), p.stream().map(Report::seq).toList());
        assertEquals(List.of(true, true, false, true), p.stream().map(Report::received).toList());
    }

    @Test
    void aLongRunSplitsIntoMessagesThatFitTheRoomAndCountsTheFeedbackPackets() {
        TransportCcReceiver r = negotiated();
        for (int i = 0; i < 900; i++) {
            if (i % 3 != 0) {
                r.onPacket(i, T0 + i * 100_000L, 99);
            }
        }
        int room = 400;
        List<Integer> seqs = new ArrayList<>();
        int messages = 0;
        int len = r.tick(T0 + 100 * MS, buf, 0, room);
        while (len > 0) {
            assertTrue(len <= room);
            TransportCcFeedback f = new TransportCcFeedback();
            assertTrue(f.wrap(buf, 0, len));
            assertEquals(messages, f.feedbackPacketCount(), "feedback packet count");
            messages++;
            for (Report p : parse(len).get(0)) {
                seqs.add(p.seq());
                assertEquals(p.seq() % 3 != 0, p.received(), "status of " + p.seq());
            }
            len = r.hasMore() ? r.tick(T0 + 100 * MS, buf, 0, room) : 0;
        }
        assertTrue(messages > 1, "split into several messages");
        assertEquals(899, seqs.size());
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(i + 1, seqs.get(i), "1 (the first packet) .. 899 (the newest) reported once, in order");
        }
    }

    @Test
    void writesAfterWhatTheCallerAlreadyPutInTheBuffer() {
        TransportCcReceiver r = negotiated();
        r.onPacket(3, T0, 99);
        int len = r.tick(T0, buf, 8, buf.length - 8);
        TransportCcFeedback f = new TransportCcFeedback();
        assertTrue(f.wrap(buf, 8, len));
        assertEquals(3, f.baseSequence());
        assertEquals(0x1234, f.senderSsrc());
        assertEquals(99, f.mediaSsrc());
    }
}
