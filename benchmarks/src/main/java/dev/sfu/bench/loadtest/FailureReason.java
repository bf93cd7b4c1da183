package dev.sfu.bench.loadtest;

/** Why a synthetic participant stopped before the end of the run. */
public enum FailureReason {
    /** The WebSocket could not be opened (connection refused, timeout, bad URL). */
    SERVER_UNREACHABLE,
    /** The server answered join with ROOM_FULL. */
    ROOM_FULL,
    /** The server sent another error, or a message the participant could not use (bad SDP). */
    SIGNALING_ERROR,
    /** ICE or DTLS failed (or the fingerprint did not match) before media flowed. */
    ICE_DTLS_FAILED,
    /** Joined, but ICE + DTLS did not complete within the connect timeout. */
    CONNECT_TIMEOUT,
    /** The server closed the WebSocket or stopped answering (consent expired) during the run. */
    SERVER_STOPPED,
    /** An unexpected error in the load tester itself. */
    INTERNAL
}
