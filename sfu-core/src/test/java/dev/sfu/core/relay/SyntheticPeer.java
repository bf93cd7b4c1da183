package dev.sfu.core.relay;

import dev.sfu.core.room.Participant;
import dev.sfu.core.room.RoomManager;
import dev.sfu.core.room.RoomFullException;
import dev.sfu.core.transport.DtlsSetup;
import dev.sfu.core.transport.IceDtlsTransport;
import dev.sfu.core.transport.MediaTransport;
import dev.sfu.core.transport.RemoteParameters;
import dev.sfu.core.transport.TransportClient;
import dev.sfu.core.transport.TransportListener;
import dev.sfu.core.transport.TransportServer;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.rtcp.NackPacket;
import dev.sfu.rtp.rtcp.PliPacket;
import dev.sfu.rtp.rtcp.RtcpCompoundIterator;
import dev.sfu.rtp.rtcp.RtcpFeedback;
import dev.sfu.rtp.rtcp.RtcpHeader;
import dev.sfu.rtp.rtcp.SenderReport;
import dev.sfu.rtp.srtp.SrtpProfile;
import dev.sfu.rtp.srtp.SrtpSession;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Java participant over real ICE, DTLS and SRTP (the client role) joined to one node's room:
 * it counts the RTP it receives per SSRC (and the last sequence number), the PLIs it receives per
 * media SSRC, and sends RTP, NACKs and PLIs.
 */
final class SyntheticPeer implements TransportListener {
    final CountDownLatch connected = new CountDownLatch(1);
    final Map<Long, AtomicInteger> received = new ConcurrentHashMap<>();
    final Map<Long, Integer> lastSeq = new ConcurrentHashMap<>();
    final Map<Long, AtomicInteger> plis = new ConcurrentHashMap<>();
    final Map<Long, AtomicInteger> senderReports = new ConcurrentHashMap<>();
    private final RtcpCompoundIterator compound = new RtcpCompoundIterator();
    private final PliPacket pli = new PliPacket();
    volatile IceDtlsTransport transport;
    Participant participant;

    /** Joins {@code roomId} on the node of {@code rooms} and {@code server}, and connects (waits for DTLS). */
    static SyntheticPeer join(RoomManager rooms, TransportServer server, TransportClient client, String roomId,
                              String id) throws RoomFullException, InterruptedException {
        SyntheticPeer peer = new SyntheticPeer();
        Participant p = rooms.join(roomId, id, "name-" + id, server::createTransport);
        IceDtlsTransport c = client.createTransport("peer-" + id, peer);
        MediaTransport st = p.transport();
        st.setRemote(new RemoteParameters(c.localIceUfrag(), c.localIcePwd(), List.of(client.fingerprint()),
                DtlsSetup.ACTPASS, c.localCandidates()));
        DtlsSetup answer = st.localSetup(DtlsSetup.ACTPASS);
        c.setRemote(new RemoteParameters(st.localIceUfrag(), st.localIcePwd(), List.of(st.localFingerprint()),
                answer, st.localCandidates()));
        peer.transport = c;
        peer.participant = p;
        if (!peer.connected.await(15, TimeUnit.SECONDS)) {
            throw new AssertionError(id + " did not connect");
        }
        return peer;
    }

    @Override
    public void onConnected(SrtpProfile profile) {
        connected.countDown();
    }

    @Override
    public void onRtp(byte[] buf, int off, int len) {
        long ssrc = Integer.toUnsignedLong(RtpPacket.ssrc(buf, off));
        received.computeIfAbsent(ssrc, s -> new AtomicInteger()).incrementAndGet();
        lastSeq.put(ssrc, RtpPacket.sequenceNumber(buf, off));
    }

    @Override
    public void onRtcp(byte[] buf, int off, int len) {
        if (!compound.reset(buf, off, len)) {
            return;
        }
        while (compound.next()) {
            if (compound.packetType() == RtcpHeader.PT_SR) {
                int at = compound.packetOffset() + 4;
                long sender = ((buf[at] & 0xFFL) << 24) | ((buf[at + 1] & 0xFFL) << 16) | ((buf[at + 2] & 0xFFL) << 8)
                        | (buf[at + 3] & 0xFFL);
                senderReports.computeIfAbsent(sender, s -> new AtomicInteger()).incrementAndGet();
            }
            if (compound.packetType() == RtcpHeader.PT_PSFB && compound.count() == RtcpFeedback.FMT_PLI
                    && pli.wrap(buf, compound.packetOffset(), compound.packetLength())) {
                plis.computeIfAbsent(pli.mediaSsrc(), s -> new AtomicInteger()).incrementAndGet();
            }
        }
    }

    int received(long ssrc) {
        AtomicInteger n = received.get(ssrc);
        return n == null ? 0 : n.get();
    }

    int plis(long mediaSsrc) {
        AtomicInteger n = plis.get(mediaSsrc);
        return n == null ? 0 : n.get();
    }

    /** Sends one RTP packet (copied into a buffer with SRTP tail room). */
    boolean send(byte[] packet) {
        byte[] b = new byte[packet.length + SrtpSession.MAX_RTP_TRAILER];
        System.arraycopy(packet, 0, b, 0, packet.length);
        return transport.sendRtp(b, 0, packet.length);
    }

    int senderReports(long ssrc) {
        AtomicInteger n = senderReports.get(ssrc);
        return n == null ? 0 : n.get();
    }

    /** A sender report (RFC 3550 section 6.4.1) for {@code ssrc}. */
    void sendSenderReport(long ssrc, long ntp, long rtpTimestamp, long packets, long octets) {
        byte[] b = new byte[64 + SrtpSession.MAX_RTCP_TRAILER];
        int n = SenderReport.write(b, 0, 64, ssrc, ntp, rtpTimestamp, packets, octets, 0);
        transport.sendRtcp(b, 0, n);
    }

    void sendNack(long mediaSsrc, int seq) {
        sendNack(transport, mediaSsrc, seq);
    }

    static void sendNack(MediaTransport t, long mediaSsrc, int seq) {
        byte[] b = new byte[64 + SrtpSession.MAX_RTCP_TRAILER];
        int n = NackPacket.write(b, 0, 64, 0x5EED, mediaSsrc, new int[] {seq}, 0, 1);
        t.sendRtcp(b, 0, n);
    }

    void sendPli(long mediaSsrc) {
        byte[] b = new byte[64 + SrtpSession.MAX_RTCP_TRAILER];
        int n = PliPacket.write(b, 0, 64, 0x5EED, mediaSsrc);
        transport.sendRtcp(b, 0, n);
    }

    void close() {
        transport.close();
    }
}
