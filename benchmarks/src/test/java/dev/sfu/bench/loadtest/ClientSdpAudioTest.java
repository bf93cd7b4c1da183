package dev.sfu.bench.loadtest;

import dev.sfu.core.transport.DtlsSetup;
import dev.sfu.core.transport.Fingerprint;
import dev.sfu.core.transport.IceCandidate;
import dev.sfu.signaling.sdp.AnswerBuilder;
import dev.sfu.signaling.sdp.CodecPolicy;
import dev.sfu.signaling.sdp.LocalTransport;
import dev.sfu.signaling.sdp.MediaDescription;
import dev.sfu.signaling.sdp.SdpParser;
import dev.sfu.signaling.sdp.SessionDescription;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A synthetic publisher's audio as a browser's: it offers the RFC 6464 audio level on its audio
 * section (Chromium's id 1), and it uses DTX when the server's own answer asks for it (RFC 7587
 * section 6.1, {@code usedtx=1}).
 */
class ClientSdpAudioTest {
    private static final LocalTransport TRANSPORT = new LocalTransport("pubU", "publisherpassword0123456",
            new Fingerprint("sha-256", "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99"),
            DtlsSetup.ACTPASS, List.of(new IceCandidate("1", 1, "udp", 2130706431L, "127.0.0.1", 40000, "host")));
    private static final LocalTransport SERVER = new LocalTransport("srvU", "serverpassword0123456789",
            TRANSPORT.fingerprint(), DtlsSetup.PASSIVE,
            List.of(new IceCandidate("1", 1, "udp", 2130706431L, "127.0.0.1", 10000, "host")));
    private static final ClientSdp.Sources SOURCES = new ClientSdp.Sources("pub-1", 1111, 2222, 3333, "cname-pub-1");

    private static SessionDescription publisherOffer() throws Exception {
        return SdpParser.parse(ClientSdp.offer(7, 1, TRANSPORT, ClientSdp.ownSections(SOURCES, true, false), false));
    }

    @Test
    void publisherOffersTheAudioLevelOnAudioOnly() throws Exception {
        SessionDescription offer = publisherOffer();
        MediaDescription audio = offer.media().get(0);
        MediaDescription video = offer.media().get(1);
        assertEquals(ClientSdp.EXTENSION_IDS.audioLevelId(), audio.extensionId(CodecPolicy.EXT_AUDIO_LEVEL));
        assertTrue(video.extensionId(CodecPolicy.EXT_AUDIO_LEVEL) <= 0);
    }

    @Test
    void theServersAnswerAsksForDtxAndThePublisherReadsIt() throws Exception {
        AnswerBuilder.Answer a = AnswerBuilder.answer(publisherOffer(), SERVER, Map.of(), 1, 1);
        SessionDescription answer = SdpParser.parse(a.sdp());
        assertTrue(ClientSdp.asksForDtx(answer), a.sdp());
        assertEquals(ClientSdp.EXTENSION_IDS.audioLevelId(),
                answer.media().get(0).extensionId(CodecPolicy.EXT_AUDIO_LEVEL), "the level is negotiated");
        String noDtx = a.sdp().replace(";usedtx=1", "");
        assertFalse(ClientSdp.asksForDtx(SdpParser.parse(noDtx)));
    }
}
