package dev.sfu.bench.loadtest;

import dev.sfu.core.transport.DtlsSetup;
import dev.sfu.core.transport.Fingerprint;
import dev.sfu.core.transport.IceCandidate;
import dev.sfu.rtp.ext.TransportCcExtension;
import dev.sfu.signaling.sdp.CodecPolicy;
import dev.sfu.signaling.sdp.Direction;
import dev.sfu.signaling.sdp.Extmap;
import dev.sfu.signaling.sdp.LocalMediaSection;
import dev.sfu.signaling.sdp.LocalTransport;
import dev.sfu.signaling.sdp.RtpFormat;
import dev.sfu.signaling.sdp.SdpParser;
import dev.sfu.signaling.sdp.SdpWriter;
import dev.sfu.signaling.sdp.SenderSource;
import dev.sfu.signaling.sdp.SessionDescription;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A receiver offers transport-cc as Chromium does and sends its feedback only when the server's
 * offer negotiates both the transport-wide sequence number extension and {@code a=rtcp-fb
 * transport-cc} on what it sends (draft-holmer-rmcat-transport-wide-cc-extensions-01).
 */
class ClientSdpTransportCcTest {
    private static final LocalTransport TRANSPORT = new LocalTransport("srvU", "serverpassword0123456789",
            new Fingerprint("sha-256", "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99"),
            DtlsSetup.ACTPASS, List.of(new IceCandidate("1", 1, "udp", 2130706431L, "127.0.0.1", 40000, "host")));
    private static final ClientSdp.Sources SOURCES = new ClientSdp.Sources("sub-1", 1111, 2222, 3333, "cname-sub-1");

    private static Map<String, LocalMediaSection> own() {
        Map<String, LocalMediaSection> m = new LinkedHashMap<>();
        for (LocalMediaSection s : ClientSdp.ownSections(SOURCES, false, false)) {
            m.put(s.mid(), s);
        }
        return m;
    }

    /** A server offer: the subscriber's own audio section and one remote video sent to it. */
    private static SessionDescription serverOffer(boolean extension, boolean feedback) throws Exception {
        List<String> fb = feedback ? List.of("nack", "nack pli", "transport-cc") : List.of("nack", "nack pli");
        List<Extmap> ext = extension
                ? List.of(new Extmap(4, null, CodecPolicy.EXT_MID), new Extmap(5, null, TransportCcExtension.URI))
                : List.of(new Extmap(4, null, CodecPolicy.EXT_MID));
        LocalMediaSection audio = new LocalMediaSection(ClientSdp.AUDIO_MID, "audio", ClientSdp.PROTOCOL, false,
                List.of(), Direction.INACTIVE, List.of(ClientSdp.opus()), ext, null);
        LocalMediaSection video = new LocalMediaSection("2", "video", ClientSdp.PROTOCOL, false, List.of(),
                Direction.SENDONLY, List.of(new RtpFormat(96, "VP8", 90000, 1, "", fb),
                new RtpFormat(97, "rtx", 90000, 1, "apt=96", List.of())), ext,
                new SenderSource("pub-1", "pub-1-video", 5555, 6666, "cname-pub-1"));
        return SdpParser.parse(SdpWriter.write(9, 2, TRANSPORT, List.of(audio, video)));
    }

    @Test
    void subscribersOwnOfferCarriesTheExtensionAndTransportCcFeedbackLikeChromium() throws Exception {
        String offer = ClientSdp.offer(7, 1, TRANSPORT, ClientSdp.ownSections(SOURCES, false, false), false);
        assertTrue(offer.contains("a=extmap:3 " + TransportCcExtension.URI), offer);
        assertTrue(offer.contains("a=rtcp-fb:111 transport-cc"), offer);
    }

    @Test
    void feedbackIdComesFromTheServersSendSectionWhenBothAreOffered() throws Exception {
        assertEquals(5, ClientSdp.transportCcId(serverOffer(true, true), own()));
    }

    @Test
    void noFeedbackWithoutTheExtensionOrWithoutRtcpFbTransportCc() throws Exception {
        assertEquals(-1, ClientSdp.transportCcId(serverOffer(false, true), own()));
        assertEquals(-1, ClientSdp.transportCcId(serverOffer(true, false), own()));
    }

    @Test
    void answerAcceptsTheServersTransportCcExtensionAndFeedback() throws Exception {
        ClientSdp.Answer a = ClientSdp.answer(serverOffer(true, true), 7, 2, TRANSPORT, own(), true);
        assertTrue(a.sdp().contains("a=extmap:5 " + TransportCcExtension.URI), a.sdp());
        assertTrue(a.sdp().contains("a=rtcp-fb:96 transport-cc"), a.sdp());
    }
}
