package dev.sfu.signaling.sdp;

import dev.sfu.core.room.MediaKind;
import dev.sfu.core.transport.DtlsSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 8866 / JSEP parsing of real Chromium 156 and Firefox 153 offers. */
class SdpParserTest {

    @Test
    void chromiumSendrecvOfferHasThreeBundledSections() {
        SessionDescription sd = Fixtures.parse(Fixtures.CHROMIUM_SENDRECV);
        assertEquals("6566813005629383019", sd.sessionId());
        assertEquals(2, sd.sessionVersion());
        assertEquals(List.of("0", "1", "2"), sd.bundleMids());
        assertTrue(sd.extmapAllowMixed());
        assertEquals(3, sd.media().size());

        MediaDescription audio = sd.media().get(0);
        assertEquals("0", audio.mid());
        assertEquals(MediaKind.AUDIO, audio.kind());
        assertEquals(36359, audio.port());
        assertEquals("UDP/TLS/RTP/SAVPF", audio.protocol());
        assertEquals(Direction.SENDRECV, audio.direction());
        assertEquals(List.of("111", "63", "9", "0", "8", "13", "110", "126"), audio.formats());
        RtpFormat opus = audio.format(111);
        assertEquals("opus", opus.name());
        assertEquals(48000, opus.clockRate());
        assertEquals(2, opus.channels());
        assertEquals("minptime=10;useinbandfec=1", opus.fmtp());
        assertEquals("1", opus.fmtpParameter("useinbandfec"));
        assertEquals(List.of("transport-cc"), opus.rtcpFeedback());
        assertEquals(1, audio.extensionId(CodecPolicy.EXT_AUDIO_LEVEL));
        assertEquals(4, audio.extensionId(CodecPolicy.EXT_MID));
        assertEquals(1046549139L, audio.primarySsrc());
        assertEquals(-1, audio.rtxSsrcOf(1046549139L));
        assertEquals("PNn1NmPv17pEjFNH", audio.ssrcs().get(0).cname());
        assertEquals("59001947-554f-4fad-b016-a32c9d9d37b9", audio.msidStream());
        assertEquals("9eeef09f-39cf-43a9-bd6a-1a1e22f49cfa", audio.trackId());
        assertTrue(audio.rtcpMux());
        assertEquals("mV6q", sd.iceUfrag(audio));
        assertEquals("3DBRHV/TGHzgLHg7GRv9en2Y", sd.icePwd(audio));
        assertEquals("sha-256", sd.fingerprints(audio).get(0).hashFunction());
        assertTrue(sd.fingerprints(audio).get(0).value().startsWith("C4:B9:FE:91"));
        assertEquals(DtlsSetup.ACTPASS, sd.setup(audio));
        assertEquals(4, audio.candidates().size());
        assertEquals("192.0.2.2", audio.candidates().get(0).address());
        assertEquals(36359, audio.candidates().get(0).port());
        assertEquals("tcp", audio.candidates().get(2).transport());

        MediaDescription video = sd.media().get(1);
        assertEquals("1", video.mid());
        assertEquals(MediaKind.VIDEO, video.kind());
        assertEquals(23, video.rtpFormats().size());
        assertEquals("VP8", video.format(96).name());
        assertEquals(List.of("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"), video.format(96).rtcpFeedback());
        assertEquals(96, video.format(97).apt());
        assertEquals(97, video.rtxFor(96).payloadType());
        assertEquals("profile-id=0", video.format(98).fmtp());
        assertEquals(3510024836L, video.primarySsrc());
        assertEquals(576744540L, video.rtxSsrcOf(3510024836L));
        assertEquals(List.of(3510024836L, 576744540L), video.ssrcGroup("FID").ssrcs());
        assertEquals("8bad0ead-1757-4f87-ba4e-13d0a663d26a", video.trackId());
        assertEquals(11, video.extensionId(CodecPolicy.EXT_REPAIRED_RID));

        MediaDescription recv = sd.media().get(2);
        assertEquals(Direction.RECVONLY, recv.direction());
        assertTrue(recv.ssrcs().isEmpty());
        assertEquals(-1, recv.primarySsrc());
        assertNull(recv.trackId());
        assertEquals("flexfec-03", recv.format(49).name());
    }

    @Test
    void chromiumSimulcastOfferHasRidsAndNoVideoSsrc() {
        SessionDescription sd = Fixtures.parse(Fixtures.CHROMIUM_SIMULCAST);
        assertEquals(List.of("0", "1"), sd.bundleMids());
        MediaDescription video = sd.media().get(1);
        assertEquals(Direction.SENDONLY, video.direction());
        assertEquals(List.of("q", "h", "f"), video.rids().stream().map(Rid::id).toList());
        assertEquals("send", video.rids().get(0).direction());
        assertEquals("send q;h;f", video.simulcast());
        assertEquals(-1, video.primarySsrc());
        assertEquals("3439048a-7e36-47bc-895d-4ad48c90a889", video.trackId());
        assertEquals(12, video.extensionId("https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension"));
        assertEquals(8, video.candidates().size());
        assertEquals("::1", video.candidates().get(2).address());
        assertEquals(1797294184L, sd.media().get(0).primarySsrc());
        assertEquals("9GgR", sd.iceUfrag(video));
    }

    @Test
    void firefoxBundleOnlySectionWithPortZeroIsBundledNotRejectedRfc8843() {
        SessionDescription sd = Fixtures.parse(Fixtures.FIREFOX_LIVE_OFFER);
        assertEquals(List.of("0", "1"), sd.bundleMids());
        MediaDescription video = sd.media().get(1);
        assertEquals(0, video.port());
        assertTrue(video.bundleOnly());
        assertFalse(video.isRejected(), "port 0 with a=bundle-only is bundled (RFC 8843 section 6)");
        assertEquals(Direction.SENDONLY, video.direction());
        assertEquals(List.of("h", "f"), video.rids().stream().map(Rid::id).toList());
        assertEquals("send h;f", video.simulcast());
        assertEquals(9, video.extensionId(CodecPolicy.EXT_RID));
        assertFalse(sd.media().get(0).bundleOnly());
        // A plain port 0 (no bundle-only) is still a rejected section.
        SessionDescription reoffer = Fixtures.parse(Fixtures.FIREFOX_LIVE_REOFFER);
        assertEquals(List.of("0", "1", "s0", "s1", "s2", "s3"), reoffer.bundleMids());
        assertTrue(reoffer.media().stream().skip(1).allMatch(m -> m.port() == 0 && m.bundleOnly() && !m.isRejected()));
    }

    @Test
    void firefoxOfferHasSessionLevelFingerprintAndComponentTwoCandidates() {
        SessionDescription sd = Fixtures.parse(Fixtures.FIREFOX_SENDRECV);
        assertEquals(List.of("0", "1"), sd.bundleMids());
        assertEquals(1, sd.fingerprints().size());
        assertTrue(sd.fingerprints().get(0).value().startsWith("D7:AB:E8:4D"));
        MediaDescription audio = sd.media().get(0);
        assertTrue(audio.fingerprints().isEmpty());
        assertEquals("D7:AB:E8:4D", sd.fingerprints(audio).get(0).value().substring(0, 11));
        assertEquals("2ad191b0", sd.iceUfrag(audio));
        assertEquals("01a482543ff7a1323b2939cd4cd0fde5", sd.icePwd(audio));
        assertEquals(8, audio.candidates().size());
        assertEquals(2, audio.candidates().get(4).component());
        assertEquals(55658, audio.candidates().get(4).port());
        assertEquals("udp", audio.candidates().get(0).transport());
        assertTrue(audio.endOfCandidates());
        assertEquals("opus", audio.format(109).name());
        assertEquals("maxplaybackrate=48000;stereo=1;useinbandfec=1", audio.format(109).fmtp());
        assertEquals("G722", audio.format(9).name());
        assertEquals(1, audio.format(9).channels());
        Extmap csrc = audio.extensions().get(1);
        assertEquals(2, csrc.id());
        assertEquals(Direction.RECVONLY, csrc.direction());
        assertEquals(3983723532L, audio.primarySsrc());
        assertEquals("{74cc9b07-b866-4bb0-9658-0a8ee8702d38}", audio.trackId());

        MediaDescription video = sd.media().get(1);
        assertEquals(List.of(120, 124, 121, 125, 99, 100, 123, 122, 119),
                video.rtpFormats().stream().map(RtpFormat::payloadType).toList());
        assertEquals("VP8", video.format(120).name());
        assertEquals(124, video.rtxFor(120).payloadType());
        assertEquals("AV1", video.format(99).name());
        assertEquals(100, video.rtxFor(99).payloadType());
        assertEquals(2875469079L, video.primarySsrc());
        assertEquals(957745609L, video.rtxSsrcOf(2875469079L));
        assertEquals(3, video.extensionId(CodecPolicy.EXT_MID));
        assertNull(CodecPolicy.chooseH264(video));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "hello",
        "v=1\r\nm=audio 9 RTP 0",
        "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\n",
        "v=0\r\nm=audio\r\n",
        "v=0\r\nm=audio 99999 UDP/TLS/RTP/SAVPF 111\r\n",
        "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111\r\n",
        "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:300 opus/48000\r\n",
        "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/fast\r\n",
        "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=ssrc:-4 cname:x\r\n",
        "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=ssrc-group:FID\r\n",
        "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=extmap:0 urn:x\r\n",
        "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=fingerprint:sha-256 zz\r\n",
        "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=setup:sideways\r\n",
        "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=fmtp:111\r\n",
        "v=0\r\no=- 1 x IN IP4 0.0.0.0\r\n",
        "v=0\r\nxyz\r\n",
    })
    void malformedSdpRaisesAParseExceptionWithASentence(String sdp) {
        SdpParseException e = assertThrows(SdpParseException.class, () -> SdpParser.parse(sdp));
        assertNotNull(e.getMessage());
        assertTrue(e.getMessage().endsWith("."), e.getMessage());
    }

    @Test
    void garbageNeverThrowsAnythingButParseException() {
        java.util.Random r = new java.util.Random(7);
        String base = Fixtures.text(Fixtures.CHROMIUM_SENDRECV);
        for (int i = 0; i < 2000; i++) {
            char[] c = base.toCharArray();
            for (int k = 0; k < 10; k++) {
                c[r.nextInt(c.length)] = (char) (32 + r.nextInt(95));
            }
            try {
                SdpParser.parse(new String(c));
            } catch (SdpParseException expected) {
                assertFalse(expected.getMessage().isEmpty());
            }
        }
    }

    @Test
    void rtcpFeedbackWildcardAppliesToEveryFormat() throws SdpParseException {
        SessionDescription sd = SdpParser.parse("v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96 97\r\na=mid:v\r\n"
                + "a=rtpmap:96 VP8/90000\r\na=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\na=rtcp-fb:* nack\r\n");
        assertEquals(List.of("nack"), sd.media().get(0).format(96).rtcpFeedback());
        assertEquals(Direction.SENDRECV, sd.media().get(0).direction());
    }
}
