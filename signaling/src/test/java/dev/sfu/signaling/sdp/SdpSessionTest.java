package dev.sfu.signaling.sdp;

import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.PublishedTrack;
import dev.sfu.signaling.room.RemoteTrack;
import dev.sfu.signaling.room.Subscription;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server offers to a subscriber: added, inactive and recycled m-lines, and answers to them. */
class SdpSessionTest {

    /** What a polite browser answers to a server offer: the opposite direction per section. */
    static String browserAnswer(String offer) {
        return offer.replace("a=sendonly", "a=X").replace("a=recvonly", "a=sendonly").replace("a=X", "a=recvonly")
                .replace("a=setup:passive", "a=setup:active");
    }

    /** The tracks a Chromium publisher offers, as the room would hand them to subscribers. */
    static List<RemoteTrack> tracksOf(String publisherId) throws SdpParseException {
        AnswerBuilder.Answer a = AnswerBuilder.answer(Fixtures.parse(Fixtures.CHROMIUM_SENDRECV), Fixtures.SERVER,
                java.util.Map.of(), 1, 1);
        List<RemoteTrack> out = new ArrayList<>();
        for (PublishedTrack t : a.tracks()) {
            // Forwarding's SSRCs for this subscriber: distinct per publisher and kind.
            long ssrc = 1000 + (publisherId.hashCode() & 0xFFFFFL) * 8 + t.kind().ordinal() * 2;
            out.add(new RemoteTrack(publisherId, new PublishedTrack(publisherId + "-" + t.kind(), t.kind(), t.mid(),
                    t.ssrc(), t.rtxSsrc(), t.codecs(), t.extensions()), ssrc, ssrc + 1, "sfu-" + publisherId));
        }
        return out;
    }

    private static SdpSession firefoxSubscriber() throws SdpParseException {
        SdpSession s = new SdpSession("ff");
        s.answerOffer(Fixtures.parse(Fixtures.FIREFOX_SENDRECV), Fixtures.SERVER);
        return s;
    }

    @Test
    void offerAddsSendonlySectionsWithSubscriberPayloadTypesAndMsid() throws SdpParseException {
        SdpSession s = firefoxSubscriber();
        assertFalse(s.needsOffer());
        assertTrue(s.setRemoteTracks(tracksOf("alice")));
        String offer = s.createOffer(Fixtures.SERVER);
        assertTrue(s.hasPendingOffer());
        assertFalse(s.needsOffer());
        SessionDescription sd = SdpParser.parse(offer);
        assertEquals(List.of("0", "1", "s0", "s1"), sd.bundleMids());
        assertEquals(Direction.RECVONLY, sd.media().get(0).direction());
        MediaDescription audio = sd.media().get(2);
        assertEquals(Direction.SENDONLY, audio.direction());
        assertEquals(List.of("109"), audio.formats());
        assertEquals("alice", audio.msidStream());
        assertEquals("alice-AUDIO", audio.msidTrack());
        assertEquals("sfu-alice", audio.ssrcs().get(0).cname());
        // Firefox's own ids: audio level 1; abs-send-time from its video section, 4; transport-wide-cc 7.
        assertEquals(1, audio.extensionId(CodecPolicy.EXT_AUDIO_LEVEL));
        assertEquals(7, audio.extensionId(CodecPolicy.EXT_TRANSPORT_CC));
        assertEquals(4, audio.extensionId(CodecPolicy.EXT_ABS_SEND_TIME));
        assertEquals(List.of("transport-cc"), audio.format(109).rtcpFeedback());
        MediaDescription video = sd.media().get(3);
        // Chromium publishes VP8 96/rtx 97 and H.264; Firefox names VP8 120/rtx 124 and has no H.264.
        assertEquals(List.of("120", "124"), video.formats());
        assertEquals(120, video.format(124).apt());
        assertEquals(7, video.extensionId(CodecPolicy.EXT_TRANSPORT_CC));
        assertTrue(video.format(120).rtcpFeedback().contains("transport-cc"));
        assertFalse(video.format(124).rtcpFeedback().contains("transport-cc"), "none on RTX");
        long ssrc = video.primarySsrc();
        long rtx = video.rtxSsrcOf(ssrc);
        assertTrue(ssrc > 0 && rtx > 0 && ssrc != rtx);

        List<Subscription> subs = s.applyAnswer(SdpParser.parse(browserAnswer(offer)));
        assertFalse(s.hasPendingOffer());
        assertEquals(2, subs.size());
        Subscription v = subs.get(1);
        assertEquals("ff", v.subscriberId());
        assertEquals("alice", v.publisherId());
        assertEquals(MediaKind.VIDEO, v.kind());
        assertEquals("s1", v.mid());
        assertEquals(ssrc, v.ssrc());
        assertEquals(rtx, v.rtxSsrc());
        assertEquals(120, v.codecs().get(0).payloadType());
        assertEquals(124, v.codecs().get(0).rtxPayloadType());
        // The subscription tells forwarding which id to stamp its own transport-wide sequence numbers with.
        assertTrue(v.extensions().stream().anyMatch(e -> e.uri().equals(CodecPolicy.EXT_TRANSPORT_CC) && e.id() == 7));
        assertTrue(v.codecs().get(0).rtcpFeedback().contains("transport-cc"));
        assertFalse(s.needsOffer());
    }

    /**
     * Live Firefox SDPs: its first offer, its answer to the server's offer of two Chromiums'
     * audio and video, then its re-offer, where every section after the first has port 0 and
     * a=bundle-only (RFC 8843 section 6): the server's send sections must stay sendonly.
     */
    @Test
    void firefoxLiveAnswerAndBundleOnlyReofferKeepEveryServerSection() throws SdpParseException {
        SdpSession s = new SdpSession("ff");
        s.answerOffer(Fixtures.parse(Fixtures.FIREFOX_LIVE_OFFER), Fixtures.SERVER);
        List<RemoteTrack> tracks = new ArrayList<>(tracksOf("bob"));
        tracks.addAll(tracksOf("ada"));
        assertTrue(s.setRemoteTracks(tracks));
        SessionDescription offer = SdpParser.parse(s.createOffer(Fixtures.SERVER));
        assertEquals(List.of("0", "1", "s0", "s1", "s2", "s3"), offer.bundleMids());
        assertEquals(List.of("120", "124"), offer.media().get(3).formats(), "Firefox's VP8 and RTX payload types");

        List<Subscription> subs = s.applyAnswer(Fixtures.parse(Fixtures.FIREFOX_LIVE_ANSWER));
        assertEquals(4, subs.size(), "Firefox receives both Chromiums' audio and video: " + subs);
        for (Subscription v : subs) {
            if (v.kind() == MediaKind.VIDEO) {
                assertEquals(120, v.codecs().get(0).payloadType());
                assertEquals(124, v.codecs().get(0).rtxPayloadType());
            } else {
                assertEquals(109, v.codecs().get(0).payloadType());
            }
        }

        SessionDescription answer = SdpParser.parse(s.answerOffer(Fixtures.parse(Fixtures.FIREFOX_LIVE_REOFFER),
                Fixtures.SERVER).sdp());
        assertEquals(List.of("0", "1", "s0", "s1", "s2", "s3"), answer.bundleMids());
        for (int i = 2; i < 6; i++) {
            MediaDescription m = answer.media().get(i);
            assertFalse(m.isRejected(), m.mid() + " is kept");
            assertEquals(Direction.SENDONLY, m.direction(), m.mid() + " still sends");
            assertEquals(i < 4 ? "bob" : "ada", m.msidStream());
        }
        assertEquals(Direction.RECVONLY, answer.media().get(1).direction(), "Firefox's own video is still received");
        assertEquals(4, s.subscriptions().size());
        assertFalse(s.needsOffer());
    }

    @Test
    void offersCarryTransportCcWhenTheSubscriberOfferedItWhateverThePublisherNegotiated() throws SdpParseException {
        SdpSession s = firefoxSubscriber();
        // A publisher without transport-cc: the server stamps its own sequence numbers anyway.
        dev.sfu.core.room.Codec vp8 = new dev.sfu.core.room.Codec(96, "VP8", 90000, 1, "",
                List.of("goog-remb", "nack", "nack pli"), 97);
        PublishedTrack t = new PublishedTrack("v", MediaKind.VIDEO, "1", 1234, 1235, List.of(vp8),
                List.of(new dev.sfu.core.room.HeaderExtension(2, CodecPolicy.EXT_ABS_SEND_TIME)));
        assertTrue(s.setRemoteTracks(List.of(new RemoteTrack("p", t, 5000, 5001, "sfu-p"))));
        MediaDescription video = SdpParser.parse(s.createOffer(Fixtures.SERVER)).media().get(2);
        assertEquals(List.of("goog-remb", "nack", "nack pli", "transport-cc"), video.format(120).rtcpFeedback());
        assertEquals(7, video.extensionId(CodecPolicy.EXT_TRANSPORT_CC));
    }

    @Test
    void offersLeaveOutTransportCcForASubscriberThatDidNotOfferIt() throws SdpParseException {
        SdpSession s = new SdpSession("legacy");
        String legacy = Fixtures.text(Fixtures.FIREFOX_SENDRECV).lines()
                .filter(l -> !l.contains("transport-wide-cc") && !l.endsWith(" transport-cc"))
                .collect(java.util.stream.Collectors.joining("\r\n", "", "\r\n"));
        s.answerOffer(SdpParser.parse(legacy), Fixtures.SERVER);
        dev.sfu.core.room.Codec vp8 = new dev.sfu.core.room.Codec(96, "VP8", 90000, 1, "",
                List.of("goog-remb", "transport-cc", "nack", "nack pli"), 97);
        PublishedTrack t = new PublishedTrack("v", MediaKind.VIDEO, "1", 1234, 1235, List.of(vp8),
                List.of(new dev.sfu.core.room.HeaderExtension(3, CodecPolicy.EXT_TRANSPORT_CC),
                        new dev.sfu.core.room.HeaderExtension(2, CodecPolicy.EXT_ABS_SEND_TIME)));
        assertTrue(s.setRemoteTracks(List.of(new RemoteTrack("p", t, 5000, 5001, "sfu-p"))));
        String offer = s.createOffer(Fixtures.SERVER);
        MediaDescription video = SdpParser.parse(offer).media().get(2);
        assertEquals(List.of("goog-remb", "nack", "nack pli"), video.format(120).rtcpFeedback());
        assertEquals(-1, video.extensionId(CodecPolicy.EXT_TRANSPORT_CC));
        assertTrue(video.extensionId(CodecPolicy.EXT_ABS_SEND_TIME) > 0);
        assertFalse(offer.contains("transport-cc"));
        assertFalse(offer.contains("transport-wide-cc"));
    }

    @Test
    void tracksKnownBeforeTheFirstOfferAreOfferedAfterIt() throws SdpParseException {
        SdpSession s = new SdpSession("late");
        assertFalse(s.setRemoteTracks(tracksOf("alice")));
        AnswerBuilder.Answer a = s.answerOffer(Fixtures.parse(Fixtures.FIREFOX_SENDRECV), Fixtures.SERVER);
        assertEquals(List.of("0", "1"), SdpParser.parse(a.sdp()).bundleMids());
        assertTrue(s.needsOffer());
        assertEquals(List.of("0", "1", "s0", "s1"), SdpParser.parse(s.createOffer(Fixtures.SERVER)).bundleMids());
    }

    @Test
    void answerKeepsOnlyWhatTheClientAccepted() throws SdpParseException {
        SdpSession s = firefoxSubscriber();
        s.setRemoteTracks(tracksOf("alice"));
        String offer = s.createOffer(Fixtures.SERVER);
        String full = browserAnswer(offer);
        int last = full.lastIndexOf("m=video 10000 UDP/TLS/RTP/SAVPF 120 124");
        String answer = full.substring(0, last) + full.substring(last).replaceFirst(" 120 124", " 120");
        List<Subscription> subs = s.applyAnswer(SdpParser.parse(answer));
        assertEquals(-1, subs.get(1).codecs().get(0).rtxPayloadType());
        assertEquals(-1, subs.get(1).rtxSsrc());
    }

    @Test
    void reOffersKeepTheClientsSimulcastLayersAndListThoseDynacastTurnedOffAsPausedRfc8853() throws SdpParseException {
        SdpSession s = new SdpSession("me");
        s.answerOffer(Fixtures.parse(Fixtures.CHROMIUM_SIMULCAST), Fixtures.SERVER);
        s.setRemoteTracks(tracksOf("bob"));
        MediaDescription own = SdpParser.parse(s.createOffer(Fixtures.SERVER)).media().get(1);
        assertEquals("recv q;h;f", own.simulcast(), "every layer on while dynacast said nothing");
        s.rollbackOffer();
        s.setActiveRids("1", List.of("h"));
        own = SdpParser.parse(s.createOffer(Fixtures.SERVER)).media().get(1);
        assertEquals("recv ~q;h;~f", own.simulcast());
        assertEquals(List.of("q", "h", "f"), own.rids().stream().map(Rid::id).toList(), "a=rid lines keep the plain ids");
    }

    @Test
    void departedTracksGoInactiveAndSectionsAreRecycledOverTenCycles() throws SdpParseException {
        SdpSession s = new SdpSession("me");
        s.answerOffer(Fixtures.parse(Fixtures.CHROMIUM_SIMULCAST), Fixtures.SERVER);
        List<RemoteTrack> bob = tracksOf("bob");
        s.setRemoteTracks(bob);
        s.applyAnswer(SdpParser.parse(browserAnswer(s.createOffer(Fixtures.SERVER))));
        int peak = s.mediaSectionCount();
        assertEquals(4, peak);
        for (int cycle = 0; cycle < 10; cycle++) {
            List<RemoteTrack> guest = tracksOf("guest" + cycle);
            List<RemoteTrack> both = new ArrayList<>(bob);
            both.addAll(guest);
            assertTrue(s.setRemoteTracks(both));
            String joinOffer = s.createOffer(Fixtures.SERVER);
            List<Subscription> subs = s.applyAnswer(SdpParser.parse(browserAnswer(joinOffer)));
            assertEquals(4, subs.size());
            assertEquals(6, s.mediaSectionCount());
            String guestId = "guest" + cycle;
            assertTrue(subs.stream().anyMatch(x -> x.publisherId().equals(guestId)));

            assertTrue(s.setRemoteTracks(bob));
            String leaveOffer = s.createOffer(Fixtures.SERVER);
            SessionDescription sd = SdpParser.parse(leaveOffer);
            assertEquals(6, sd.media().size());
            long inactive = sd.media().stream().filter(m -> m.direction() == Direction.INACTIVE).count();
            assertEquals(2, inactive);
            for (MediaDescription m : sd.media()) {
                assertNotEquals(0, m.port(), "bundled sections keep their port when inactive");
            }
            subs = s.applyAnswer(SdpParser.parse(browserAnswer(leaveOffer)));
            assertEquals(2, subs.size());
        }
        assertEquals(6, s.mediaSectionCount(), "m-lines are bounded by the peak (2 own + 2 peers x 2)");
    }

    @Test
    void sectionFreedAndWantedInOneRoundIsReusedWithNewSsrc() throws SdpParseException {
        SdpSession s = firefoxSubscriber();
        s.setRemoteTracks(tracksOf("a"));
        String first = s.createOffer(Fixtures.SERVER);
        long oldSsrc = SdpParser.parse(first).media().get(3).primarySsrc();
        s.applyAnswer(SdpParser.parse(browserAnswer(first)));
        s.setRemoteTracks(tracksOf("b"));
        SessionDescription sd = SdpParser.parse(s.createOffer(Fixtures.SERVER));
        assertEquals(4, sd.media().size());
        assertEquals("b", sd.media().get(3).msidStream());
        assertNotEquals(oldSsrc, sd.media().get(3).primarySsrc());
    }

    @Test
    void announcesTheSsrcsTheRoomChoseAndReannouncesThemWhenTheStreamIsRecreated() throws SdpParseException {
        SdpSession s = firefoxSubscriber();
        List<RemoteTrack> tracks = tracksOf("a");
        RemoteTrack video = tracks.get(1);
        s.setRemoteTracks(tracks);
        String first = s.createOffer(Fixtures.SERVER);
        MediaDescription m = SdpParser.parse(first).media().get(3);
        assertEquals(video.ssrc(), m.primarySsrc(), "the SSRC forwarding writes into the packets");
        assertEquals(video.rtxSsrc(), m.rtxSsrcOf(video.ssrc()));
        s.applyAnswer(SdpParser.parse(browserAnswer(first)));
        assertFalse(s.needsOffer());

        // The same track, re-subscribed by the room on new SSRCs: the m-line must follow.
        RemoteTrack moved = new RemoteTrack(video.publisherId(), video.track(), 777, 778, video.cname());
        assertTrue(s.setRemoteTracks(List.of(tracks.get(0), moved)));
        String second = s.createOffer(Fixtures.SERVER);
        SessionDescription sd = SdpParser.parse(second);
        assertEquals(4, sd.media().size());
        assertEquals(777, sd.media().get(3).primarySsrc());
        List<Subscription> subs = s.applyAnswer(SdpParser.parse(browserAnswer(second)));
        assertEquals(777, subs.get(1).ssrc());
        assertEquals(778, subs.get(1).rtxSsrc());
    }

    @Test
    void rollbackKeepsTheChangeForTheNextOffer() throws SdpParseException {
        SdpSession s = firefoxSubscriber();
        s.setRemoteTracks(tracksOf("a"));
        s.createOffer(Fixtures.SERVER);
        assertFalse(s.needsOffer());
        s.rollbackOffer();
        assertTrue(s.needsOffer());
        assertEquals(List.of("0", "1", "s0", "s1"), SdpParser.parse(s.createOffer(Fixtures.SERVER)).bundleMids());
    }

    @Test
    void clientReofferMustKeepEarlierSectionsAndGetsServerSectionsAnswered() throws SdpParseException {
        SdpSession s = firefoxSubscriber();
        s.setRemoteTracks(tracksOf("a"));
        String offer = s.createOffer(Fixtures.SERVER);
        assertThrows(IllegalStateException.class, () -> s.answerOffer(Fixtures.parse(Fixtures.FIREFOX_SENDRECV), Fixtures.SERVER));
        s.applyAnswer(SdpParser.parse(browserAnswer(offer)));
        // The browser re-offers everything it has: its two sections and the server's two, recvonly.
        String reoffer = browserAnswer(offer).replace("a=setup:active", "a=setup:actpass");
        AnswerBuilder.Answer a = s.answerOffer(SdpParser.parse(reoffer), Fixtures.SERVER);
        SessionDescription sd = SdpParser.parse(a.sdp());
        assertEquals(Direction.SENDONLY, sd.media().get(2).direction());
        assertEquals("a", sd.media().get(3).msidStream());
        assertEquals(2, a.tracks().size());
        SdpParseException e = assertThrows(SdpParseException.class,
                () -> s.answerOffer(Fixtures.parse(Fixtures.FIREFOX_SENDRECV), Fixtures.SERVER));
        assertTrue(e.getMessage().contains("s0"), e.getMessage());
    }
}
