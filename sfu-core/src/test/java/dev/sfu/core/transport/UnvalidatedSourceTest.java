package dev.sfu.core.transport;

import static dev.sfu.core.transport.TransportTestSupport.plain;
import static dev.sfu.core.transport.TransportTestSupport.rtp;
import static dev.sfu.core.transport.TransportTestSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DTLS and SRTP are accepted only from the ICE-validated address (RFC 8445 section 7.2.5.3;
 * the 2024 "DTLS ClientHello race" lets an off-path sender that knows the ufrag kill a session
 * whose DTLS accepts the first ClientHello from anywhere). An attacker that gets ice4j to
 * demultiplex its address to the transport (a STUN Binding Request with the right ufrag but
 * no valid MESSAGE-INTEGRITY) must have its DTLS and RTP dropped and counted.
 */
class UnvalidatedSourceTest {
    static TransportServer server;
    static TransportClient client;

    /**
     * A DTLS 1.2 ClientHello record header and the start of its handshake header (RFC 6347 section 4.1):
     * 16 = handshake, fefd = DTLS 1.2, 0000 = epoch, 000000000000 = sequence, 0010 = 16 bytes,
     * 01 = client_hello, 00000c = length, 0000 = message_seq, 000000 = offset, 00000c = fragment length,
     * then bytes that are not a valid body.
     */
    static final byte[] FAKE_CLIENT_HELLO = HexFormat.of().parseHex(
            "16fefd0000000000000000001001" + "00000c0000000000" + "00000cfefd");

    @BeforeAll
    static void start() throws Exception {
        server = TransportServer.start(TransportConfig.loopbackEphemeral());
        client = TransportClient.start(TransportConfig.loopbackEphemeral());
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    /** A STUN Binding Request (RFC 8489 section 5) with only a USERNAME attribute (type 0x0006). */
    static byte[] bindingRequestWithUsername(String username) {
        byte[] user = username.getBytes(StandardCharsets.UTF_8);
        int padded = (user.length + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(20 + 4 + padded);
        b.putShort((short) 0x0001).putShort((short) (4 + padded)).putInt(0x2112A442);
        b.put(HexFormat.of().parseHex("0102030405060708090a0b0c"));
        b.putShort((short) 0x0006).putShort((short) user.length).put(user);
        return b.array();
    }

    @Test
    void dtlsAndRtpFromAnUnvalidatedAddressAreDroppedAndCountedBeforeAndAfterIce() throws Exception {
        RecordingListener se = new RecordingListener();
        IceDtlsTransport st = (IceDtlsTransport) se.listenTo(server.createTransport("victim"));
        RecordingListener ce = new RecordingListener();
        IceDtlsTransport ct = ce.hearCloseOf(client.createTransport("client-victim", ce));
        st.setRemote(new RemoteParameters(ct.localIceUfrag(), ct.localIcePwd(), List.of(client.fingerprint()),
                DtlsSetup.ACTPASS, ct.localCandidates()));
        InetSocketAddress port = server.localAddress();

        try (DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] stun = bindingRequestWithUsername(st.localIceUfrag() + ":" + ct.localIceUfrag());
            attacker.send(new DatagramPacket(stun, stun.length, port));
            // A marker: forged RTP from the attacker, dropped and counted at once (it is not DTLS,
            // so it is never held). Once one is counted, ice4j hands the attacker's datagrams to
            // this transport; once the one sent after the ClientHello is counted, the ClientHello
            // (same socket, same reader thread, sent first) went through the transport too.
            byte[] marker = rtp(3, 0xBAD, 20);
            boolean reached = false;
            for (int attempt = 0; attempt < 10 && !reached; attempt++) {
                attacker.send(new DatagramPacket(marker, 32, port));
                // Half a second per marker, so none is still on its way when the loop ends.
                reached = waitFor(() -> st.drops().get(DropReason.UNVALIDATED_SOURCE) >= 1, 0.5);
            }
            assertTrue(reached, "the attacker's address reaches the transport: " + st.drops());
            long markers = st.drops().get(DropReason.UNVALIDATED_SOURCE);
            // Before ICE: the race the 2024 attack wins against unprotected stacks.
            attacker.send(new DatagramPacket(FAKE_CLIENT_HELLO, FAKE_CLIENT_HELLO.length, port));
            attacker.send(new DatagramPacket(marker, 32, port));
            assertTrue(waitFor(() -> st.drops().get(DropReason.UNVALIDATED_SOURCE) >= markers + 1, 5),
                    "the marker after the ClientHello counted");
            assertTrue(!st.isConnected() && se.closeReason == null, "the early ClientHello did not end the transport");
            long beforeIce = st.drops().get(DropReason.UNVALIDATED_SOURCE);

            ct.setRemote(new RemoteParameters(st.localIceUfrag(), st.localIcePwd(), List.of(st.localFingerprint()),
                    st.localSetup(DtlsSetup.ACTPASS), st.localCandidates()));
            assertTrue(se.awaitConnected(10_000), "the real peer still connects");
            assertTrue(ce.awaitConnected(10_000));
            // Held until ICE selected the real peer's address, then dropped and counted.
            assertTrue(waitFor(() -> st.drops().get(DropReason.UNVALIDATED_SOURCE) >= beforeIce + 1, 5),
                    "early ClientHello counted");

            long before = st.drops().get(DropReason.UNVALIDATED_SOURCE);
            attacker.send(new DatagramPacket(FAKE_CLIENT_HELLO, FAKE_CLIENT_HELLO.length, port));
            byte[] forged = rtp(7, 0xBAD, 50);
            attacker.send(new DatagramPacket(forged, 62, port));
            assertTrue(waitFor(() -> st.drops().get(DropReason.UNVALIDATED_SOURCE) >= before + 2, 5),
                    "late ClientHello and RTP counted: " + st.drops());
            assertTrue(se.rtp.isEmpty(), "no forged media delivered");
            assertEquals(0, st.drops().get(DropReason.SRTP_AUTH_FAILED), "never reached SRTP");

            byte[] up = rtp(1, 0x1111, 100);
            byte[] upPlain = plain(up, 112);
            assertTrue(ct.sendRtp(up, 0, 112));
            assertArrayEquals(upPlain, se.rtp.poll(5, TimeUnit.SECONDS), "the session survived");
            assertTrue(st.isConnected());
        } finally {
            ct.close();
            st.close();
        }
    }
}
