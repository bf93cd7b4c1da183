package dev.sfu.core.transport;

import dev.sfu.rtp.srtp.SrtpProfile;

/**
 * Events of one {@link MediaTransport}. All calls for one transport are made from that
 * transport's serial executor, never concurrently. Buffers passed to {@link #onRtp} and
 * {@link #onRtcp} are lent for the duration of the call only: copy what must be kept.
 */
public interface TransportListener {
    /** ICE and DTLS completed and SRTP is keyed; media may now be sent. */
    void onConnected(MediaTransport transport, SrtpProfile profile);

    /** One decrypted RTP packet. */
    void onRtp(MediaTransport transport, byte[] buf, int off, int len);

    /** One decrypted (possibly compound) RTCP packet. */
    void onRtcp(MediaTransport transport, byte[] buf, int off, int len);

    /**
     * The transport ended: ICE failure, consent expiry (RFC 7675), DTLS failure, fingerprint
     * mismatch, close_notify from the peer, or a local close. Called once.
     */
    void onClosed(MediaTransport transport, CloseReason reason, String detail);
}
