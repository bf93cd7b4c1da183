package dev.sfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A browser's offer carries no candidates (they are trickled after it, or are mDNS names the
 * server cannot resolve), so the server must connect from the peer's checks alone: RFC 8445
 * section 7.3.1.3 (peer-reflexive candidates), and with candidates that arrive after ICE started
 * (RFC 8838 trickle ICE).
 */
class PeerReflexiveAndTrickleTest {
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

    private static TransportTestSupport.Pair wireWithoutCandidatesForTheServer(String id) {
        RecordingListener se = new RecordingListener();
        RecordingListener ce = new RecordingListener();
        MediaTransport st = se.listenTo(server.createTransport(id));
        IceDtlsTransport ct = ce.hearCloseOf(client.createTransport("client-" + id, ce));
        st.setRemote(new RemoteParameters(ct.localIceUfrag(), ct.localIcePwd(), List.of(client.fingerprint()),
                DtlsSetup.ACTPASS, List.of()));
        ct.setRemote(new RemoteParameters(st.localIceUfrag(), st.localIcePwd(), List.of(st.localFingerprint()),
                st.localSetup(DtlsSetup.ACTPASS), st.localCandidates()));
        return new TransportTestSupport.Pair(st, se, ct, ce);
    }

    @Test
    void connectsFromPeerReflexiveChecksAloneWithinTwoSeconds() throws Exception {
        TransportTestSupport.Pair p = wireWithoutCandidatesForTheServer("prflx");
        try {
            assertTrue(p.serverEvents().awaitConnected(2_000), "server connected: " + p.serverEvents().closeReason);
            assertTrue(p.clientEvents().awaitConnected(2_000), "client connected");
        } finally {
            p.client().close();
            p.server().close();
        }
    }

    @Test
    void connectsWithACandidateTrickledAfterIceStartedWithinTwoSeconds() throws Exception {
        TransportTestSupport.Pair p = wireWithoutCandidatesForTheServer("trickle");
        try {
            for (IceCandidate c : p.client().localCandidates()) {
                p.server().addRemoteCandidate(c);
            }
            assertTrue(p.serverEvents().awaitConnected(2_000), "server connected: " + p.serverEvents().closeReason);
            assertTrue(p.clientEvents().awaitConnected(2_000), "client connected");
        } finally {
            p.client().close();
            p.server().close();
        }
    }
}
