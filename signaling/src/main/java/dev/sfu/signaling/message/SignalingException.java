package dev.sfu.signaling.message;

/**
 * A rejected client message: the code and sentence the client receives in an error message, and
 * for a refusal that passes (CLUSTER_UNAVAILABLE, RATE_LIMITED) how long to wait before trying again.
 */
public final class SignalingException extends Exception {
    private final ErrorCode code;
    private final Long retryAfterMs;

    public SignalingException(ErrorCode code, String message) {
        this(code, message, null);
    }

    /** @param retryAfterMs how long the client should wait before trying again; null: not said */
    public SignalingException(ErrorCode code, String message, Long retryAfterMs) {
        super(message, null, false, false);
        this.code = code;
        this.retryAfterMs = retryAfterMs;
    }

    public ErrorCode code() {
        return code;
    }

    /** How long to wait before trying again, null when not said. */
    public Long retryAfterMs() {
        return retryAfterMs;
    }

    /** The error message to send back. */
    public Message.Error toMessage() {
        return new Message.Error(code.name(), getMessage(), retryAfterMs);
    }
}
