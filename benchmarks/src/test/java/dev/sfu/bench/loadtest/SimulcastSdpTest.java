package dev.sfu.bench.loadtest;

import dev.sfu.core.transport.DtlsSetup;
import dev.sfu.core.transport.Fingerprint;
import dev.sfu.core.transport.IceCandidate;
import dev.sfu.signaling.sdp.CodecPolicy;
import dev.sfu.signaling.sdp.Direction;
import dev.sfu.signaling.sdp.LocalMediaSection;
import dev.sfu.signaling.sdp.LocalTransport;
import dev.sfu.signaling.sdp.MediaDescription;
import dev.sfu.signaling.sdp.Rid;
import dev.sfu.signaling.sdp.SdpParser;
import dev.sfu.signaling.sdp.SdpWriter;
import dev.sfu.signaling.sdp.SessionDescription;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The publisher's simulcast offer (RFC 8851, RFC 8853), compared with Chromium 156's, and the answer read back. */
class SimulcastSdpTest {
    private static final LocalTransport CLIENT = new LocalTransport("cliU", "clientpassword0123456789",
            new Fingerprint("sha-256", "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99"),
            DtlsSetup.ACTPASS, List.of(new IceCandidate("1", 1, "udp", 2130706431L, "127.0.0.1", 40000, "host")));
    private static final ClientSdp.Sources SOURCES = new ClientSdp.Sources("pub-1", 1111, 2222, 3333, "cname-pub-1");

    private static SessionDescription parse(String sdp) throws Exception {
        return SdpParser.parse(sdp);
    }

    private static MediaDescription section(SessionDescription sd, String mid) {
        for (MediaDescription m : sd.media()) {
            if (mid.equals(m.mid())) {
                return m;
            }
        }
        throw new AssertionError("no section " + mid);
    }

    private static String offer(boolean simulcast) {
        return ClientSdp.offer(7, 1, CLIENT, ClientSdp.ownSections(SOURCES, true, false, simulcast), simulcast);
    }

    @Test
    void simulcastOfferHasRidLinesSimulcastSendAndNoVideoSsrcLikeChromium156() throws Exception {
        String text = offer(true);
        SessionDescription sd = parse(text);
        MediaDescription video = section(sd, ClientSdp.VIDEO_MID);
        assertEquals(List.of(new Rid("q", "send", ""), new Rid("h", "send", ""), new Rid("f", "send", "")),
                video.rids());
        assertEquals("send q;h;f", video.simulcast());
        assertTrue(video.ssrcs().isEmpty(), "no a=ssrc for the simulcast video: " + text);
        assertTrue(video.ssrcGroups().isEmpty(), "no a=ssrc-group for the simulcast video");
        assertEquals(-1, video.primarySsrc());
        assertEquals(ClientSdp.EXTENSION_IDS.midId(), video.extensionId(CodecPolicy.EXT_MID));
        assertEquals(10, video.extensionId(CodecPolicy.EXT_RID));
        assertEquals(11, video.extensionId(CodecPolicy.EXT_REPAIRED_RID));
        assertEquals("pub-1", video.msidStream(), "the track is still named by a=msid");
        assertEquals(Direction.SENDONLY, video.direction());

        // The same rid and simulcast lines and extension ids as the real browser's offer.
        SessionDescription chromium = parse(Files.readString(
                Path.of("../signaling/src/test/resources/sdp/chromium-156-offer-simulcast.sdp")).replace("\r\n", "\n")
                .replace("\n", "\r\n"));
        MediaDescription cv = section(chromium, "1");
        assertEquals(cv.rids(), video.rids());
        assertEquals(cv.simulcast(), video.simulcast());
        assertEquals(cv.ssrcs(), video.ssrcs());
        for (String uri : List.of(CodecPolicy.EXT_MID, CodecPolicy.EXT_RID, CodecPolicy.EXT_REPAIRED_RID)) {
            assertEquals(cv.extensionId(uri), video.extensionId(uri), uri);
        }

        MediaDescription audio = section(sd, ClientSdp.AUDIO_MID);
        assertEquals(1111, audio.primarySsrc(), "audio keeps its a=ssrc");
        assertTrue(audio.rids().isEmpty());
        assertEquals(-1, audio.extensionId(CodecPolicy.EXT_RID));
    }

    @Test
    void withoutSimulcastTheOfferIsWhatSdpWriterWrites() throws Exception {
        String text = offer(false);
        assertEquals(SdpWriter.write(7, 1, CLIENT, ClientSdp.ownSections(SOURCES, true, false)), text);
        MediaDescription video = section(parse(text), ClientSdp.VIDEO_MID);
        assertTrue(video.rids().isEmpty());
        assertEquals(2222, video.primarySsrc());
        assertEquals(3333, video.rtxSsrcOf(2222));
        assertFalse(text.contains("rtp-stream-id"));
    }

    @Test
    void ridLinesComeBeforeTheCandidatesOfTheVideoSectionOnly() {
        String text = offer(true);
        int video = text.indexOf("a=mid:" + ClientSdp.VIDEO_MID);
        int rid = text.indexOf("a=rid:q send");
        assertTrue(rid > video, text);
        assertTrue(rid < text.indexOf("a=candidate:", video), text);
        assertEquals(text.indexOf("a=simulcast:"), text.lastIndexOf("a=simulcast:"), "one a=simulcast line");
    }

    private static MediaDescription answerVideo(String simulcastLine) throws Exception {
        String sdp = SdpWriter.write(9, 1, CLIENT.withSetup(DtlsSetup.PASSIVE), List.of(new LocalMediaSection("1",
                "video", ClientSdp.PROTOCOL, false, List.of(), Direction.RECVONLY, ClientSdp.vp8WithRtx(),
                ClientSdp.simulcastExtensions(), null)));
        if (simulcastLine != null) {
            sdp = sdp.replace("a=rtcp-mux\r\n", "a=rtcp-mux\r\na=rid:q recv\r\na=rid:h recv\r\na=rid:f recv\r\n"
                    + simulcastLine + "\r\n");
        }
        return section(parse(sdp), "1");
    }

    @Test
    void answerWithSimulcastRecvAcceptsItsLayersAndMarksPausedOnes() throws Exception {
        SimulcastSdp.Layers all = SimulcastSdp.received(answerVideo("a=simulcast:recv q;h;f"));
        assertEquals(List.of(SimulcastLayer.Q, SimulcastLayer.H, SimulcastLayer.F), all.layers());
        assertEquals(Set.of(), all.paused());

        SimulcastSdp.Layers some = SimulcastSdp.received(answerVideo("a=simulcast:recv h,q;~f"));
        assertEquals(List.of(SimulcastLayer.H, SimulcastLayer.F), some.layers(), "first alternative of each stream");
        assertEquals(Set.of(SimulcastLayer.F), some.paused());
        assertEquals("h;~f", some.streamList());
    }

    @Test
    void answerWithoutSimulcastRecvDeclinesIt() throws Exception {
        assertTrue(SimulcastSdp.received(answerVideo(null)).isEmpty(), "today's server: no a=simulcast");
        assertTrue(SimulcastSdp.received(answerVideo("a=simulcast:send q;h;f")).isEmpty(), "send is not recv");
        assertTrue(SimulcastSdp.received(answerVideo("a=simulcast:recv x;y")).isEmpty(), "unknown rids");
    }

    @Test
    void answersToServerOffersKeepTheVideoFreeOfSsrcLinesAndMirrorWhatTheServerReceives() throws Exception {
        // The server's re-offer: our video section (it receives), and one of its own send sections.
        String serverOffer = SdpWriter.write(9, 2, CLIENT.withSetup(DtlsSetup.ACTPASS), List.of(
                new LocalMediaSection("0", "audio", ClientSdp.PROTOCOL, false, List.of(), Direction.RECVONLY,
                        List.of(ClientSdp.opus()), ClientSdp.extensions(), null),
                new LocalMediaSection("1", "video", ClientSdp.PROTOCOL, false, List.of(), Direction.RECVONLY,
                        ClientSdp.vp8WithRtx(), ClientSdp.simulcastExtensions(), null),
                new LocalMediaSection("2", "video", ClientSdp.PROTOCOL, false, List.of(), Direction.SENDONLY,
                        ClientSdp.vp8WithRtx(), ClientSdp.extensions(),
                        new dev.sfu.signaling.sdp.SenderSource("pub-2", "pub-2-video", 5555, 6666, "c2"))));
        Map<String, LocalMediaSection> own = new LinkedHashMap<>();
        for (LocalMediaSection s : ClientSdp.ownSections(SOURCES, true, false, true)) {
            own.put(s.mid(), s);
        }
        String withRecv = serverOffer.replace("a=mid:1\r\n", "a=mid:1\r\na=rid:q recv\r\na=rid:h recv\r\n"
                + "a=simulcast:recv q;h\r\n");
        for (String offerText : List.of(serverOffer, withRecv)) {
            ClientSdp.Answer a = ClientSdp.answer(parse(offerText), 7, 2, CLIENT, own, true, true);
            SessionDescription answer = parse(a.sdp());
            MediaDescription video = section(answer, "1");
            assertTrue(video.ssrcs().isEmpty(), a.sdp());
            assertEquals(Direction.SENDONLY, video.direction());
            assertEquals(offerText == withRecv ? "send q;h" : null, video.simulcast());
            assertEquals(offerText == withRecv ? 2 : 0, video.rids().size());
            assertEquals(List.of(new ClientSdp.RemoteStream("2", "video", 5555, 6666, "pub-2", List.of(97))),
                    a.streams());
            assertEquals(1111, section(answer, "0").primarySsrc(), "audio keeps its a=ssrc lines");
        }
    }
}
