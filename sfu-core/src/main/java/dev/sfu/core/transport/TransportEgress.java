package dev.sfu.core.transport;

import dev.sfu.rtp.srtp.SrtpError;
import dev.sfu.rtp.srtp.SrtpSession;
import java.io.IOException;

/**
 * The sending half of one {@link IceDtlsTransport}: SRTP and SRTCP encrypted in place and sent,
 * and DTLS records sent, on the peer's current route ({@link PeerRoutes#sendRoute()}) from the
 * caller's thread. Each kind has its own small lock, which guards its encrypt context and its
 * reused {@link IceLink.Outbox} (uncontended when one thread sends to a given peer). The sending
 * thread's {@link SendContext} goes down with each datagram, so a media thread's sends join its
 * batch. Failures are counted, never thrown.
 */
final class TransportEgress {
    private final PeerRoutes routes;
    private final DropCounters drops;
    private final Object rtpLock = new Object();
    private final Object rtcpLock = new Object();
    private final Object dtlsLock = new Object();
    private final IceLink.Outbox rtpOut = new IceLink.Outbox();
    private final IceLink.Outbox rtcpOut = new IceLink.Outbox();
    private final IceLink.Outbox dtlsOut = new IceLink.Outbox();

    TransportEgress(PeerRoutes routes, DropCounters drops) {
        this.routes = routes;
        this.drops = drops;
    }

    /** Encrypts an RTP packet in place with {@code s} (null: not connected) and sends it. */
    boolean sendRtp(SrtpSession s, byte[] buf, int off, int len) {
        if (s == null) {
            drops.increment(DropReason.NOT_CONNECTED);
            return false;
        }
        synchronized (rtpLock) {
            int n = s.encryptRtp(buf, off, len);
            if (n < 0) {
                drops.increment(n == SrtpError.CLOSED.code() ? DropReason.NOT_CONNECTED : DropReason.ENCRYPT_FAILED);
                return false;
            }
            return sendOn(rtpOut, buf, off, n);
        }
    }

    /** Encrypts an RTCP compound packet in place with {@code s} (null: not connected) and sends it. */
    boolean sendRtcp(SrtpSession s, byte[] buf, int off, int len) {
        if (s == null) {
            drops.increment(DropReason.NOT_CONNECTED);
            return false;
        }
        synchronized (rtcpLock) {
            int n = s.encryptRtcp(buf, off, len);
            if (n < 0) {
                drops.increment(n == SrtpError.CLOSED.code() ? DropReason.NOT_CONNECTED : DropReason.ENCRYPT_FAILED);
                return false;
            }
            return sendOn(rtcpOut, buf, off, n);
        }
    }

    /** Sends a datagram of DTLS records as it is. */
    boolean sendDtls(byte[] buf, int off, int len) {
        synchronized (dtlsLock) {
            return sendOn(dtlsOut, buf, off, len);
        }
    }

    /** Forgets a sending SSRC's SRTP and SRTCP contexts, under the locks that guard them. */
    void retireSendingSsrc(SrtpSession s, long ssrc) {
        if (s == null) {
            return;
        }
        synchronized (rtpLock) {
            s.forgetSendingSsrc(ssrc);
        }
        synchronized (rtcpLock) {
            s.forgetSendingRtcpSsrc(ssrc);
        }
    }

    /** Sends on the selected pair (or, before nomination, the validated pair DTLS came from). */
    private boolean sendOn(IceLink.Outbox box, byte[] buf, int off, int len) {
        IceLink.Route r = routes.sendRoute();
        if (r == null) {
            drops.increment(DropReason.NOT_CONNECTED);
            return false;
        }
        try {
            r.send(SendContext.current(), box, buf, off, len);
            return true;
        } catch (IOException | RuntimeException e) {
            drops.increment(DropReason.SEND_FAILED);
            return false;
        }
    }
}
