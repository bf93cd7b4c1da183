package dev.sfu.core.transport;

import static dev.sfu.core.transport.TransportTestSupport.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ICE restart (RFC 8445 section 9) over real sockets: both ends take new credentials (the server a
 * new ice4j agent on its shared port, the client a new agent on a new socket), exchange them as a
 * restart offer and answer would, and media flows again both ways on the new path, with the same
 * DTLS association and SRTP contexts (packets protected with the first handshake's keys still
 * decrypt on both sides: there was no second handshake).
 */
class IceRestartTest {
    static TransportServer server;
    static TransportClient client;

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

    @Test
    void restartGivesNewCredentialsAndMediaFlowsOnTheNewPathWithTheSameDtlsAndSrtp() throws Exception {
        TransportTestSupport.Pair p = wire(server, client, "restart", DtlsSetup.ACTPASS);
        try {
            assertTrue(p.serverEvents().awaitConnected(10_000));
            assertTrue(p.clientEvents().awaitConnected(10_000));
            assertTrue(TransportTestSupport.sendUntilReceived(p.client(), p.serverEvents(), 0x1111, 1));
            assertTrue(TransportTestSupport.sendUntilReceived(p.server(), p.clientEvents(), 0x2222, 1));
            String serverUfrag = p.server().localIceUfrag();
            String clientUfrag = p.client().localIceUfrag();
            InetSocketAddress before = ((IceDtlsTransport) p.server()).selectedRemoteAddress();
            var profile = ((IceDtlsTransport) p.server()).srtpProfile();

            // The client's restart offer, the server's answer.
            assertTrue(p.client().restartIce());
            assertTrue(p.server().restartIce());
            assertNotEquals(serverUfrag, p.server().localIceUfrag(), "a new server ufrag");
            assertNotEquals(clientUfrag, p.client().localIceUfrag(), "a new client ufrag");
            p.server().setRemote(new RemoteParameters(p.client().localIceUfrag(), p.client().localIcePwd(),
                    List.of(client.fingerprint()), DtlsSetup.ACTPASS, p.client().localCandidates()));
            p.client().setRemote(new RemoteParameters(p.server().localIceUfrag(), p.server().localIcePwd(),
                    List.of(p.server().localFingerprint()), DtlsSetup.PASSIVE, p.server().localCandidates()));

            long deadline = System.nanoTime() + 10_000_000_000L;
            while (before.equals(((IceDtlsTransport) p.server()).selectedRemoteAddress()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            InetSocketAddress after = ((IceDtlsTransport) p.server()).selectedRemoteAddress();
            assertNotEquals(before, after, "the server sends to the client's new socket");
            assertTrue(p.serverEvents().routeChanged.await(5, java.util.concurrent.TimeUnit.SECONDS),
                    "the server's listener heard of the new path (its downlink estimate starts again)");
            assertTrue(TransportTestSupport.sendUntilReceived(p.client(), p.serverEvents(), 0x1111, 100));
            assertTrue(TransportTestSupport.sendUntilReceived(p.server(), p.clientEvents(), 0x2222, 100));
            assertTrue(p.server().isConnected() && p.client().isConnected());
            assertEquals(profile, ((IceDtlsTransport) p.server()).srtpProfile(), "the same SRTP profile");
            assertEquals(null, p.serverEvents().closeReason, "not closed");
        } finally {
            p.client().close();
            p.server().close();
        }
    }
}
