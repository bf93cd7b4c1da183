package dev.sfu.signaling.message;

/** The codes of {@link Message.Error} messages; see docs/signaling.md for when each is sent. */
public enum ErrorCode {
    /** The frame is not a JSON object, or has duplicate keys. */
    BAD_JSON,
    /** {@code type} is missing or not a known message type. */
    UNKNOWN_TYPE,
    /** A required field is missing or has a bad value. */
    INVALID_FIELD,
    /** A message other than join/ping before join. */
    NOT_JOINED,
    /** A second join on the same connection. */
    ALREADY_JOINED,
    /** The SDP could not be parsed or offers nothing usable. */
    BAD_SDP,
    /** An offer while the server's own offer awaits an answer (glare; the client rolls back). */
    NEGOTIATION_IN_PROGRESS,
    /** An answer when the server has no offer pending. */
    NO_PENDING_OFFER,
    /** The room has reached its configured size. */
    ROOM_FULL,
    /**
     * The server is draining (shutting down): it refuses new joins while calls in progress go on.
     * Reconnect to another server, or later.
     */
    DRAINING,
    /** The frame is over 64 KiB; the server closes the connection after this error. */
    FRAME_TOO_LARGE,
    /** A binary frame; the protocol is JSON text frames only. */
    UNSUPPORTED_FRAME,
    /**
     * The media transport ended (ICE failure, consent expiry, DTLS failure); the participant has
     * left the room and the server closes the connection after this error. Join again.
     */
    TRANSPORT_CLOSED,
    /**
     * The server needs a join token and the one sent is missing, malformed, badly signed, signed
     * with an algorithm its key does not allow, not valid yet, from an issuer not accepted, or for
     * another room. The connection stays open; join again with a good token.
     */
    UNAUTHORIZED,
    /** The join token has expired (beyond the clock leeway); get a new one. */
    TOKEN_EXPIRED,
    /** An offer that sends media from a receive-only session (its token has {@code canPublish: false}). */
    PUBLISH_NOT_ALLOWED,
    /**
     * Over a rate limit (messages per connection, joins per room); the error carries
     * {@code retryAfterMs}. A connection that goes on sending while limited is closed (1008).
     */
    RATE_LIMITED,
    /**
     * A {@code resume} whose token is unknown, already used, issued for another participant, or
     * whose participant has left (the grace period ended, or its media connection ended). Join again.
     */
    RESUME_FAILED,
    /** Chat messages sent faster than the per-connection limit; the message says how long to wait. */
    CHAT_RATE_LIMITED,
    /**
     * Cluster mode: the cluster's directory (Redis) cannot be reached, so this node cannot tell
     * where a new room lives; calls in progress go on. The error carries {@code retryAfterMs}.
     */
    CLUSTER_UNAVAILABLE,
    /** A server bug; the message says what failed. */
    INTERNAL
}
