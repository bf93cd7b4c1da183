package dev.sfu.rtp;

/** What arrived on the shared UDP port, as decided by {@link PacketDemux}. */
public enum PacketKind {
    /** A STUN message (RFC 8489): ICE connectivity checks and consent. */
    STUN,
    /** A DTLS record (RFC 9147): the handshake that keys SRTP. */
    DTLS,
    /** An (S)RTP packet. */
    RTP,
    /** An (S)RTCP packet, told from RTP by its packet type (RFC 5761 section 4). */
    RTCP,
    /** Anything else (ZRTP, TURN channel data, garbage, a window too short). */
    UNKNOWN
}
