package dev.sfu.core.transport;

import dev.sfu.rtp.srtp.SrtpSession;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/** Wiring of a server transport and a client transport without SDP, and packet builders. */
final class TransportTestSupport {
    private TransportTestSupport() {
    }

    /** A connected-or-connecting pair. */
    record Pair(MediaTransport server, RecordingListener serverEvents, IceDtlsTransport client,
                RecordingListener clientEvents) {
    }

    /**
     * Creates both ends and exchanges parameters as an offer (client) / answer (server) would.
     *
     * @param clientSetup what the client "offers": ACTPASS (server becomes DTLS server) or PASSIVE
     * @param fingerprintSeenByServer the client fingerprint the server is told (a wrong one tests rejection)
     */
    static Pair wire(TransportServer server, TransportClient client, String id, DtlsSetup clientSetup,
                     Fingerprint fingerprintSeenByServer) {
        RecordingListener se = new RecordingListener();
        RecordingListener ce = new RecordingListener();
        MediaTransport st = se.listenTo(server.createTransport(id));
        IceDtlsTransport ct = ce.hearCloseOf(client.createTransport("client-" + id, ce));
        st.setRemote(new RemoteParameters(ct.localIceUfrag(), ct.localIcePwd(), List.of(fingerprintSeenByServer),
                clientSetup, ct.localCandidates()));
        DtlsSetup answer = st.localSetup(clientSetup);
        ct.setRemote(new RemoteParameters(st.localIceUfrag(), st.localIcePwd(), List.of(st.localFingerprint()),
                answer, st.localCandidates()));
        return new Pair(st, se, ct, ce);
    }

    static Pair wire(TransportServer server, TransportClient client, String id, DtlsSetup clientSetup) {
        return wire(server, client, id, clientSetup, client.fingerprint());
    }

    /** An RTP packet (RFC 3550 section 5.1) with PT 96 and a recognisable payload, plus SRTP tail room. */
    static byte[] rtp(int seq, long ssrc, int payloadLength) {
        ByteBuffer b = ByteBuffer.allocate(12 + payloadLength + SrtpSession.MAX_RTP_TRAILER);
        b.put((byte) 0x80).put((byte) 96).putShort((short) seq).putInt(seq * 960).putInt((int) ssrc);
        for (int i = 0; i < payloadLength; i++) {
            b.put((byte) (i + seq));
        }
        return b.array();
    }

    /** An RTCP receiver report with no blocks (RFC 3550 section 6.4.2), plus SRTCP tail room. */
    static byte[] rtcpReceiverReport(long ssrc) {
        ByteBuffer b = ByteBuffer.allocate(8 + SrtpSession.MAX_RTCP_TRAILER);
        b.put((byte) 0x80).put((byte) 201).putShort((short) 1).putInt((int) ssrc);
        return b.array();
    }

    /**
     * Sends fresh RTP packets every 200 ms until one arrives (UDP may lose any single datagram on
     * a loaded machine); returns true when the received bytes equal one of those sent.
     */
    static boolean sendUntilReceived(MediaTransport from, RecordingListener to, long ssrc, int firstSeq)
            throws InterruptedException {
        java.util.List<byte[]> sent = new java.util.ArrayList<>();
        for (int attempt = 0; attempt < 25; attempt++) {
            byte[] p = rtp(firstSeq + attempt, ssrc, 120);
            sent.add(plain(p, 132));
            from.sendRtp(p, 0, 132);
            byte[] got = to.rtp.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (got != null) {
                for (byte[] s : sent) {
                    if (Arrays.equals(s, got)) {
                        return true;
                    }
                }
                return false;
            }
        }
        return false;
    }

    /**
     * Polls {@code condition} every 10 ms until it holds or {@code seconds} passed; returns its
     * last value. For waiting on what another thread does, instead of sleeping and hoping.
     */
    static boolean waitFor(java.util.function.BooleanSupplier condition, double seconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    static byte[] plain(byte[] packetWithTail, int len) {
        return Arrays.copyOf(packetWithTail, len);
    }
}
