package dev.sfu.bench.loadtest;

import dev.sfu.core.transport.DtlsSetup;
import dev.sfu.core.transport.Fingerprint;
import dev.sfu.signaling.sdp.Direction;
import dev.sfu.signaling.sdp.LocalMediaSection;
import dev.sfu.signaling.sdp.LocalTransport;
import dev.sfu.signaling.sdp.SdpParser;
import dev.sfu.signaling.sdp.SdpWriter;
import dev.sfu.signaling.sdp.SessionDescription;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the answer makes a simulcast publisher send, and dynacast addressed by mid. */
class PublisherVideoTest {
    private static final ClientSdp.Sources SOURCES = new ClientSdp.Sources("pub-1", 1111, 2222, 3333, "c");
    private static final LocalTransport SERVER = new LocalTransport("srvU", "serverpassword0123456789",
            new Fingerprint("sha-256", "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99"),
            DtlsSetup.PASSIVE, List.of());

    private static SessionDescription answer(String simulcastLines) throws Exception {
        String sdp = SdpWriter.write(1, 1, SERVER, List.of(new LocalMediaSection("1", "video", ClientSdp.PROTOCOL,
                false, List.of(), Direction.RECVONLY, ClientSdp.vp8WithRtx(), ClientSdp.simulcastExtensions(), null)));
        return SdpParser.parse(sdp.replace("a=rtcp-mux\r\n", "a=rtcp-mux\r\n" + simulcastLines));
    }

    private static PublisherVideo video(String... options) throws Exception {
        return new PublisherVideo(new CapturingSink(), LoadTestOptions.parse(options), StreamIds.of(
                LoadTestOptions.parse(options).simulcast()), 2, SOURCES, 0, new Random(1));
    }

    @Test
    void withoutSimulcastTheSingleStreamExistsBeforeTheAnswer() throws Exception {
        PublisherVideo v = video("--video-kbps", "700");
        assertNotNull(v.single());
        assertEquals(700, v.single().encoding().kbps());
        assertEquals(2222, v.single().info().ssrc());
        assertEquals(StreamIds.SINGLE.video(2), v.single().info().streamId());
        v.onAnswer(answer("a=rid:q recv\r\na=simulcast:recv q\r\n"));
        assertNull(v.simulcast(), "decided at once");
    }

    @Test
    void anAnswerWithSimulcastRecvStartsTheLayers() throws Exception {
        PublisherVideo v = video("--simulcast", "--layer-kbps", "100,300,900");
        assertEquals(List.of(), v.senders(), "nothing before the answer");
        v.onAnswer(answer("a=rid:q recv\r\na=rid:h recv\r\na=rid:f recv\r\na=simulcast:recv q;h;f\r\n"));
        assertNull(v.single());
        assertEquals(3, v.senders().size());
        assertEquals(List.of(100, 300, 900), v.senders().stream().map(s -> s.encoding().kbps()).toList());
        assertEquals(StreamIds.SIMULCAST.layer(2, SimulcastLayer.F), v.senders().get(2).info().streamId());
        VideoSender h = v.simulcast().layer(SimulcastLayer.H);
        assertEquals(h, v.bySsrc(h.info().ssrc() & 0xFFFFFFFFL));

        v.onLayersNeeded("0", List.of("q"));
        assertTrue(h.active(), "layersNeeded for another mid is not about the camera");
        v.onLayersNeeded("1", null);
        assertTrue(h.active(), "no rids: nothing to go by");
        v.onLayersNeeded("1", List.of("q"));
        assertFalse(h.active());
        assertTrue(v.simulcast().layer(SimulcastLayer.Q).active());
    }

    @Test
    void anAnswerWithoutSimulcastFallsBackToTheSingleStream() throws Exception {
        PublisherVideo v = video("--simulcast", "--video-kbps", "400");
        v.onAnswer(answer(""));
        assertNull(v.simulcast());
        assertNotNull(v.single());
        assertEquals(400, v.single().encoding().kbps());
        assertEquals(640, v.single().encoding().width());
        assertEquals(StreamIds.SIMULCAST.video(2), v.single().info().streamId());
        v.onLayersNeeded("1", List.of());
        assertTrue(v.single().active(), "dynacast only addresses layers");
    }
}
