package dev.sfu.core.forward;

import dev.sfu.rtp.rtcp.RtcpCompoundIterator;

/** Why the forwarding path dropped a packet; each reason has its own counter. */
public enum DropReason {
    /**
     * Not a well-formed RTP packet, a malformed header extension block, or an RTCP packet of a
     * known type that its view rejects inside an otherwise valid compound.
     */
    MALFORMED,
    /** An RTCP compound too short for a header, or with a header cut off (RFC 3550 A.2). */
    RTCP_TRUNCATED,
    /** An RTCP compound with a packet whose version is not 2. */
    RTCP_BAD_VERSION,
    /** An RTCP compound with a length field past the end of the datagram. */
    RTCP_LENGTH_OVERRUN,
    /** An RTCP compound with a padding count of zero or larger than its packet. */
    RTCP_BAD_PADDING,
    /** An RTCP compound that starts with neither SR/RR nor feedback (RFC 5506 section 3.4.2). */
    RTCP_BAD_FIRST_PACKET,
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
    /**
     * A packet whose sequence number was already received on its layer: an RTX copy the
     * publisher sent to probe its uplink, or a retransmission of a packet that was only late.
     * Forwarded, the subscriber's SRTP replay check would discard it (see {@code SequenceWindow}).
     */
    DUPLICATE,
    /**
     * The subscriber's transport refused the packet (not connected yet or any more, encryption
     * or send failed); its own drop counter (layer "transport") says which.
     */
    TRANSPORT_REFUSED,
    /**
     * A packet of a simulcast layer this subscriber does not receive now. Expected: with three
     * layers, two of every three packets count here for each subscriber.
     */
    LAYER_NOT_SELECTED,
    /** A VP8 picture of a temporal layer above what this subscriber receives. */
    TEMPORAL_LAYER_DROPPED,
    /** The subscriber's video is paused (not visible, or not among the last N speakers). */
    PAUSED,
    /** A padding-only packet (bandwidth probe) on an SSRC the server does not know yet. */
    PROBE_PADDING,
    /**
     * The subscriber's pacer queue held its limit of packets
     * ({@link dev.sfu.core.cc.CongestionControlConfig#pacerQueuePackets()}): its link is far below
     * what is forwarded to it.
     */
    PACER_QUEUE_FULL,
    /**
     * A packet waited in the subscriber's pacer queue longer than
     * {@link dev.sfu.core.cc.CongestionControlConfig#pacerMaxDelayNanos()}; it would arrive too late.
     */
    PACER_EXPIRED,
    /** The participant is closing. */
    CLOSED;

    /** The reason to count for an RTCP compound the iterator rejected. */
    public static DropReason of(RtcpCompoundIterator.Failure failure) {
        return switch (failure) {
            case TRUNCATED -> RTCP_TRUNCATED;
            case BAD_VERSION -> RTCP_BAD_VERSION;
            case LENGTH_OVERRUN -> RTCP_LENGTH_OVERRUN;
            case BAD_PADDING -> RTCP_BAD_PADDING;
            case BAD_FIRST_PACKET -> RTCP_BAD_FIRST_PACKET;
            case NONE -> MALFORMED;
        };
    }
}
