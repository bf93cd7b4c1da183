package dev.sfu.signaling.sdp;

import java.util.Locale;

/** The media direction attribute of an m-line (RFC 8866 section 6.7, RFC 3264 section 6.1). */
public enum Direction {
    SENDRECV, SENDONLY, RECVONLY, INACTIVE;

    /** The attribute name as written in SDP, e.g. "sendonly". */
    public String sdpValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True when the side that wrote this direction sends media. */
    public boolean sends() {
        return this == SENDRECV || this == SENDONLY;
    }

    /** True when the side that wrote this direction receives media. */
    public boolean receives() {
        return this == SENDRECV || this == RECVONLY;
    }

    /** The direction as seen from the other side (RFC 3264 section 6.1). */
    public Direction reverse() {
        return switch (this) {
            case SENDONLY -> RECVONLY;
            case RECVONLY -> SENDONLY;
            default -> this;
        };
    }

    /**
     * The strongest direction allowed by both: this side's wish and what the peer allows,
     * e.g. SENDONLY meet RECVONLY is SENDONLY, SENDONLY meet SENDONLY is INACTIVE.
     *
     * @param wish        what this side wants
     * @param peerOffered the peer's direction as it wrote it
     */
    public static Direction answer(Direction wish, Direction peerOffered) {
        Direction allowed = peerOffered.reverse();
        boolean send = wish.sends() && allowed.sends();
        boolean recv = wish.receives() && allowed.receives();
        if (send && recv) {
            return SENDRECV;
        }
        return send ? SENDONLY : recv ? RECVONLY : INACTIVE;
    }

    /** Parses an attribute name; null when it is not a direction. */
    public static Direction fromSdp(String value) {
        for (Direction d : values()) {
            if (d.sdpValue().equals(value)) {
                return d;
            }
        }
        return null;
    }
}
