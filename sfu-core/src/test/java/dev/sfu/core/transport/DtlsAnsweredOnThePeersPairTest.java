package dev.sfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.util.Buffer;
import org.junit.jupiter.api.Test;

/**
 * The first-participant stall: Chromium validates two pairs (its loopback and its non-loopback
 * socket), ice4j selects the first one nominated, and Chromium runs DTLS on the other one and may
 * stop listening on the first. A server that answered the ClientHello on its selected pair sent
 * every flight where nobody read it, and the handshake timed out with no drop counted. DTLS must be
 * answered on the ICE-validated pair it arrived on (RFC 8445 section 12.1: any valid pair may
 * carry data).
 *
 * <p>The ICE agent is scripted here (two validated pairs, the "wrong" one selected), so the test
 * does not depend on which pair a real agent happens to pick.
 */
class DtlsAnsweredOnThePeersPairTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aClientHelloOnAValidatedPairOtherThanTheSelectedOneIsAnsweredOnThatPair() throws Exception {
        DtlsIdentity serverIdentity = DtlsIdentity.generate();
        DtlsIdentity peerIdentity = DtlsIdentity.generate();
        TransportRuntime rt = new TransportRuntime(TransportConfig.loopbackEphemeral()
                .withDtlsHandshakeTimeout(java.time.Duration.ofSeconds(8)), serverIdentity, "pair-test");
        ScriptedIce ice = new ScriptedIce();
        RecordingListener events = new RecordingListener();
        try (DatagramSocket serverSocket = new DatagramSocket(0, LOOPBACK);
             DatagramSocket selectedPair = new DatagramSocket(0, LOOPBACK);
             DatagramSocket dtlsPair = new DatagramSocket(0, LOOPBACK)) {
            IceDtlsTransport t = events.listenTo(IceDtlsTransport.create("pair", rt, true, e -> {
                ice.events = e;
                return ice;
            }));
            try {
                t.setRemote(new RemoteParameters("peerufrag", "peerpassword0123456789", List.of(peerIdentity.fingerprint()),
                        DtlsSetup.ACTPASS, List.of()));
                IceUdpSocketWrapper local = new IceUdpSocketWrapper(serverSocket);
                IceLink.Route selected = ice.route(local, (InetSocketAddress) selectedPair.getLocalSocketAddress());
                IceLink.Route other = ice.route(local, (InetSocketAddress) dtlsPair.getLocalSocketAddress());
                ice.events.icePairValidated(selected);
                ice.events.icePairValidated(other);
                ice.events.iceSelected(selected);

                DtlsSrtpPeer.Events peerEvents = new DtlsSrtpPeer.Events() {
                    @Override
                    public List<Fingerprint> remoteFingerprints() {
                        return List.of(serverIdentity.fingerprint());
                    }

                    @Override
                    public void fingerprintMismatch(String detail) {
                    }

                    @Override
                    public void keysExported(dev.sfu.rtp.srtp.SrtpProfile profile, byte[] keyingMaterial) {
                    }

                    @Override
                    public void closeNotifyReceived() {
                    }
                };
                DTLSTransport peer = new DTLSClientProtocol().connect(new DtlsSrtpClient(peerIdentity, peerEvents, 6_000,
                        DtlsSrtpPeer.dtlsIds(rt.config.srtpProfiles())), new PeerPipe(dtlsPair, ice));
                assertTrue(events.awaitConnected(5_000), "the server side completed too");
                assertEquals(dtlsPair.getLocalSocketAddress(), t.selectedRemoteAddress(),
                        "media now goes where the peer speaks from");
                selectedPair.setSoTimeout(200);
                assertThrows(SocketTimeoutException.class,
                        () -> selectedPair.receive(new DatagramPacket(new byte[2048], 2048)),
                        "nothing was sent on the pair the peer does not use");
                assertEquals(0L, t.drops().get(DropReason.UNVALIDATED_SOURCE));
                peer.close();
            } finally {
                t.close();
            }
        } finally {
            rt.shutdown();
        }
    }

    /** An ICE agent whose validated and selected pairs the test announces itself. */
    static final class ScriptedIce implements IceChannel {
        volatile IceLink.Events events;
        final Map<InetSocketAddress, IceLink.Route> routes = new ConcurrentHashMap<>();

        IceLink.Route route(IceUdpSocketWrapper local, InetSocketAddress remote) {
            IceLink.Route r = new IceLink.Route(local, remote);
            routes.put(remote, r);
            return r;
        }

        @Override
        public String localUfrag() {
            return "serverufrag";
        }

        @Override
        public String localPassword() {
            return "serverpassword0123456789";
        }

        @Override
        public List<IceCandidate> localCandidates() {
            return List.of();
        }

        @Override
        public void setRemote(String ufrag, String password, List<IceCandidate> candidates) {
        }

        @Override
        public void addRemoteCandidate(IceCandidate candidate) {
        }

        @Override
        public IceLink.Route validatedRoute(InetSocketAddress remote) {
            return routes.get(remote);
        }

        @Override
        public void close() {
        }
    }

    /**
     * The peer's DTLS on its own socket: what it sends reaches the transport as ice4j would hand
     * it over (a pooled buffer from that socket's address); it reads what the server sends there.
     */
    private record PeerPipe(DatagramSocket socket, ScriptedIce ice) implements DatagramTransport {
        @Override
        public int getReceiveLimit() {
            return 1500;
        }

        @Override
        public int getSendLimit() {
            return 1200;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            socket.setSoTimeout(Math.max(1, waitMillis));
            DatagramPacket p = new DatagramPacket(buf, off, len);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return -1;
            } catch (InterruptedIOException e) {
                throw e;
            }
            return p.getLength();
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            Buffer b = PacketPool.acquire(len);
            System.arraycopy(buf, off, b.getBuffer(), 0, len);
            b.setOffset(0);
            b.setLength(len);
            b.setRemoteAddress(socket.getLocalSocketAddress());
            ice.events.iceIngress(b);
        }

        @Override
        public void close() {
        }
    }
}
