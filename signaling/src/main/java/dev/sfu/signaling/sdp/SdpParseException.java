package dev.sfu.signaling.sdp;

/** An SDP text that cannot be used; the message is a sentence meant for the client's developer. */
public final class SdpParseException extends Exception {
    public SdpParseException(String message) {
        super(message);
    }
}
