package dev.sfu.signaling.message;

/** A rejected client message: the code and sentence the client receives in an error message. */
public final class SignalingException extends Exception {
    private final ErrorCode code;

    public SignalingException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** The error message to send back. */
    public Message.Error toMessage() {
        return new Message.Error(code.name(), getMessage());
    }
}
