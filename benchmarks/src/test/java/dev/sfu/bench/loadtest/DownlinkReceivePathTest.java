package dev.sfu.bench.loadtest;

import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.ext.TransportCcExtension;
import dev.sfu.rtp.rtcp.TransportCcFeedback;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A capped subscriber's receive path end to end, without a server: a real {@link VideoSender}
 * at 1,200 kbit/s whose frames reach a 600 kbit/s link in one burst each, as an SFU forwards
 * them. The link carries its rate and drops the rest; the receiver measures exactly what got
 * through; the transport-cc feedback reports every transport-wide sequence number once, the
 * dropped ones as not received, and arrival times no closer than the link can carry.
 */
class DownlinkReceivePathTest {
    private static final long MS = 1_000_000L;
    private static final long FRAME = 1_000 * MS / 30;
    /** IPv4 + UDP + an 80-bit SRTP tag. */
    private static final int OVERHEAD = DownlinkBottleneck.IP_UDP_OVERHEAD + 10;
    private static final int STREAM = 7;

    private final CapturingSink sink = new CapturingSink();
    private final byte[] scratch = new byte[1600];
    private final byte[] rtcp = new byte[1500];
    private final DownlinkBottleneck link = new DownlinkBottleneck(600, 50);
    private final TransportCcReceiver transportCc = new TransportCcReceiver(0xABCD);
    private final MediaReceiver receiver = new MediaReceiver(16, null);
    private final DownlinkReceivePath path = new DownlinkReceivePath(link, transportCc, receiver);
    /** Wire bytes of each packet by transport-wide sequence number. */
    private final Map<Integer, Integer> wireBytes = new HashMap<>();
    /** Per sequence number: 1 reported received, 0 reported lost. */
    private final Map<Integer, Integer> reported = new HashMap<>();
    private final Map<Integer, Long> arrivalUs = new HashMap<>();

    @Test
    void linkCarriesItsRateAndTheFeedbackShowsDropsAndTheLinkSpacing() {
        transportCc.negotiate(ClientSdp.EXTENSION_IDS.transportCcId());
        VideoSender v = new VideoSender(sink, new OutboundStream.StreamInfo(STREAM, 0x11223344, 96, "1"),
                ClientSdp.EXTENSION_IDS, "cname-x", 0, new Random(1), 1200, 30, 5_000 * MS, 1200, 97, 0x55667788);
        long t0 = 1_000 * MS;
        long nextFeedback = t0;
        int sent = 0;
        int lastThrough = -1;
        int frames = 300;
        for (int f = 0; f < frames; f++) {
            long now = t0 + f * FRAME;
            sink.rtp.clear();
            v.onDue(f * FRAME, scratch);
            for (byte[] b : sink.rtp) {
                int seq = TransportCcExtension.read(b, 0, b.length, ClientSdp.EXTENSION_IDS.transportCcId());
                wireBytes.put(seq, b.length + OVERHEAD);
                long drops = link.drops();
                path.onRtp(b, 0, b.length, OVERHEAD, now + MS);
                if (link.drops() == drops) {
                    lastThrough = seq;
                }
                sent++;
            }
            while (nextFeedback <= now) {
                feedback(nextFeedback);
                nextFeedback += TransportCcReceiver.INTERVAL_NANOS;
            }
        }
        feedback(t0 + frames * FRAME + 1_000 * MS);

        double seconds = frames * FRAME / 1e9;
        assertEquals(600, link.bytes() * 8 / seconds / 1e3, 60, "the link carries 600 kbit/s");
        assertTrue(link.drops() > sent / 4, "about half of 1,200 kbit/s is dropped: " + link.drops() + " of " + sent);
        assertEquals(sent, link.packets() + link.drops());
        assertEquals(link.packets(), receiver.packets(), "the receiver measures what the link let through");
        assertTrue(receiver.stream(STREAM).lost() > 0, "and counts the drops as loss");

        // Drops after the last packet through cannot be known, as in a browser: the feedback ends there.
        assertEquals(lastThrough + 1, reported.size(), "every transport-wide sequence number up to the newest "
                + "received reported once");
        assertTrue(lastThrough > sent - 10);
        long lost = reported.values().stream().filter(r -> r == 0).count();
        assertEquals(link.drops() - (sent - 1 - lastThrough), lost, "the dropped ones as not received");
        long previous = -1;
        int previousSeq = -1;
        for (int seq = 0; seq <= lastThrough; seq++) {
            if (reported.get(seq) == 0) {
                continue;
            }
            long at = arrivalUs.get(seq);
            if (previous >= 0) {
                long minimum = link.transmissionNanos(wireBytes.get(seq)) / 1000;
                // Both times are floored to 250 us in the feedback.
                assertTrue(at - previous >= minimum - TransportCcFeedback.DELTA_UNIT_US,
                        "packet " + seq + " arrived " + (at - previous) + " us after " + previousSeq
                                + ", faster than the link carries " + wireBytes.get(seq) + " bytes");
            }
            previous = at;
            previousSeq = seq;
        }
    }

    /** Takes the feedback due at {@code now}, all of its messages, into {@link #reported}. */
    private void feedback(long now) {
        int len = transportCc.tick(now, rtcp, 0, rtcp.length);
        while (len > 0) {
            TransportCcFeedback f = new TransportCcFeedback();
            assertTrue(f.wrap(rtcp, 0, len));
            long[] t = {f.referenceTimeUs()};
            f.forEachPacket((seq, status, delta) -> {
                boolean got = status != TransportCcFeedback.NOT_RECEIVED;
                Integer before = reported.put(seq, got ? 1 : 0);
                assertEquals(null, before, "sequence " + seq + " reported twice");
                if (got) {
                    t[0] += (long) delta * TransportCcFeedback.DELTA_UNIT_US;
                    arrivalUs.put(seq, t[0]);
                }
            });
            len = transportCc.hasMore() ? transportCc.tick(now, rtcp, 0, rtcp.length) : 0;
        }
    }
}
