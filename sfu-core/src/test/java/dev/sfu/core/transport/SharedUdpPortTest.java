package dev.sfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server's shared media port: it maps a remote address to an agent only on a STUN Binding
 * Request whose USERNAME names a live agent (RFC 8445 sections 6.1.1 and 7.2.2), drops and
 * counts everything else from unknown addresses, and a flood of such datagrams does not disturb
 * a call that is already connected on the same port. The call tests run on both kinds of port
 * I/O: native ({@code sendmmsg}/{@code recvmmsg}, what the server runs) and JDK sockets (the
 * fallback on other JVMs).
 */
class SharedUdpPortTest {

    @Test
    void theTestJvmRunsTheMediaPortOnNativeIo() {
        // The test runner passes the launcher's flags; without them every transport test would
        // silently exercise only the fallback.
        assertNull(NativePortIo.whyNot(), "native I/O is available to the tests");
    }

    /** Starts a server whose media port uses native I/O or JDK sockets. */
    static TransportServer startServer(boolean nativeIo) throws Exception {
        String before = System.getProperty("sfu.media.native-udp");
        System.setProperty("sfu.media.native-udp", Boolean.toString(nativeIo));
        try {
            TransportServer server = TransportServer.start(TransportConfig.loopbackEphemeral());
            assertEquals(nativeIo, server.nativeIo(), "the port's I/O");
            return server;
        } finally {
            if (before == null) {
                System.clearProperty("sfu.media.native-udp");
            } else {
                System.setProperty("sfu.media.native-udp", before);
            }
        }
    }

    @ParameterizedTest(name = "native I/O {0}")
    @ValueSource(booleans = {true, false})
    void datagramsFromUnknownAddressesAreDroppedAndCountedWhileACallGoesOn(boolean nativeIo) throws Exception {
        try (TransportServer server = startServer(nativeIo);
             TransportClient client = TransportClient.start(TransportConfig.loopbackEphemeral())) {
            TransportTestSupport.Pair p = TransportTestSupport.wire(server, client, "call", DtlsSetup.ACTPASS);
            assertTrue(p.serverEvents().awaitConnected(10_000), "server side connected");
            assertTrue(p.clientEvents().awaitConnected(10_000), "client side connected");

            InetSocketAddress port = server.localAddress();
            long before = server.portDrops().get(DropReason.UNKNOWN_SOURCE);
            int sent = 0;
            try (DatagramSocket stranger = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                byte[] unknownUfrag = UnvalidatedSourceTest.bindingRequestWithUsername("nobody:x");
                byte[] rtp = TransportTestSupport.rtp(1, 0x1234, 100);
                byte[] dtls = UnvalidatedSourceTest.FAKE_CLIENT_HELLO;
                byte[] garbage = HexFormat.of().parseHex("ff00ff00");
                for (int i = 0; i < 50; i++) {
                    for (byte[] d : new byte[][] {unknownUfrag, rtp, dtls, garbage}) {
                        stranger.send(new DatagramPacket(d, d.length, port));
                        sent++;
                    }
                }
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (server.portDrops().get(DropReason.UNKNOWN_SOURCE) - before < sent && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(sent, server.portDrops().get(DropReason.UNKNOWN_SOURCE) - before,
                    "every datagram from the unknown address is counted at the port");
            assertTrue(TransportTestSupport.sendUntilReceived(p.client(), p.serverEvents(), 0xabc, 100),
                    "the established call still delivers media");
            assertTrue(TransportTestSupport.sendUntilReceived(p.server(), p.clientEvents(), 0xdef, 200),
                    "and in the other direction");
        }
    }
}
