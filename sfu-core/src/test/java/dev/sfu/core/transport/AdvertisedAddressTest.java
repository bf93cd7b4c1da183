package dev.sfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A server behind NAT (issue 3): bound to a private address, it announces its public address as
 * a server-reflexive candidate with the bound port (RFC 8445 section 5.1.1.2), and a peer that
 * reaches it on the private address still connects. The public address here is 203.0.113.10
 * (RFC 5737 TEST-NET-3, on no interface of this machine); the client is never given it, so no
 * datagram is sent there.
 */
class AdvertisedAddressTest {
    private static final String PUBLIC = "203.0.113.10";

    static TransportServer server;
    static TransportClient client;

    @BeforeAll
    static void start() throws Exception {
        server = TransportServer.start(TransportConfig.loopbackEphemeral()
                .withAdvertisedAddresses(List.of(InetAddress.getByName(PUBLIC))));
        client = TransportClient.start(TransportConfig.loopbackEphemeral());
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @Test
    void advertisedAddressIsAServerReflexiveCandidateOnTheBoundPort() {
        RecordingListener events = new RecordingListener();
        MediaTransport t = events.listenTo(server.createTransport("advertised-candidates"));
        try {
            int port = server.localAddress().getPort();
            List<IceCandidate> candidates = t.localCandidates();
            List<IceCandidate> host = candidates.stream().filter(c -> c.address().equals("127.0.0.1")).toList();
            List<IceCandidate> advertised = candidates.stream().filter(c -> c.address().equals(PUBLIC)).toList();
            assertEquals(1, host.size(), "one candidate on the bound address: " + candidates);
            assertEquals("host", host.get(0).type(), "bound address: " + host.get(0));
            assertEquals(port, host.get(0).port(), "bound address: " + host.get(0));
            assertEquals(1, advertised.size(), "one candidate on the advertised address: " + candidates);
            IceCandidate pub = advertised.get(0);
            assertEquals("srflx", pub.type(), "advertised address: " + pub);
            assertEquals(port, pub.port(), "the advertised candidate keeps the bound port: " + pub);
            assertEquals(1, pub.component(), "RTP component (rtcp-mux): " + pub);
            assertEquals("udp", pub.transport(), "advertised address: " + pub);
            assertEquals(2, candidates.size(), "nothing else is announced: " + candidates);
            assertTrue(host.get(0).priority() > pub.priority(),
                    "host outranks server-reflexive (RFC 8445 section 5.1.2.2): " + candidates);
        } finally {
            t.close();
        }
    }

    @Test
    void clientGivenOnlyTheBoundAddressConnectsAndCarriesMedia() throws Exception {
        RecordingListener se = new RecordingListener();
        RecordingListener ce = new RecordingListener();
        MediaTransport st = se.listenTo(server.createTransport("advertised-connect"));
        IceDtlsTransport ct = ce.hearCloseOf(client.createTransport("client-advertised-connect", ce));
        try {
            List<IceCandidate> loopbackOnly = st.localCandidates().stream()
                    .filter(c -> c.address().equals("127.0.0.1")).toList();
            assertEquals(1, loopbackOnly.size(), "the bound candidate: " + st.localCandidates());
            assertTrue(st.localCandidates().stream().anyMatch(c -> c.address().equals(PUBLIC)),
                    "the server does advertise " + PUBLIC + ": " + st.localCandidates());
            st.setRemote(new RemoteParameters(ct.localIceUfrag(), ct.localIcePwd(), List.of(client.fingerprint()),
                    DtlsSetup.ACTPASS, ct.localCandidates()));
            ct.setRemote(new RemoteParameters(st.localIceUfrag(), st.localIcePwd(), List.of(st.localFingerprint()),
                    st.localSetup(DtlsSetup.ACTPASS), loopbackOnly));
            assertTrue(se.awaitConnected(5_000), "server connected: " + se.closeReason + " " + se.closeDetail);
            assertTrue(ce.awaitConnected(5_000), "client connected: " + ce.closeReason + " " + ce.closeDetail);
            assertTrue(TransportTestSupport.sendUntilReceived(ct, se, 0x1111L, 1), "client to server RTP");
            assertTrue(TransportTestSupport.sendUntilReceived(st, ce, 0x2222L, 100), "server to client RTP");
        } finally {
            ct.close();
            st.close();
        }
    }
}
