package dev.sfu.core.room;

import dev.sfu.core.forward.DownTrack;
import dev.sfu.core.forward.DropReason;
import dev.sfu.core.testutil.FakeTransport;
import dev.sfu.core.testutil.RoomHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.sfu.core.testutil.RoomHarness.MS;
import static dev.sfu.core.testutil.RoomHarness.OPUS;
import static dev.sfu.core.testutil.RoomHarness.VP8;
import static dev.sfu.core.testutil.RoomHarness.audioSsrc;
import static dev.sfu.core.testutil.RoomHarness.publishAv;
import static dev.sfu.core.testutil.RoomHarness.videoSsrc;
import static dev.sfu.core.testutil.RtpFixtures.OPUS_PAYLOAD;
import static dev.sfu.core.testutil.RtpFixtures.rtp;
import static dev.sfu.core.testutil.RtpFixtures.ssrc;
import static dev.sfu.core.testutil.RtpFixtures.vp8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoomForwardingTest {
    private final RoomHarness h = new RoomHarness(4);

    @AfterEach
    void noBufferOutstanding() {
        h.manager.close();
        assertEquals(0, h.manager.rooms().size());
        assertEquals(0, h.pool.outstanding(), "pooled buffers still outstanding");
    }

    private void sendAv(Participant p, int n, int seq) {
        byte[] a = rtp(OPUS, seq, seq * 960L, audioSsrc(n), new int[] {1, 4}, OPUS_PAYLOAD);
        p.endpoint().onRtp(a, 0, a.length);
        byte[] v = rtp(VP8, seq, seq * 3000L, videoSsrc(n), new int[] {2, 3, 4}, vp8(true, true));
        p.endpoint().onRtp(v, 0, v.length);
    }

    private static Set<Long> ssrcs(List<byte[]> packets) {
        Set<Long> s = new HashSet<>();
        for (byte[] b : packets) {
            s.add(ssrc(b));
        }
        return s;
    }

    @Test
    void everyTrackReachesEveryOtherParticipantOfTheRoomAndNoOneElse() throws Exception {
        Participant a = h.join("r", "a");
        Participant b = h.join("r", "b");
        Participant c = h.join("r", "c");
        Participant d = h.join("other", "d");
        publishAv(a, 1);
        publishAv(b, 2);
        publishAv(c, 3);
        publishAv(d, 4);
        for (Participant p : List.of(a, b, c, d)) {
            p.activateDownTracks();
        }
        for (Participant p : List.of(a, b, c)) {
            assertEquals(4, p.downTracks().size(), p.id() + " receives two tracks of each of two others");
            for (DownTrack dt : p.downTracks()) {
                assertFalse(dt.streamId().equals(p.id()), "never its own track");
            }
        }
        assertEquals(0, d.downTracks().size());
        sendAv(a, 1, 10);
        sendAv(b, 2, 10);
        sendAv(c, 3, 10);
        sendAv(d, 4, 10);
        for (Participant p : List.of(a, b, c)) {
            FakeTransport t = h.transport(p.id());
            assertEquals(4, t.rtp.size(), p.id() + " gets audio+video of both others");
            Set<Long> expected = new HashSet<>();
            for (DownTrack dt : p.downTracks()) {
                expected.add(dt.ssrc());
            }
            assertEquals(expected, ssrcs(t.rtp));
            for (int n = 1; n <= 4; n++) {
                assertFalse(ssrcs(t.rtp).contains(audioSsrc(n)), "publisher SSRCs never leak");
                assertFalse(ssrcs(t.rtp).contains(videoSsrc(n)));
            }
        }
        assertEquals(0, h.transport("d").rtp.size(), "another room gets nothing");
        Room r = h.manager.room("r");
        assertEquals(6, r.metrics().packetsIn.getCount());
        assertEquals(12, r.metrics().packetsOut.getCount());
    }

    @Test
    void roomsAreCreatedOnFirstJoinRemovedWhenEmptyAndBounded() throws Exception {
        RoomHarness small = new RoomHarness(2);
        Participant a = small.join("r", "a");
        small.join("r", "b");
        assertThrows(RoomFullException.class, () -> small.join("r", "c"));
        assertThrows(IllegalStateException.class, () -> small.join("r", "a"));
        assertEquals(1, small.manager.rooms().size());
        small.manager.close();
        assertNull(small.manager.room("r"));
        assertTrue(small.events.contains("closed r"));
        assertTrue(a.endpoint().isClosed());
        assertEquals(0, small.pool.outstanding());
        assertTrue(small.registry.getNames().stream().noneMatch(n -> n.startsWith("room.r.")),
                "room metrics unregistered: " + small.registry.getNames());
    }

    @Test
    void lateJoinerGetsExistingTracksAndOthersAreAskedToRenegotiate() throws Exception {
        Participant a = h.join("r", "a");
        publishAv(a, 1);
        h.events.clear();
        Participant b = h.join("r", "b");
        assertEquals(List.of("joined r b", "renegotiate b"), h.events);
        assertEquals(2, b.downTracks().size());
        h.events.clear();
        publishAv(b, 2);
        assertEquals(List.of("renegotiate a"), h.events);
    }

    @Test
    void videoIsHeldUntilAKeyframeAndTheSubscriberTriggersARateLimitedPli() throws Exception {
        Participant a = h.join("r", "a");
        Participant b = h.join("r", "b");
        publishAv(a, 1);
        FakeTransport ta = h.transport("a");
        FakeTransport tb = h.transport("b");
        // Not yet activated: nothing is forwarded and no PLI is sent.
        byte[] delta = rtp(VP8, 1, 3000, videoSsrc(1), new int[0], vp8(false, true));
        a.endpoint().onRtp(delta, 0, delta.length);
        assertEquals(0, tb.rtp.size());
        assertEquals(1, h.manager.room("r").metrics().drops(DropReason.NOT_SUBSCRIBED));
        b.activateDownTracks();
        assertEquals(1, ta.rtcp(206, 1).size(), "PLI on subscribe");
        byte[] pli = ta.rtcp(206, 1).get(0);
        assertEquals(videoSsrc(1), dev.sfu.core.testutil.RtpFixtures.u32(pli, 8), "PLI names the publisher's SSRC");
        // A delta frame is held back.
        delta = rtp(VP8, 2, 6000, videoSsrc(1), new int[0], vp8(false, true));
        a.endpoint().onRtp(delta, 0, delta.length);
        assertEquals(0, tb.rtp.size());
        assertEquals(1, h.manager.room("r").metrics().drops(DropReason.NO_KEYFRAME_YET));
        // The subscriber's own PLI within 300 ms is absorbed by the rate limit.
        DownTrack video = b.downTracks().stream().filter(x -> x.kind() == MediaKind.VIDEO).findFirst().orElseThrow();
        byte[] subPli = pli(video.ssrc());
        h.advance(100 * MS);
        b.endpoint().onRtcp(subPli, 0, subPli.length);
        assertEquals(1, ta.rtcp(206, 1).size());
        h.advance(250 * MS);
        b.endpoint().onRtcp(subPli, 0, subPli.length);
        assertEquals(2, ta.rtcp(206, 1).size(), "after 300 ms a PLI goes upstream again");
        // The keyframe passes, and so does everything after it.
        byte[] key = rtp(VP8, 3, 9000, videoSsrc(1), new int[0], vp8(true, true));
        a.endpoint().onRtp(key, 0, key.length);
        byte[] cont = rtp(VP8, 4, 9000, videoSsrc(1), new int[0], vp8(false, false));
        a.endpoint().onRtp(cont, 0, cont.length);
        assertEquals(2, tb.rtp.size());
        assertEquals(video.ssrc(), ssrc(tb.rtp.get(0)));
        assertEquals(1, h.manager.room("r").metrics().keyframes.getCount());
    }

    @Test
    void firFromASubscriberAlsoRequestsAKeyframe() throws Exception {
        Participant a = h.join("r", "a");
        Participant b = h.join("r", "b");
        publishAv(a, 1);
        DownTrack video = b.downTracks().stream().filter(x -> x.kind() == MediaKind.VIDEO).findFirst().orElseThrow();
        video.activate();
        h.advance(400 * MS);
        // RFC 5104 FIR: header, sender, media 0, FCI: SSRC, seq nr, reserved.
        byte[] fir = new byte[20];
        fir[0] = (byte) 0x84;
        fir[1] = (byte) 206;
        fir[3] = 4;
        dev.sfu.core.testutil.RtpFixtures.put32(fir, 4, 0x5555);
        dev.sfu.core.testutil.RtpFixtures.put32(fir, 12, video.ssrc());
        fir[16] = 1;
        b.endpoint().onRtcp(fir, 0, fir.length);
        assertEquals(2, h.transport("a").rtcp(206, 1).size());
    }

    @Test
    void leavingRemovesItsDownTracksEverywhereAndReleasesBuffers() throws Exception {
        Participant a = h.join("r", "a");
        Participant b = h.join("r", "b");
        Participant c = h.join("r", "c");
        publishAv(a, 1);
        publishAv(b, 2);
        publishAv(c, 3);
        for (Participant p : List.of(a, b, c)) {
            p.activateDownTracks();
            sendAv(p, List.of(a, b, c).indexOf(p) + 1, 5);
        }
        long outstanding = h.pool.outstanding();
        assertTrue(outstanding > 9, "caches and scratch buffers in use: " + outstanding);
        h.events.clear();
        java.util.Set<Long> aStreamsAtB = new java.util.HashSet<>();
        for (DownTrack dt : b.downTracks()) {
            if (dt.streamId().equals("a")) {
                aStreamsAtB.add(dt.ssrc());
            }
        }
        a.leave(LeaveReason.LEFT);
        assertTrue(h.transport("a").closed);
        // b's SRTP sending contexts of a's retired streams can go (RTP and RTX SSRCs).
        assertTrue(h.transport("b").retiredSsrcs.containsAll(aStreamsAtB) && aStreamsAtB.size() == 2,
                "retired " + h.transport("b").retiredSsrcs + " should hold " + aStreamsAtB);
        assertEquals(List.of("left r a LEFT", "renegotiate b", "renegotiate c"), h.events);
        for (Participant p : List.of(b, c)) {
            assertEquals(2, p.downTracks().size());
            for (DownTrack dt : p.downTracks()) {
                assertFalse(dt.streamId().equals("a"));
            }
        }
        assertTrue(a.upTracks().stream().allMatch(u -> u.downTracks().isEmpty()));
        assertTrue(h.pool.outstanding() < outstanding, "a's buffers returned");
        // Media of a after leaving is dropped, not forwarded.
        h.transport("b").clear();
        sendAv(a, 1, 6);
        assertEquals(0, h.transport("b").rtp.size());
        a.leave(LeaveReason.LEFT); // Idempotent.
    }

    @Test
    void transportCloseMakesTheParticipantLeave() throws Exception {
        Participant a = h.join("r", "a");
        h.join("r", "b");
        publishAv(a, 1);
        h.transport("a").end(dev.sfu.core.transport.CloseReason.CONSENT_EXPIRED, "consent expired");
        assertTrue(h.events.contains("left r a TRANSPORT_CLOSED"));
        assertEquals(1, h.manager.room("r").size());
        assertEquals(0, h.manager.room("r").participant("b").downTracks().size());
    }

    @Test
    void theEndpointIsTheTransportsListener() throws Exception {
        Participant a = h.join("r", "a");
        // One hop from decryption to forwarding: nothing sits between the transport and the endpoint.
        assertSame(a.endpoint(), h.transport("a").boundListener());
        FakeTransport bound = h.transport("a");
        assertThrows(IllegalStateException.class, () -> bound.bind(a.endpoint()), "bound once");
    }

    @Test
    void aTransportEndedBeforeTheJoinCompletedMakesTheParticipantLeaveAfterJoining() throws Exception {
        FakeTransport t = new FakeTransport("a");
        t.end(dev.sfu.core.transport.CloseReason.ICE_FAILED, "gone");
        Participant a = h.manager.join("r", "a", "name-a", t);
        assertEquals(List.of("joined r a", "left r a TRANSPORT_CLOSED", "closed r"), h.events);
        assertNull(h.manager.room("r"));
        assertTrue(a.endpoint().isClosed());
    }

    @Test
    void muteStateIsAnnouncedOnlyOnChange() throws Exception {
        Participant a = h.join("r", "a");
        h.events.clear();
        a.setMuted(MediaKind.AUDIO, true);
        a.setMuted(MediaKind.AUDIO, true);
        a.setMuted(MediaKind.VIDEO, true);
        assertEquals(List.of("muted a AUDIO true", "muted a VIDEO true"), h.events);
        assertTrue(a.isMuted(MediaKind.AUDIO));
    }

    @Test
    void unknownSsrcAndMalformedPacketsAreCountedNotThrown() throws Exception {
        Participant a = h.join("r", "a");
        publishAv(a, 1);
        byte[] unknown = rtp(OPUS, 1, 0, 0x9999, new int[0], OPUS_PAYLOAD);
        a.endpoint().onRtp(unknown, 0, unknown.length);
        byte[] garbage = {1, 2, 3};
        a.endpoint().onRtp(garbage, 0, garbage.length);
        a.endpoint().onRtcp(garbage, 0, garbage.length);
        byte[] truncatedExt = rtp(OPUS, 1, 0, audioSsrc(1), new int[] {1}, OPUS_PAYLOAD);
        truncatedExt[15] = 9; // Extension length beyond the packet.
        a.endpoint().onRtp(truncatedExt, 0, truncatedExt.length);
        Room r = h.manager.room("r");
        assertEquals(1, r.metrics().drops(DropReason.UNKNOWN_SSRC));
        assertEquals(2, r.metrics().drops(DropReason.MALFORMED));
        assertEquals(1, r.metrics().drops(DropReason.RTCP_TRUNCATED), "RTCP compounds are counted by reason");
    }

    @Test
    void packetsThatCannotGrowIntoRtxAndSrtpAreTooLarge() throws Exception {
        Participant a = h.join("r", "a");
        publishAv(a, 1);
        // 1498 bytes + 2 (RTX OSN) + 32 (SRTP tail room) = 1532, one pooled buffer: accepted.
        byte[] fits = rtp(OPUS, 1, 0, audioSsrc(1), new int[0], new byte[1498 - 12]);
        a.endpoint().onRtp(fits, 0, fits.length);
        byte[] tooLarge = rtp(OPUS, 2, 960, audioSsrc(1), new int[0], new byte[1499 - 12]);
        a.endpoint().onRtp(tooLarge, 0, tooLarge.length);
        Room r = h.manager.room("r");
        assertEquals(1, r.metrics().drops(DropReason.TOO_LARGE));
        assertEquals(1, r.metrics().packetsIn.getCount());
    }

    static byte[] pli(long mediaSsrc) {
        byte[] b = new byte[12];
        b[0] = (byte) 0x81;
        b[1] = (byte) 206;
        b[3] = 2;
        dev.sfu.core.testutil.RtpFixtures.put32(b, 4, 0x7777);
        dev.sfu.core.testutil.RtpFixtures.put32(b, 8, mediaSsrc);
        return b;
    }
}
