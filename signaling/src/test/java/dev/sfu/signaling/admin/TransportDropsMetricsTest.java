package dev.sfu.signaling.admin;

import dev.sfu.core.transport.DtlsSetup;
import dev.sfu.core.transport.IceDtlsTransport;
import dev.sfu.core.transport.MediaTransport;
import dev.sfu.core.transport.RemoteParameters;
import dev.sfu.core.transport.TransportClient;
import dev.sfu.core.transport.TransportConfig;
import dev.sfu.core.transport.TransportListener;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.signaling.Server;
import dev.sfu.signaling.config.ServerConfig;
import dev.sfu.signaling.room.JoinResult;
import dev.sfu.signaling.room.NoParticipantEvents;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The media transports' drops reach /metrics: a forged RTP packet from an address ICE never
 * validated (RFC 8445 section 7.2.5.3) is dropped by the participant's transport and shows up as
 * {@code sfu_drops_total{layer="transport",reason="UNVALIDATED_SOURCE"}}, and stays counted
 * after the participant has left.
 */
class TransportDropsMetricsTest {

    @Test
    void aForgedPacketFromAnUnvalidatedAddressIsCountedInMetrics() throws Exception {
        try (Server server = Server.start(ServerConfig.loopback(0));
             TransportClient client = TransportClient.start(TransportConfig.loopbackEphemeral());
             DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            JoinResult joined = server.rooms().join("r", "victim", new NoParticipantEvents());
            MediaTransport st = server.rooms().create(joined.participantId(), (reason, detail) -> { });
            IceDtlsTransport ct = client.createTransport("peer", new NoMedia());
            st.setRemote(new RemoteParameters(ct.localIceUfrag(), ct.localIcePwd(), List.of(client.fingerprint()),
                    DtlsSetup.ACTPASS, ct.localCandidates()));
            ct.setRemote(new RemoteParameters(st.localIceUfrag(), st.localIcePwd(), List.of(st.localFingerprint()),
                    st.localSetup(DtlsSetup.ACTPASS), st.localCandidates()));
            assertTrue(waitFor(st::isConnected), "the real peer connects");
            assertEquals(0, metric(server), "nothing dropped yet");

            // The attacker knows the ufrags, so ice4j hands its address to this transport; its
            // Binding Request carries no valid MESSAGE-INTEGRITY, so the address is never validated.
            InetSocketAddress port = server.media().localAddress();
            byte[] stun = bindingRequestWithUsername(st.localIceUfrag() + ":" + ct.localIceUfrag());
            attacker.send(new DatagramPacket(stun, stun.length, port));
            Thread.sleep(100);
            byte[] forged = new byte[60];
            RtpPacket.writeHeader(forged, 0, false, 96, 1, 0, 0xBAD);
            attacker.send(new DatagramPacket(forged, forged.length, port));

            assertTrue(waitFor(() -> metric(server) >= 1), "counted in /metrics: " + metric(server));
            server.rooms().leave(joined.participantId());
            assertTrue(metric(server) >= 1, "still counted after the participant left");
        }
    }

    /** {@code sfu_drops_total{node="ID",layer="transport",reason="UNVALIDATED_SOURCE"}} from GET /metrics. */
    private static double metric(Server server) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.httpPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            Map<String, String> unvalidated = Map.of("node", server.nodeId(), "layer", "transport",
                    "reason", "UNVALIDATED_SOURCE");
            for (PrometheusParser.Sample s : PrometheusParser.parse(r.body()).get("sfu_drops_total").samples()) {
                if (s.labels().equals(unvalidated)) {
                    return s.value();
                }
            }
            return -1;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A STUN Binding Request (RFC 8489 section 5) with only a USERNAME attribute (type 0x0006). */
    private static byte[] bindingRequestWithUsername(String username) {
        byte[] user = username.getBytes(StandardCharsets.UTF_8);
        int padded = (user.length + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(20 + 4 + padded);
        b.putShort((short) 0x0001).putShort((short) (4 + padded)).putInt(0x2112A442);
        b.put(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        b.putShort((short) 0x0006).putShort((short) user.length).put(user);
        return b.array();
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }


    private static final class NoMedia implements TransportListener {
        @Override
        public void onRtp(byte[] buf, int off, int len) {
        }

        @Override
        public void onRtcp(byte[] buf, int off, int len) {
        }
    }
}
