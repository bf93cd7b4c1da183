package dev.sfu.core.transport;

import dev.sfu.rtp.srtp.SrtpProfile;

/**
 * Where one {@link MediaTransport} delivers its decrypted media, bound once with
 * {@link MediaTransport#bind}. On the server this is the participant's
 * {@code MediaEndpoint} itself, so a packet goes from decryption to forwarding in one call. All
 * calls for one transport are made from that transport's serial executor, never concurrently.
 * Buffers passed to {@link #onRtp} and {@link #onRtcp} are lent for the duration of the call
 * only: copy what must be kept. The end of a transport is not reported here but to its close
 * handlers ({@link MediaTransport#addCloseHandler}).
 */
public interface TransportListener {
    /**
     * ICE and DTLS completed and SRTP is keyed; media may now be sent. Called once, before the
     * first {@link #onRtp}; when bound after that moment, soon after binding.
     */
    default void onConnected(SrtpProfile profile) {
    }

    /**
     * The path changed: an ICE restart selected a new candidate pair (a network change, RFC 8445
     * section 9). What was learned about the old path (a bandwidth estimate, its loss) no longer
     * holds. SRTP and the session go on.
     */
    default void onRouteChanged() {
    }

    /** One decrypted RTP packet. */
    void onRtp(byte[] buf, int off, int len);

    /** One decrypted (possibly compound) RTCP packet. */
    void onRtcp(byte[] buf, int off, int len);
}
