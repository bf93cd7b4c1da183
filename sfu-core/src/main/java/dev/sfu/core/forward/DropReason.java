package dev.sfu.core.forward;

/** Why the forwarding path dropped a packet; each reason has its own counter. */
public enum DropReason {
    /** Not a well-formed RTP or RTCP packet, or a malformed header extension block. */
    MALFORMED,
    /** Larger than a pooled buffer can hold with its tail room. */
    TOO_LARGE,
    /** An SSRC that matches no published track, even by mid or payload type. */
    UNKNOWN_SSRC,
    /** The subscriber's receive m-line is not negotiated yet (DownTrack not active). */
    NOT_SUBSCRIBED,
    /** Video held back until the subscriber has a keyframe to start decoding from. */
    NO_KEYFRAME_YET,
    /** A payload type the subscriber did not negotiate. */
    UNSUPPORTED_CODEC,
    /** An RTX packet carrying only padding (bandwidth probing), not a retransmission. */
    RTX_PADDING,
    /** The transport refused the packet: not connected, its queue full, or encryption failed. */
    QUEUE_FULL,
    /** The participant is closing. */
    CLOSED
}
