package dev.sfu.core.transport;

import dev.sfu.rtp.srtp.SrtpError;

/** Why a transport dropped a datagram; each transport counts drops per reason. */
public enum DropReason {
    /** DTLS or SRTP from an address that ICE has not validated (RFC 8445 section 7.2.5.3.1). */
    UNVALIDATED_SOURCE,
    /** The bounded ingress queue (or the DTLS record queue) was full; the oldest packet went. */
    QUEUE_FULL,
    /** RTP that waited in the ingress queue longer than a receiver can use (an overloaded host). */
    STALE,
    /** SRTP/SRTCP authentication failed (forged or damaged). */
    SRTP_AUTH_FAILED,
    /** SRTP/SRTCP replay protection refused the packet (RFC 3711 section 3.3.2). */
    REPLAY,
    /** Not a packet of a known kind (RFC 7983 first byte), truncated, or otherwise malformed. */
    MALFORMED,
    /** Media arrived or was to be sent before DTLS keyed SRTP, or after close. */
    NOT_CONNECTED,
    /**
     * Decrypted media arrived before a listener was bound to the transport
     * ({@link MediaTransport#bind}); the server binds before ICE starts, so this stays 0.
     */
    NOT_BOUND,
    /** Encryption of an outgoing packet failed (no tail room, too many SSRCs, cipher failure). */
    ENCRYPT_FAILED,
    /** The socket refused an outgoing datagram. */
    SEND_FAILED,
    /**
     * At the shared media port: a datagram from an address no ICE agent knows that is not a
     * STUN Binding Request for a known ufrag (RFC 8445 section 7.2.2), so no transport gets it.
     */
    UNKNOWN_SOURCE;

    /** The reason to count for a negative {@link SrtpError} code from decryption. */
    static DropReason ofSrtpError(int code) {
        SrtpError e = SrtpError.fromCode(code);
        if (e == null) {
            return MALFORMED;
        }
        return switch (e) {
            case AUTH_FAILED, CRYPTO_FAILURE -> SRTP_AUTH_FAILED;
            case REPLAY -> REPLAY;
            case CLOSED -> NOT_CONNECTED;
            default -> MALFORMED;
        };
    }
}
