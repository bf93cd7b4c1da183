package dev.sfu.core.transport;

import static dev.sfu.core.transport.TransportTestSupport.plain;
import static dev.sfu.core.transport.TransportTestSupport.rtcpReceiverReport;
import static dev.sfu.core.transport.TransportTestSupport.rtp;
import static dev.sfu.core.transport.TransportTestSupport.waitFor;
import static dev.sfu.core.transport.TransportTestSupport.wire;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.rtp.srtp.SrtpProfile;
import dev.sfu.rtp.srtp.SrtpSession;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Java client against the server over real UDP sockets on 127.0.0.1: ICE (RFC 8445), DTLS in both
 * roles (RFC 5763 section 5: setup:passive answers actpass), SRTP/SRTCP both ways (RFC 5764), and
 * the DTLS close_notify ending the peer's transport.
 */
class DtlsSrtpTransportTest {
    static TransportServer server;
    static TransportClient client;
    static TransportClient cmOnlyClient;

    /** Receive buffers outstanding before this class: what it took must all come back. */
    private static long poolBaseline;

    @BeforeAll
    static void start() throws Exception {
        poolBaseline = PacketPool.outstanding();
        server = TransportServer.start(TransportConfig.loopbackEphemeral());
        client = TransportClient.start(TransportConfig.loopbackEphemeral());
        cmOnlyClient = TransportClient.start(TransportConfig.loopbackEphemeral()
                .withSrtpProfiles(List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80)));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        client.close();
        cmOnlyClient.close();
        server.close();
        // Every receive buffer that ICE, DTLS and SRTP handled went back to the pool.
        assertTrue(waitFor(() -> PacketPool.outstanding() <= poolBaseline, 5),
                "receive buffers leaked: " + (PacketPool.outstanding() - poolBaseline) + " outstanding");
        assertEquals(0, PacketPool.doubleReleases(), "receive buffers given back twice");
        System.out.println("receive buffers: " + poolBaseline + " outstanding before, " + PacketPool.outstanding() + " after");
    }

    @ParameterizedTest(name = "client offers {0}, client profiles {1}")
    @CsvSource({
        "ACTPASS, GCM_AND_CM, AEAD_AES_128_GCM",
        "PASSIVE, GCM_AND_CM, AEAD_AES_128_GCM",
        "ACTPASS, CM_ONLY, AES_CM_128_HMAC_SHA1_80",
        "PASSIVE, CM_ONLY, AES_CM_128_HMAC_SHA1_80",
    })
    void srtpAndSrtcpFlowBothWaysInEachDtlsRoleAndProfile(DtlsSetup clientSetup, String profiles,
                                                         SrtpProfile expected) throws Exception {
        TransportClient c = profiles.equals("CM_ONLY") ? cmOnlyClient : client;
        TransportTestSupport.Pair p = wire(server, c, "flow-" + clientSetup + "-" + profiles, clientSetup);
        try {
            assertTrue(p.serverEvents().awaitConnected(10_000), "server connected");
            assertTrue(p.clientEvents().awaitConnected(10_000), "client connected");
            IceDtlsTransport st = (IceDtlsTransport) p.server();
            // actpass is answered with passive: the server is DTLS server; a passive client makes it DTLS client.
            assertEquals(clientSetup == DtlsSetup.PASSIVE, st.isDtlsClient());
            assertEquals(clientSetup != DtlsSetup.PASSIVE, p.client().isDtlsClient());
            assertEquals(expected, p.serverEvents().profile);
            assertEquals(expected, p.clientEvents().profile);
            assertNotNull(st.selectedRemoteAddress());

            for (int seq = 1; seq <= 5; seq++) {
                byte[] up = rtp(seq, 0x1111, 160);
                byte[] upPlain = plain(up, 172);
                assertTrue(p.client().sendRtp(up, 0, 172));
                assertArrayEquals(upPlain, p.serverEvents().rtp.poll(5, TimeUnit.SECONDS), "client->server RTP " + seq);

                byte[] down = rtp(seq, 0x2222, 900);
                byte[] downPlain = plain(down, 912);
                assertTrue(p.server().sendRtp(down, 0, 912));
                assertArrayEquals(downPlain, p.clientEvents().rtp.poll(5, TimeUnit.SECONDS), "server->client RTP " + seq);
            }
            byte[] rr = rtcpReceiverReport(0x1111);
            byte[] rrPlain = plain(rr, 8);
            assertTrue(p.client().sendRtcp(rr, 0, 8));
            assertArrayEquals(rrPlain, p.serverEvents().rtcp.poll(5, TimeUnit.SECONDS), "client->server RTCP");
            byte[] rr2 = rtcpReceiverReport(0x2222);
            byte[] rr2Plain = plain(rr2, 8);
            assertTrue(p.server().sendRtcp(rr2, 0, 8));
            assertArrayEquals(rr2Plain, p.clientEvents().rtcp.poll(5, TimeUnit.SECONDS), "server->client RTCP");
            assertEquals(0, p.server().dropCounts().get(DropReason.SRTP_AUTH_FAILED));
        } finally {
            p.client().close();
            p.server().close();
        }
    }

    @Test
    void aClientReceivesTheStreamsOfALargeRoomWhileTheServerBoundsItsPeersSsrcs() throws Exception {
        // A load-test subscriber in a 40-publisher room gets about 120 SSRCs; the server side keeps
        // the small bound against a publisher's forged SSRCs.
        TransportTestSupport.Pair p = wire(server, client, "large-room", DtlsSetup.ACTPASS);
        try {
            assertTrue(p.serverEvents().awaitConnected(10_000));
            assertTrue(p.clientEvents().awaitConnected(10_000));
            for (int ssrc = 1; ssrc <= 150; ssrc++) {
                assertTrue(TransportTestSupport.sendUntilReceived(p.server(), p.clientEvents(), 0x10000 + ssrc, ssrc),
                        "stream " + ssrc + " reached the client");
            }
            IceDtlsTransport st = (IceDtlsTransport) p.server();
            long dropsBefore = st.drops().total();
            for (int ssrc = 1; ssrc <= 150; ssrc++) {
                byte[] up = rtp(ssrc, 0x20000 + ssrc, 40);
                p.client().sendRtp(up, 0, 52);
            }
            // Every packet is either delivered or dropped and counted (a refused SSRC as MALFORMED).
            boolean accounted = waitFor(() -> p.serverEvents().rtp.size() + st.drops().total() - dropsBefore >= 150, 10);
            assertEquals(SrtpSession.DEFAULT_MAX_SSRCS, p.serverEvents().rtp.stream()
                    .map(b -> java.nio.ByteBuffer.wrap(b).getInt(8)).distinct().count(),
                    "the server accepts the first 64 SSRCs of one peer and refuses the rest (all 150 accounted for: "
                            + accounted + ", drops " + st.drops() + ")");
        } finally {
            p.client().close();
        }
    }

    @Test
    void closeNotifyFromThePeerClosesWithPeerClosed() throws Exception {
        TransportTestSupport.Pair p = wire(server, client, "close-notify", DtlsSetup.ACTPASS);
        assertTrue(p.serverEvents().awaitConnected(10_000));
        assertTrue(p.clientEvents().awaitConnected(10_000));
        p.client().close();
        assertTrue(p.clientEvents().awaitClosed(5_000));
        assertEquals(CloseReason.LOCAL_CLOSE, p.clientEvents().closeReason);
        assertTrue(p.serverEvents().awaitClosed(5_000), "server saw the close");
        assertEquals(CloseReason.PEER_CLOSED, p.serverEvents().closeReason);
        assertFalse(p.server().isConnected());
        assertEquals(null, server.transport("close-notify"));
    }

    @Test
    void fingerprintMismatchFailsTheTransportAndNoMediaFlows() throws Exception {
        Fingerprint wrong = DtlsIdentity.fingerprintOf(new byte[] {1, 2, 3}, "sha-256");
        TransportTestSupport.Pair p = wire(server, client, "mismatch", DtlsSetup.ACTPASS, wrong);
        try {
            assertTrue(p.serverEvents().awaitClosed(10_000), "server closed");
            assertEquals(CloseReason.FINGERPRINT_MISMATCH, p.serverEvents().closeReason);
            assertEquals(1, p.serverEvents().connected.getCount(), "server never connected");
            assertTrue(p.clientEvents().awaitClosed(10_000), "client closed too");
            assertFalse(p.client().isConnected());
            byte[] up = rtp(1, 0x1111, 100);
            assertFalse(p.client().sendRtp(up, 0, 112), "nothing to send with");
            assertTrue(p.serverEvents().rtp.isEmpty());
        } finally {
            p.client().close();
        }
    }

    @Test
    void fingerprintMismatchIsAlsoDetectedByTheServerAsDtlsClient() throws Exception {
        Fingerprint wrong = DtlsIdentity.fingerprintOf(new byte[] {9}, "sha-1");
        TransportTestSupport.Pair p = wire(server, client, "mismatch-client-role", DtlsSetup.PASSIVE, wrong);
        try {
            assertTrue(p.serverEvents().awaitClosed(10_000), "server closed");
            assertEquals(CloseReason.FINGERPRINT_MISMATCH, p.serverEvents().closeReason);
            assertTrue(p.serverEvents().rtp.isEmpty());
        } finally {
            p.client().close();
        }
    }
}
