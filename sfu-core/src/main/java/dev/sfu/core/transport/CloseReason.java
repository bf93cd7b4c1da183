package dev.sfu.core.transport;

/** Why a {@link MediaTransport} ended. */
public enum CloseReason {
    LOCAL_CLOSE,
    ICE_FAILED,
    CONSENT_EXPIRED,
    DTLS_FAILED,
    DTLS_TIMEOUT,
    FINGERPRINT_MISMATCH,
    PEER_CLOSED
}
