package dev.sfu.core.forward;

import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.Participant;
import dev.sfu.core.room.PublishedTrack;
import dev.sfu.core.testutil.RoomHarness;
import dev.sfu.rtp.rtcp.RembPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.sfu.core.testutil.RoomHarness.MS;
import static dev.sfu.core.testutil.RoomHarness.VP8;
import static dev.sfu.core.testutil.RoomHarness.videoSsrc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * REMB (draft-alvestrand-rmcat-remb) only for a publisher whose video did not negotiate
 * transport-cc, with a value that follows what arrives ({@link RembRate}).
 */
class RembRateTest {
    private static final long S = 1000 * MS;
    private final RoomHarness h = new RoomHarness(8);

    @AfterEach
    void noBufferOutstanding() {
        h.manager.close();
        assertEquals(0, h.pool.outstanding());
    }

    private Participant publisher(String id, int n, boolean transportCc) throws Exception {
        Participant p = h.join("r", id);
        List<String> fb = transportCc ? List.of("nack", "nack pli", "goog-remb", "transport-cc") : List.of("nack", "nack pli", "goog-remb");
        List<HeaderExtension> ext = transportCc
                ? List.of(new HeaderExtension(2, RoomHarness.ABS_SEND_TIME), new HeaderExtension(3, RoomHarness.TRANSPORT_CC))
                : List.of(new HeaderExtension(2, RoomHarness.ABS_SEND_TIME));
        p.publish(List.of(new PublishedTrack("v-" + id, MediaKind.VIDEO, "1", videoSsrc(n), -1,
                List.of(new Codec(VP8, "VP8", 90000, 1, "", fb, -1)), ext)));
        return p;
    }

    /**
     * Sends {@code seconds} of video at {@code kbps} (100 packets/s), losing one packet in
     * {@code lossEvery} (0: none); returns the next sequence number.
     */
    private int sendVideo(Participant p, int n, int seq, int seconds, int kbps, int lossEvery) {
        int size = kbps * 1000 / 8 / 100;
        for (int i = 0; i < seconds * 100; i++, seq++) {
            h.advance(10 * MS);
            if (lossEvery > 0 && seq % lossEvery == 0) {
                continue;
            }
            byte[] b = TransportFeedbackSenderTest.packet(videoSsrc(n), seq & 0xFFFF, seq & 0xFFFF, size);
            p.endpoint().onRtp(b, 0, b.length);
        }
        return seq;
    }

    /** The REMB values the publisher received, in order. */
    private List<Long> rembs(String id) {
        List<Long> out = new java.util.ArrayList<>();
        for (byte[] rr : h.transport(id).rtcp(201, -1)) {
            int rrLen = 8 + 24 * (rr[0] & 0x1F);
            if (rr.length > rrLen) {
                RembPacket r = new RembPacket();
                assertTrue(r.wrap(rr, rrLen, rr.length - rrLen));
                out.add(r.bitrate());
            }
        }
        return out;
    }

    @Test
    void publisherOnTransportCcGetsNoRemb() throws Exception {
        Participant p = publisher("a", 1, true);
        sendVideo(p, 1, 1, 5, 1000, 0);
        assertTrue(h.transport("a").rtcp(201, -1).size() >= 4, "receiver reports still go out");
        assertEquals(List.of(), rembs("a"));
    }

    @Test
    void rembWithoutTransportCcRisesAboveTheArrivingRateWhileLossIsLow() throws Exception {
        Participant p = publisher("a", 1, false);
        sendVideo(p, 1, 1, 5, 1000, 0);
        List<Long> r = rembs("a");
        assertTrue(r.size() >= 4, "one per receiver report: " + r);
        // 1 Mbit/s (plus a little of headers) arrived in the first second: the REMB leaves 1.5 times that.
        assertTrue(r.get(0) >= 1_500_000 && r.get(0) < 1_600_000, "first REMB " + r);
        // Then it rises by 8 % a report while nothing is lost ...
        for (int i = 1; i < r.size(); i++) {
            double ratio = (double) r.get(i) / r.get(i - 1);
            assertTrue(ratio > 1.07 && ratio < 1.09, "8 % a report: " + r);
        }
        // ... up to the bound.
        sendVideo(p, 1, 501, 60, 1000, 0);
        assertEquals(ForwardingConfig.defaults().rembMaxBitrate(), p.endpoint().rembBps());
    }

    @Test
    void rembFollowsTheArrivingRateDownWhenLossIsHigh() throws Exception {
        Participant p = publisher("a", 1, false);
        int seq = sendVideo(p, 1, 1, 3, 1000, 0);
        assertTrue(p.endpoint().rembBps() >= 1_500_000, "clean 1 Mbit/s: " + p.endpoint().rembBps());
        // One packet in four lost (25 %): cut to what arrives times (1 - 0.5 * 0.25).
        sendVideo(p, 1, seq, 3, 800, 4);
        long v = p.endpoint().rembBps();
        long arriving = 800_000L * 3 / 4;
        assertTrue(v < arriving && v > arriving * 0.8, "REMB " + v + " against " + arriving + " arriving");
    }

    @Test
    void rembStaysWithinTheConfiguredBounds() {
        RembRate r = new RembRate(150_000, 5_000_000, 0);
        // Almost nothing arrives, with heavy loss: the minimum.
        assertEquals(150_000, r.update(1_000, 200, S));
        // A flood with no loss: the maximum.
        assertEquals(5_000_000, r.update(10_000_000, 0, 2 * S));
        // Moderate loss holds the value.
        assertEquals(5_000_000, r.update(10_100_000, 10, 3 * S));
    }
}
