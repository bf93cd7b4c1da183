package dev.sfu.core.room;

/** Why a participant left its room. */
public enum LeaveReason {
    /** It sent a leave message. */
    LEFT,
    /** Its signaling connection closed. */
    SIGNALING_CLOSED,
    /** Its media transport ended: ICE consent expired, DTLS failed or the peer closed. */
    TRANSPORT_CLOSED,
    /** The server removed it (shutdown, kick, duplicate id). */
    REMOVED
}
