package dev.sfu.core.forward;

import dev.sfu.core.room.Codec;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.Participant;
import dev.sfu.core.testutil.FakeTransport;
import dev.sfu.core.testutil.RoomHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static dev.sfu.core.testutil.RoomHarness.MS;
import static dev.sfu.core.testutil.RoomHarness.VP8;
import static dev.sfu.core.testutil.RoomHarness.videoSsrc;
import static dev.sfu.core.testutil.RtpFixtures.hex;
import static dev.sfu.core.testutil.RtpFixtures.pt;
import static dev.sfu.core.testutil.RtpFixtures.put32;
import static dev.sfu.core.testutil.RtpFixtures.rtp;
import static dev.sfu.core.testutil.RtpFixtures.seq;
import static dev.sfu.core.testutil.RtpFixtures.ssrc;
import static dev.sfu.core.testutil.RtpFixtures.ts;
import static dev.sfu.core.testutil.RtpFixtures.u32;
import static dev.sfu.core.testutil.RtpFixtures.vp8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RTCP terminated at the server: NACK (RFC 4585), RTX (RFC 4588), SR/RR (RFC 3550). */
class RtcpTerminationTest {
    private final RoomHarness h = new RoomHarness(8);
    private Participant a;
    private Participant withRtx;
    private Participant plain;

    @BeforeEach
    void join() throws Exception {
        a = h.join("r", "a");
        withRtx = h.join("r", "b");
        plain = h.join("r", "c");
        plain.setReceiveCapabilities(MediaKind.VIDEO,
                List.of(new Codec(VP8, "VP8", 90000, 1, "", List.of("nack", "nack pli"), -1)), null);
        RoomHarness.publishAv(a, 1);
        withRtx.activateDownTracks();
        plain.activateDownTracks();
    }

    @AfterEach
    void noBufferOutstanding() {
        h.manager.close();
        assertEquals(0, h.pool.outstanding());
    }

    private static DownTrack video(Participant p) {
        return p.downTracks().stream().filter(d -> d.kind() == MediaKind.VIDEO).findFirst().orElseThrow();
    }

    /** Sends video seq first..last (first is a keyframe), skipping those in {@code lost}. */
    private void sendVideo(int first, int last, int... lost) {
        for (int s = first; s <= last; s++) {
            final int seq = s;
            if (Arrays.stream(lost).anyMatch(x -> x == seq)) {
                continue;
            }
            byte[] p = rtp(VP8, seq & 0xFFFF, 90L * 33 * (seq - first), videoSsrc(1), new int[0], vp8(seq == first, true));
            a.endpoint().onRtp(p, 0, p.length);
            h.advance(MS);
        }
    }

    /** A generic NACK: header, sender, media SSRC, one PID/BLP item. */
    private static byte[] nack(long mediaSsrc, int pid, int blp) {
        byte[] b = new byte[16];
        b[0] = (byte) 0x81;
        b[1] = (byte) 205;
        b[3] = 3;
        put32(b, 4, 0x4444);
        put32(b, 8, mediaSsrc);
        b[12] = (byte) (pid >>> 8);
        b[13] = (byte) pid;
        b[14] = (byte) (blp >>> 8);
        b[15] = (byte) blp;
        return b;
    }

    @Test
    void nacksAreAnsweredFromTheCacheAsRtxWhereNegotiatedElsePlain() {
        sendVideo(100, 120);
        FakeTransport tb = h.transport("b");
        FakeTransport tc = h.transport("c");
        byte[] original105 = tb.rtp.get(5);
        int outSeq = seq(original105);
        tb.clear();
        // NACK out seq and out seq + 2 (BLP bit 1).
        byte[] n = nack(video(withRtx).ssrc(), outSeq, 0b10);
        withRtx.endpoint().onRtcp(n, 0, n.length);
        assertEquals(2, tb.rtp.size());
        byte[] rtx = tb.rtp.get(0);
        assertEquals(RoomHarness.VP8_RTX, pt(rtx));
        assertEquals(video(withRtx).rtxSsrc(), ssrc(rtx));
        assertEquals(ts(original105), ts(rtx));
        assertEquals(outSeq, ((rtx[12] & 0xFF) << 8) | (rtx[13] & 0xFF), "OSN leads the payload");
        assertArrayEquals(Arrays.copyOfRange(original105, 12, original105.length), Arrays.copyOfRange(rtx, 14, rtx.length));
        assertEquals((seq(rtx) + 1) & 0xFFFF, seq(tb.rtp.get(1)), "RTX has its own sequence");
        assertEquals(2, h.manager.room("r").metrics().retransmissions.getCount());

        // The same packet again within 100 ms is not resent; after that it is.
        withRtx.endpoint().onRtcp(n, 0, n.length);
        assertEquals(2, tb.rtp.size());
        h.advance(150 * MS);
        withRtx.endpoint().onRtcp(n, 0, n.length);
        assertEquals(4, tb.rtp.size());

        byte[] plain105 = tc.rtp.get(5);
        tc.clear();
        byte[] nc = nack(video(plain).ssrc(), seq(plain105), 0);
        plain.endpoint().onRtcp(nc, 0, nc.length);
        assertEquals(1, tc.rtp.size());
        assertArrayEquals(plain105, tc.rtp.get(0), "resent exactly as first sent");
    }

    @Test
    void nacksForPacketsOlderThanTheCacheAreIgnored() {
        sendVideo(100, 110);
        int outSeq = seq(h.transport("b").rtp.get(0));
        h.advance(2000 * MS);
        h.transport("b").clear();
        byte[] n = nack(video(withRtx).ssrc(), outSeq, 0);
        withRtx.endpoint().onRtcp(n, 0, n.length);
        assertEquals(0, h.transport("b").rtp.size());
    }

    @Test
    void senderReportsAreTranslatedPerSubscriber() {
        sendVideo(100, 109);
        FakeTransport tb = h.transport("b");
        long offset = (ts(tb.rtp.get(0)) - 0) & 0xFFFFFFFFL; // The first packet had source ts 0.
        // SR: sender videoSsrc(1), NTP 0xE1234567.89ABCDEF, RTP ts 297000, 10 packets, 1000 octets.
        byte[] sr = hex("80c80006" + "00002001" + "e1234567" + "89abcdef" + "00048828" + "0000000a" + "000003e8");
        a.endpoint().onRtcp(sr, 0, sr.length);
        List<byte[]> srs = tb.rtcp(200, -1);
        assertEquals(1, srs.size());
        byte[] out = srs.get(0);
        assertEquals(video(withRtx).ssrc(), u32(out, 4));
        assertEquals(0xE1234567L, u32(out, 8));
        assertEquals(0x89ABCDEFL, u32(out, 12));
        assertEquals((297000 + offset) & 0xFFFFFFFFL, u32(out, 16), "RTP time through the subscriber's offset");
        assertEquals(10, u32(out, 20), "the subscriber's own packet count");
        assertEquals(202, out[29] & 0xFF, "followed by SDES");
        assertEquals(video(withRtx).ssrc(), u32(out, 32));
        assertEquals("sfu-a", new String(out, 38, out[37], java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(h.transport("a").rtcp(200, -1).isEmpty(), "nothing goes back raw");

        // The subscriber's RR echoes LSR and DLSR: RTT = now - sent - DLSR.
        h.advance(80 * MS);
        byte[] rr = new byte[32];
        rr[0] = (byte) 0x81;
        rr[1] = (byte) 201;
        rr[3] = 7;
        put32(rr, 4, 0x4444);
        put32(rr, 8, video(withRtx).ssrc());
        rr[12] = 25; // fraction lost ~ 10 %
        rr[15] = 3;  // cumulative lost 3
        put32(rr, 20, 45); // jitter
        put32(rr, 24, 0x456789ABL); // LSR
        put32(rr, 28, 65536 * 30 / 1000); // DLSR 30 ms
        withRtx.endpoint().onRtcp(rr, 0, rr.length);
        DownTrack d = video(withRtx);
        assertEquals(25, d.fractionLost());
        assertEquals(3, d.cumulativeLost());
        assertEquals(45, d.jitter());
        assertEquals(50, d.rttNanos() / MS, 1.0);
    }

    @Test
    void receiverReportsToThePublisherCarryLossAndJitter() {
        // 100..139 with 105, 110 and 111 lost: 3 of 39 expected after probation.
        sendVideo(100, 139, 105, 110, 111);
        h.transport("a").clear();
        h.advance(1000 * MS);
        sendVideo(140, 140);
        List<byte[]> rrs = h.transport("a").rtcp(201, -1);
        assertEquals(1, rrs.size());
        byte[] rr = rrs.get(0);
        assertEquals(1, rr[0] & 0x1F, "one report block: audio sent nothing");
        long expected = 140 - 101 + 1;
        long lost = 3;
        assertEquals(videoSsrc(1), u32(rr, 8));
        assertEquals((int) ((lost << 8) / expected), rr[12] & 0xFF);
        assertEquals(lost, ((rr[13] & 0xFF) << 16) | ((rr[14] & 0xFF) << 8) | (rr[15] & 0xFF));
        assertEquals(140, u32(rr, 16));
        assertTrue(u32(rr, 20) > 0, "1 ms spacing vs 33 ms of RTP time: jitter");
        // No REMB: this publisher negotiated transport-cc, its estimator runs on transport-wide feedback.
        assertEquals(32, rr.length, "the RR alone");
        // And the gaps were NACKed upstream as they appeared.
        List<byte[]> nacks = h.transport("a").rtcp(205, 1);
        assertEquals(0, nacks.size(), "cleared before; the NACKs came earlier");
    }

    @Test
    void malformedCompoundsAreDroppedAndCountedByReason() {
        sendVideo(100, 105);
        FakeTransport tb = h.transport("b");
        tb.clear();
        // RR with version 1: 41 c9 00 01 | SSRC.
        byte[] badVersion = hex("41c90001" + "00004444");
        // RR whose length field claims 3 words more than the datagram holds.
        byte[] overrun = hex("81c90004" + "00004444");
        // SDES first: neither SR/RR nor feedback (RFC 5506 section 3.4.2).
        byte[] sdesFirst = hex("81ca0001" + "00004444");
        // A valid RR, then a NACK with no FCI entry (its view rejects it), then a NACK for the
        // subscriber's video: the compound is read past the bad packet.
        byte[] n = nack(video(withRtx).ssrc(), seq(h.transport("c").rtp.get(0)), 0);
        byte[] compound = new byte[8 + 12 + n.length];
        System.arraycopy(hex("80c90001" + "00004444"), 0, compound, 0, 8);
        System.arraycopy(hex("81cd0002" + "00004444" + "00000000"), 0, compound, 8, 12);
        System.arraycopy(n, 0, compound, 20, n.length);
        for (byte[] b : List.of(badVersion, overrun, sdesFirst, compound)) {
            withRtx.endpoint().onRtcp(b, 0, b.length);
        }
        var m = h.manager.room("r").metrics();
        assertEquals(1, m.drops(DropReason.RTCP_BAD_VERSION));
        assertEquals(1, m.drops(DropReason.RTCP_LENGTH_OVERRUN));
        assertEquals(1, m.drops(DropReason.RTCP_BAD_FIRST_PACKET));
        assertEquals(1, m.drops(DropReason.MALFORMED), "the NACK without FCI");
        assertEquals(1, m.nacksReceived.getCount(), "the good NACK after it was read");
    }

    @Test
    void gapsAreNackedToThePublisherOnce() {
        sendVideo(100, 110, 104, 106, 107);
        List<byte[]> nacks = h.transport("a").rtcp(205, 1);
        assertEquals(2, nacks.size());
        assertArrayEquals(hex("00680000"), Arrays.copyOfRange(nacks.get(0), 12, 16), "PID 104");
        assertArrayEquals(hex("006a0001"), Arrays.copyOfRange(nacks.get(1), 12, 16), "PID 106, BLP: 107");
    }
}
