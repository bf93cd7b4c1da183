package dev.sfu.signaling.sdp;

import dev.sfu.core.room.Codec;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.PublishedTrack;
import dev.sfu.core.transport.DtlsSetup;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server's JSEP answers (RFC 8829 section 5.3) to real browser offers, parsed back. */
class AnswerBuilderTest {

    private static AnswerBuilder.Answer answerText(String sdp) throws SdpParseException {
        return AnswerBuilder.answer(SdpParser.parse(sdp), Fixtures.SERVER, Map.of(), 42, 1);
    }

    private static AnswerBuilder.Answer answer(String fixture) throws SdpParseException {
        return AnswerBuilder.answer(Fixtures.parse(fixture), Fixtures.SERVER, Map.of(), 42, 1);
    }

    @Test
    void chromiumAnswerBundlesRecvonlyOpusAndVp8WithRtxAndH264() throws SdpParseException {
        AnswerBuilder.Answer a = answer(Fixtures.CHROMIUM_SENDRECV);
        SessionDescription sd = SdpParser.parse(a.sdp());
        assertTrue(a.sdp().contains("\r\n"));
        assertEquals(List.of("0", "1", "2"), sd.bundleMids());
        for (MediaDescription m : sd.media()) {
            assertEquals(DtlsSetup.PASSIVE, sd.setup(m));
            assertEquals("srvU", sd.iceUfrag(m));
            assertEquals("serverpassword0123456789", sd.icePwd(m));
            assertEquals(Fixtures.SERVER.fingerprint(), sd.fingerprints(m).get(0));
            assertEquals("127.0.0.1", m.candidates().get(0).address());
            assertEquals(10000, m.candidates().get(0).port());
            assertEquals(10000, m.port());
            assertTrue(m.rtcpMux());
        }
        MediaDescription audio = sd.media().get(0);
        assertEquals(Direction.RECVONLY, audio.direction());
        assertEquals(List.of("111"), audio.formats());
        // The server asks for Opus DTX as the receiver (RFC 7587 section 6.1).
        assertEquals("minptime=10;useinbandfec=1;usedtx=1", audio.format(111).fmtp());
        assertEquals(2, audio.format(111).channels());
        // Chromium's transport-wide-cc (id 3) is answered with its id, on audio as on video.
        assertEquals(List.of(1, 2, 3, 4), audio.extensions().stream().map(Extmap::id).toList());
        assertEquals(3, audio.extensionId(CodecPolicy.EXT_TRANSPORT_CC));
        assertEquals(List.of("transport-cc"), audio.format(111).rtcpFeedback());

        MediaDescription video = sd.media().get(1);
        assertEquals(Direction.RECVONLY, video.direction());
        assertEquals(List.of("96", "97", "108", "109"), video.formats());
        assertEquals(List.of("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"), video.format(96).rtcpFeedback());
        assertEquals(List.of("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"), video.format(108).rtcpFeedback());
        assertEquals(96, video.format(97).apt());
        assertEquals("42e01f", video.format(108).fmtpParameter("profile-level-id"));
        assertEquals("1", video.format(108).fmtpParameter("packetization-mode"));
        assertEquals(108, video.format(109).apt());
        // toffset, video-orientation, playout-delay ... are not understood and not answered.
        assertEquals(List.of(2, 3, 4, 10, 11), video.extensions().stream().map(Extmap::id).toList());
        assertEquals(3, video.extensionId(CodecPolicy.EXT_TRANSPORT_CC));
        // Forwarding learns the publisher's id and feedback from the tracks: it sends feedback for id 3.
        for (PublishedTrack t : a.tracks()) {
            assertTrue(t.extensions().stream().anyMatch(e -> e.uri().equals(CodecPolicy.EXT_TRANSPORT_CC) && e.id() == 3));
            assertTrue(t.codecs().stream().allMatch(c -> c.rtcpFeedback().contains("transport-cc")));
        }
        assertEquals(-1, video.extensionId("urn:ietf:params:rtp-hdrext:toffset"));

        // The browser's recvonly section gets inactive: the server sends on its own sections.
        assertEquals(Direction.INACTIVE, sd.media().get(2).direction());
        assertFalse(sd.media().get(2).isRejected());

        assertEquals(2, a.tracks().size());
        PublishedTrack at = a.tracks().get(0);
        assertEquals("9eeef09f-39cf-43a9-bd6a-1a1e22f49cfa", at.trackId());
        assertEquals(MediaKind.AUDIO, at.kind());
        assertEquals("0", at.mid());
        assertEquals(1046549139L, at.ssrc());
        assertEquals(-1, at.rtxSsrc());
        assertEquals("opus", at.codecs().get(0).name());
        PublishedTrack vt = a.tracks().get(1);
        assertEquals(3510024836L, vt.ssrc());
        assertEquals(576744540L, vt.rtxSsrc());
        Codec vp8 = vt.codecs().get(0);
        assertEquals("VP8", vp8.name());
        assertEquals(96, vp8.payloadType());
        assertEquals(97, vp8.rtxPayloadType());
        assertEquals("H264", vt.codecs().get(1).name());
        assertEquals(109, vt.codecs().get(1).rtxPayloadType());
        assertEquals(2, vt.codecs().size());
    }

    @Test
    void firefoxAnswerUsesItsPayloadTypesAndNoH264() throws SdpParseException {
        AnswerBuilder.Answer a = answer(Fixtures.FIREFOX_SENDRECV);
        SessionDescription sd = SdpParser.parse(a.sdp());
        assertEquals(List.of("0", "1"), sd.bundleMids());
        assertEquals(List.of("109"), sd.media().get(0).formats());
        assertEquals("maxplaybackrate=48000;stereo=1;useinbandfec=1;usedtx=1", sd.media().get(0).format(109).fmtp());
        assertEquals(List.of("120", "124"), sd.media().get(1).formats());
        assertEquals(Direction.RECVONLY, sd.media().get(1).direction());
        // csrc-audio-level is not understood; audio level, mid and transport-wide-cc (7) are.
        assertEquals(List.of(1, 3, 7), sd.media().get(0).extensions().stream().map(Extmap::id).toList());
        assertEquals(List.of("transport-cc"), sd.media().get(0).format(109).rtcpFeedback());
        assertEquals(7, sd.media().get(1).extensionId(CodecPolicy.EXT_TRANSPORT_CC));
        assertTrue(sd.media().get(1).format(120).rtcpFeedback().contains("transport-cc"));
        assertEquals(2875469079L, a.tracks().get(1).ssrc());
        assertEquals(957745609L, a.tracks().get(1).rtxSsrc());
        assertEquals(124, a.tracks().get(1).codecs().get(0).rtxPayloadType());
    }

    @Test
    void firefoxVideoOfferedBundleOnlyIsAcceptedWithVp8AndItsSimulcastRids() throws SdpParseException {
        AnswerBuilder.Answer a = AnswerBuilder.answer(Fixtures.parse(Fixtures.FIREFOX_LIVE_OFFER), Fixtures.SERVER,
                java.util.Map.of(), 1, 1);
        SessionDescription sd = SdpParser.parse(a.sdp());
        assertEquals(List.of("0", "1"), sd.bundleMids(), "the bundle-only video section is in the BUNDLE group");
        MediaDescription video = sd.media().get(1);
        assertEquals(10000, video.port(), "answered with the server's port, not rejected");
        assertFalse(video.bundleOnly(), "an answer never says bundle-only (RFC 8843 section 7.3)");
        assertEquals(Direction.RECVONLY, video.direction());
        assertEquals(List.of("120", "124"), video.formats(), "VP8 and its RTX with Firefox's payload types");
        assertEquals(List.of("h", "f"), video.rids().stream().map(Rid::id).toList());
        assertEquals("recv h;f", video.simulcast());
        assertEquals(9, video.extensionId(CodecPolicy.EXT_RID));
        assertEquals(2, a.tracks().size(), "Firefox publishes audio and video");
        assertEquals(List.of("h", "f"), a.tracks().get(1).rids());
    }

    @Test
    void clientWithoutTransportCcIsAnsweredWithGoogRembOnly() throws SdpParseException {
        String legacy = Fixtures.text(Fixtures.CHROMIUM_SENDRECV).lines()
                .filter(l -> !l.contains("transport-wide-cc") && !l.endsWith(" transport-cc"))
                .collect(java.util.stream.Collectors.joining("\r\n", "", "\r\n"));
        AnswerBuilder.Answer a = answerText(legacy);
        assertFalse(a.sdp().contains("transport-cc"), "no transport-cc rtcp-fb");
        assertFalse(a.sdp().contains("transport-wide-cc"), "no transport-wide-cc extmap");
        MediaDescription video = SdpParser.parse(a.sdp()).media().get(1);
        assertEquals(List.of("goog-remb", "ccm fir", "nack", "nack pli"), video.format(96).rtcpFeedback());
    }

    @Test
    void transportCcFeedbackWithoutTheExtensionIsNotAnswered() throws SdpParseException {
        // The feedback reports on transport-wide sequence numbers: without the extension it means nothing.
        String noExtension = Fixtures.text(Fixtures.CHROMIUM_SENDRECV).lines()
                .filter(l -> !l.contains("transport-wide-cc"))
                .collect(java.util.stream.Collectors.joining("\r\n", "", "\r\n"));
        AnswerBuilder.Answer a = answerText(noExtension);
        assertFalse(a.sdp().contains("transport-cc"));
        for (PublishedTrack t : a.tracks()) {
            assertTrue(t.codecs().stream().noneMatch(c -> c.rtcpFeedback().contains("transport-cc")));
        }
    }

    @Test
    void simulcastOfferIsAnsweredWithTheSameRidsAsRecvRfc8853() throws SdpParseException {
        AnswerBuilder.Answer a = answer(Fixtures.CHROMIUM_SIMULCAST);
        SessionDescription sd = SdpParser.parse(a.sdp());
        MediaDescription video = sd.media().get(1);
        assertEquals(Direction.RECVONLY, video.direction());
        assertEquals("recv q;h;f", video.simulcast());
        assertEquals(List.of("q", "h", "f"), video.rids().stream().map(Rid::id).toList());
        assertTrue(video.rids().stream().allMatch(r -> r.direction().equals("recv")));
        // The SSRCs come from the rtp-stream-id and repaired-rtp-stream-id extensions (RFC 8852).
        assertTrue(video.extensionId(CodecPolicy.EXT_RID) > 0 && video.extensionId(CodecPolicy.EXT_REPAIRED_RID) > 0);
        assertEquals(-1, a.tracks().get(1).ssrc());
        assertEquals(List.of("q", "h", "f"), a.tracks().get(1).rids());
        assertEquals(List.of(), a.tracks().get(0).rids(), "audio is not simulcast");
        assertFalse(SdpParser.parse(a.sdp()).media().get(0).simulcast() != null);
    }

    @Test
    void simulcastWithoutTheRidExtensionOrWithOneLayerIsDeclinedByOmission() throws SdpParseException {
        String text = Fixtures.text(Fixtures.CHROMIUM_SIMULCAST);
        String noRidExt = text.replaceAll("a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\\r?\\n", "");
        AnswerBuilder.Answer a = answerText(noRidExt);
        assertFalse(a.sdp().contains("a=simulcast"));
        assertEquals(List.of(), a.tracks().get(1).rids());
        String oneLayer = text.replace("a=simulcast:send q;h;f", "a=simulcast:send q");
        assertFalse(answerText(oneLayer).sdp().contains("a=rid"));
    }

    @Test
    void pausedAndAlternativeRidsAreReadAsTheirFirstChoice() throws SdpParseException {
        MediaDescription m = SdpParser.parse(Fixtures.text(Fixtures.CHROMIUM_SIMULCAST).replace("a=simulcast:send q;h;f",
                "a=simulcast:send ~q;h,f;x")).media().get(1);
        assertEquals(List.of("q", "h"), AnswerBuilder.simulcastRids(m), "x has no a=rid line");
    }

    @Test
    void dataChannelSectionIsRejectedWithPortZeroAndLeftOutOfBundle() throws SdpParseException {
        String offer = Fixtures.text(Fixtures.CHROMIUM_SIMULCAST).replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2")
                + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:2\r\na=sctp-port:5000\r\n";
        AnswerBuilder.Answer a = AnswerBuilder.answer(SdpParser.parse(offer), Fixtures.SERVER, Map.of(), 1, 1);
        SessionDescription sd = SdpParser.parse(a.sdp());
        MediaDescription app = sd.media().get(2);
        assertEquals("application", app.type());
        assertEquals(0, app.port());
        assertEquals("2", app.mid());
        assertEquals(List.of("webrtc-datachannel"), app.formats());
        assertEquals(List.of("0", "1"), sd.bundleMids());
    }

    @Test
    void videoWithoutAnyAcceptableCodecIsRejected() throws SdpParseException {
        String offer = Fixtures.text(Fixtures.FIREFOX_SENDRECV).replace("a=rtpmap:120 VP8/90000", "a=rtpmap:120 VP7/90000");
        AnswerBuilder.Answer a = AnswerBuilder.answer(SdpParser.parse(offer), Fixtures.SERVER, Map.of(), 1, 1);
        SessionDescription sd = SdpParser.parse(a.sdp());
        assertTrue(sd.media().get(1).isRejected());
        assertEquals(List.of("0"), sd.bundleMids());
        assertEquals(1, a.tracks().size());
    }

    @Test
    void unusableOffersAreRefusedWithASentence() {
        String noFingerprint = Fixtures.text(Fixtures.FIREFOX_SENDRECV).replaceAll("a=fingerprint:[^\r]*\r\n", "");
        SdpParseException e = assertThrows(SdpParseException.class,
                () -> AnswerBuilder.answer(SdpParser.parse(noFingerprint), Fixtures.SERVER, Map.of(), 1, 1));
        assertTrue(e.getMessage().contains("fingerprint"), e.getMessage());
        String noMid = Fixtures.text(Fixtures.FIREFOX_SENDRECV).replace("a=mid:1\r\n", "");
        e = assertThrows(SdpParseException.class,
                () -> AnswerBuilder.answer(SdpParser.parse(noMid), Fixtures.SERVER, Map.of(), 1, 1));
        assertTrue(e.getMessage().contains("a=mid"), e.getMessage());
        String noUfrag = Fixtures.text(Fixtures.FIREFOX_SENDRECV).replace("a=ice-ufrag:2ad191b0\r\n", "");
        e = assertThrows(SdpParseException.class,
                () -> AnswerBuilder.answer(SdpParser.parse(noUfrag), Fixtures.SERVER, Map.of(), 1, 1));
        assertTrue(e.getMessage().contains("ice-ufrag"), e.getMessage());
    }

    @Test
    void opusDtxIsAskedOfSendersOnlyWhereTheOfferDoesNotSayItsOwnPreference() throws SdpParseException {
        String sdp = Fixtures.text(Fixtures.CHROMIUM_SENDRECV);
        // An offer whose Opus fmtp already says usedtx=0 keeps it: the answer does not override it.
        String withDtxOff = sdp.replace("minptime=10;useinbandfec=1", "minptime=10;useinbandfec=1;usedtx=0");
        MediaDescription audio = SdpParser.parse(answerText(withDtxOff).sdp()).media().get(0);
        assertEquals("0", audio.format(111).fmtpParameter("usedtx"));
        // The published track's codec carries what the answer said.
        AnswerBuilder.Answer a = answerText(sdp);
        Codec opus = a.tracks().stream().filter(t -> t.kind() == MediaKind.AUDIO).findFirst().orElseThrow().codecs().get(0);
        assertEquals("minptime=10;useinbandfec=1;usedtx=1", opus.fmtp());
    }
}
