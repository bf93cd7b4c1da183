package dev.sfu.core.forward;

import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.LeaveReason;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.Participant;
import dev.sfu.core.room.PublishedTrack;
import dev.sfu.core.testutil.FakeTransport;
import dev.sfu.core.testutil.RoomHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static dev.sfu.core.testutil.RoomHarness.ABS_SEND_TIME;
import static dev.sfu.core.testutil.RoomHarness.AUDIO_LEVEL;
import static dev.sfu.core.testutil.RoomHarness.MID;
import static dev.sfu.core.testutil.RoomHarness.MS;
import static dev.sfu.core.testutil.RoomHarness.TRANSPORT_CC;
import static dev.sfu.core.testutil.RoomHarness.VP8;
import static dev.sfu.core.testutil.RoomHarness.extensions;
import static dev.sfu.core.testutil.RoomHarness.opusCodecs;
import static dev.sfu.core.testutil.RoomHarness.vp8Codecs;
import static dev.sfu.core.testutil.RtpFixtures.vp8;
import static dev.sfu.core.testutil.RtpFixtures.OPUS_HEX;
import static dev.sfu.core.testutil.RtpFixtures.VP8_KEYFRAME_HEX;
import static dev.sfu.core.testutil.RtpFixtures.hex;
import static dev.sfu.core.testutil.RtpFixtures.pt;
import static dev.sfu.core.testutil.RtpFixtures.rtp;
import static dev.sfu.core.testutil.RtpFixtures.seq;
import static dev.sfu.core.testutil.RtpFixtures.ssrc;
import static dev.sfu.core.testutil.RtpFixtures.ts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Per-subscriber rewriting of SSRC, payload type, header extension ids, sequence and timestamp. */
class DownTrackRewriteTest {
    private final RoomHarness h = new RoomHarness(8);

    @AfterEach
    void noBufferOutstanding() {
        h.manager.close();
        assertEquals(0, h.pool.outstanding());
    }

    private static DownTrack down(Participant p, MediaKind kind) {
        return p.downTracks().stream().filter(d -> d.kind() == kind).findFirst().orElseThrow();
    }

    private static void publishFixtureTracks(Participant p, long audioSsrc, long videoSsrc) {
        p.publish(List.of(
                new PublishedTrack("a", MediaKind.AUDIO, "0", audioSsrc, -1, opusCodecs(), extensions()),
                new PublishedTrack("v", MediaKind.VIDEO, "1", videoSsrc, -1, vp8Codecs(), extensions())));
    }

    @Test
    void payloadTypesAndExtensionIdsFollowWhatEachSubscriberNegotiated() throws Exception {
        Participant a = h.join("r", "a");
        Participant b = h.join("r", "b");
        Participant c = h.join("r", "c");
        // b numbers everything differently (as Firefox does); c uses the publisher's numbers.
        b.setReceiveCapabilities(MediaKind.AUDIO,
                List.of(new Codec(109, "opus", 48000, 2, "", List.of(), -1)),
                List.of(new HeaderExtension(10, AUDIO_LEVEL), new HeaderExtension(13, MID)));
        b.setReceiveCapabilities(MediaKind.VIDEO,
                List.of(new Codec(120, "VP8", 90000, 1, "", List.of("nack"), 124)),
                List.of(new HeaderExtension(11, ABS_SEND_TIME), new HeaderExtension(12, TRANSPORT_CC)));
        publishFixtureTracks(a, 0x11111111L, 0x22222222L);
        b.activateDownTracks();
        c.activateDownTracks();
        assertEquals(List.of(new Codec(120, "VP8", 90000, 1, "", List.of("nack"), 124)), down(b, MediaKind.VIDEO).codecs());
        assertEquals(List.of(new HeaderExtension(11, ABS_SEND_TIME)), down(b, MediaKind.VIDEO).extensions(),
                "transport-cc and mid are never forwarded");

        byte[] opus = hex(OPUS_HEX);
        byte[] key = hex(VP8_KEYFRAME_HEX);
        byte[] opusCopy = opus.clone();
        a.endpoint().onRtp(opus, 0, opus.length);
        a.endpoint().onRtp(key, 0, key.length);
        assertArrayEquals(opusCopy, opus, "the publisher's buffer is never modified");

        FakeTransport tb = h.transport("b");
        assertEquals(2, tb.rtp.size());
        byte[] ba = tb.rtp.get(0);
        assertEquals(down(b, MediaKind.AUDIO).ssrc(), ssrc(ba));
        assertEquals(109, pt(ba));
        // be de 00 02 | a0 a5 (id 10, audio level) | 00 00 (mid removed) | 00 00 00 00
        assertArrayEquals(hex("bede0002a0a5000000000000"), Arrays.copyOfRange(ba, 12, 24));
        assertArrayEquals(Arrays.copyOfRange(opus, 24, opus.length), Arrays.copyOfRange(ba, 24, ba.length));
        byte[] bv = tb.rtp.get(1);
        assertEquals(120, pt(bv));
        // be de 00 03 | b2 0c 4b 1a (id 11, abs-send-time) | 00 00 00 (transport-cc removed) | 00 00 (mid removed) | 00 00 00
        assertArrayEquals(hex("bede0003b20c4b1a0000000000000000"), Arrays.copyOfRange(bv, 12, 28));
        assertEquals(key.length, bv.length);

        FakeTransport tc = h.transport("c");
        byte[] cv = tc.rtp.get(1);
        assertEquals(VP8, pt(cv));
        assertEquals(down(c, MediaKind.VIDEO).ssrc(), ssrc(cv));
        assertNotEquals(ssrc(bv), ssrc(cv), "each subscriber has its own SSRC");
        // be de 00 03 | 22 0c 4b 1a (abs-send-time kept, id 2) | 00 00 00 (transport-cc) | 00 00 (mid) | 00 00 00
        assertArrayEquals(hex("bede0003220c4b1a0000000000000000"), Arrays.copyOfRange(cv, 12, 28));
    }

    @Test
    void sequenceAndTimestampContinueAcrossAPublisherSsrcSwitch() throws Exception {
        Participant a = h.join("r", "a");
        Participant b = h.join("r", "b");
        // No SSRC signalled: learned from the sdes:mid extension (id 4).
        a.publish(List.of(new PublishedTrack("v", MediaKind.VIDEO, "1", -1, -1, vp8Codecs(), extensions())));
        b.activateDownTracks();
        byte[] key = hex(VP8_KEYFRAME_HEX);
        a.endpoint().onRtp(key, 0, key.length);
        assertEquals(0x22222222L, a.upTracks().get(0).ssrc(), "learned from mid \"1\"");
        FakeTransport tb = h.transport("b");
        assertEquals(1, tb.rtp.size());
        int firstSeq = seq(tb.rtp.get(0));
        long firstTs = ts(tb.rtp.get(0));
        // The publisher restarts on a new SSRC 200 ms later with unrelated numbers; first a delta frame.
        h.advance(200 * MS);
        byte[] delta = rtp(VP8, 5000, 777777, 0x33333333L, new int[] {4}, vp8(false, true));
        delta[17] = '1'; // mid "1" (the builder writes the id as the data byte).
        a.endpoint().onRtp(delta, 0, delta.length);
        assertEquals(0x33333333L, a.upTracks().get(0).ssrc());
        assertEquals(1, tb.rtp.size(), "video waits for a keyframe of the new source");
        byte[] key2 = rtp(VP8, 5001, 780777, 0x33333333L, new int[] {4}, vp8(true, true));
        key2[17] = '1';
        a.endpoint().onRtp(key2, 0, key2.length);
        assertEquals(2, tb.rtp.size());
        byte[] out = tb.rtp.get(1);
        assertEquals(down(b, MediaKind.VIDEO).ssrc(), ssrc(out), "same subscriber SSRC");
        assertEquals((firstSeq + 1) & 0xFFFF, seq(out), "no sequence gap");
        assertEquals((firstTs + 18000) & 0xFFFFFFFFL, ts(out), "timestamp advanced by 200 ms at 90 kHz");
    }

    /**
     * A track that replaces a departed one (its m-line recycled by signaling) is a new stream
     * with new SSRCs: Chromium keeps a recycled audio receiver muted, playing silence, when the
     * new stream arrives on the SSRC of the old one (seen in BrowserLeaveAndChurnTest).
     */
    @Test
    void aTrackReplacingADepartedOneGetsNewSsrcs() throws Exception {
        Participant a = h.join("r", "a");
        Participant b = h.join("r", "b");
        RoomHarness.publishAv(a, 1);
        b.activateDownTracks();
        long oldSsrc = down(b, MediaKind.VIDEO).ssrc();
        long oldRtx = down(b, MediaKind.VIDEO).rtxSsrc();
        long oldAudio = down(b, MediaKind.AUDIO).ssrc();
        a.leave(LeaveReason.LEFT);
        Participant c = h.join("r", "c");
        RoomHarness.publishAv(c, 3);
        DownTrack next = down(b, MediaKind.VIDEO);
        assertNotEquals(oldSsrc, next.ssrc());
        assertNotEquals(oldRtx, next.rtxSsrc());
        assertNotEquals(oldAudio, down(b, MediaKind.AUDIO).ssrc());
        next.activate();
        byte[] key3 = rtp(VP8, 40000, 99, RoomHarness.videoSsrc(3), new int[0], vp8(true, true));
        c.endpoint().onRtp(key3, 0, key3.length);
        List<byte[]> sent = h.transport("b").rtp;
        assertEquals(next.ssrc(), ssrc(sent.get(sent.size() - 1)));
    }

    @Test
    void anRtxRetransmissionFromThePublisherIsRestoredBeforeForwarding() throws Exception {
        Participant a = h.join("r", "a");
        Participant b = h.join("r", "b");
        RoomHarness.publishAv(a, 1);
        b.activateDownTracks();
        long v = RoomHarness.videoSsrc(1);
        byte[] key = rtp(VP8, 9, 1000, v, new int[0], vp8(true, true));
        a.endpoint().onRtp(key, 0, key.length);
        byte[] p10 = rtp(VP8, 10, 1000, v, new int[0], vp8(false, false));
        a.endpoint().onRtp(p10, 0, p10.length);
        byte[] p12 = rtp(VP8, 12, 1000, v, new int[0], vp8(false, false));
        a.endpoint().onRtp(p12, 0, p12.length);
        // The server NACKs 11 to the publisher (RFC 4585: PID 11, BLP 0).
        List<byte[]> nacks = h.transport("a").rtcp(205, 1);
        assertEquals(1, nacks.size());
        assertArrayEquals(hex("000b0000"), Arrays.copyOfRange(nacks.get(0), 12, 16));
        // RTX: PT 97, RTX SSRC, its own sequence, OSN 11 then the original payload.
        byte[] payload = vp8(false, false);
        byte[] rtxPayload = new byte[payload.length + 2];
        rtxPayload[1] = 11;
        System.arraycopy(payload, 0, rtxPayload, 2, payload.length);
        byte[] rtx = rtp(RoomHarness.VP8_RTX, 500, 1000, RoomHarness.rtxSsrc(1), new int[0], rtxPayload);
        a.endpoint().onRtp(rtx, 0, rtx.length);
        byte[] padding = rtp(RoomHarness.VP8_RTX, 501, 1000, RoomHarness.rtxSsrc(1), new int[0], new byte[0]);
        a.endpoint().onRtp(padding, 0, padding.length);
        FakeTransport tb = h.transport("b");
        assertEquals(4, tb.rtp.size());
        byte[] restored = tb.rtp.get(3);
        assertEquals(VP8, pt(restored));
        assertEquals(down(b, MediaKind.VIDEO).ssrc(), ssrc(restored));
        assertEquals((seq(tb.rtp.get(0)) + 2) & 0xFFFF, seq(restored), "fills the gap at 11");
        assertArrayEquals(payload, Arrays.copyOfRange(restored, 12, restored.length));
        assertEquals(1, h.manager.room("r").metrics().drops(DropReason.RTX_PADDING));
    }

    @Test
    void anRtxCopyOfAPacketAlreadyForwardedIsDroppedAsADuplicate() throws Exception {
        // libwebrtc probes its uplink with RTX copies of packets it just sent. Forwarded, the copy
        // would reach the subscriber under a sequence number already used (SRTP replay).
        Participant a = h.join("r", "a");
        Participant b = h.join("r", "b");
        RoomHarness.publishAv(a, 1);
        b.activateDownTracks();
        long v = RoomHarness.videoSsrc(1);
        byte[] key = rtp(VP8, 9, 1000, v, new int[0], vp8(true, true));
        a.endpoint().onRtp(key, 0, key.length);
        byte[] payload = vp8(false, false);
        byte[] p10 = rtp(VP8, 10, 1000, v, new int[0], payload);
        a.endpoint().onRtp(p10, 0, p10.length);
        byte[] rtxPayload = new byte[payload.length + 2];
        rtxPayload[1] = 10;
        System.arraycopy(payload, 0, rtxPayload, 2, payload.length);
        byte[] rtx = rtp(RoomHarness.VP8_RTX, 700, 1000, RoomHarness.rtxSsrc(1), new int[0], rtxPayload);
        a.endpoint().onRtp(rtx, 0, rtx.length);
        byte[] again = rtp(VP8, 10, 1000, v, new int[0], payload);
        a.endpoint().onRtp(again, 0, again.length);
        byte[] p11 = rtp(VP8, 11, 1000, v, new int[0], payload);
        a.endpoint().onRtp(p11, 0, p11.length);
        FakeTransport tb = h.transport("b");
        assertEquals(3, tb.rtp.size(), "9, 10 and 11 once each");
        assertEquals((seq(tb.rtp.get(1)) + 1) & 0xFFFF, seq(tb.rtp.get(2)));
        assertEquals(2, h.manager.room("r").metrics().drops(DropReason.DUPLICATE));
    }
}
