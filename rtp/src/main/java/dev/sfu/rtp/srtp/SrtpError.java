package dev.sfu.rtp.srtp;

/**
 * Why an SRTP or SRTCP operation refused a packet. {@link SrtpSession} returns these as negative
 * codes in place of a length, so the per-packet path allocates nothing and never throws; the caller
 * counts the drop under this reason.
 */
public enum SrtpError {
    /** Shorter than its header (RTP: 12 bytes, CSRCs, extension; RTCP: 8 bytes) plus the trailer. */
    TRUNCATED(-1),
    /** The authentication tag (HMAC-SHA1-80, or the GCM tag) did not match: forged or damaged. */
    AUTH_FAILED(-2),
    /** The packet index was seen already or lies behind the 64-packet replay window (RFC 3711 section 3.3.2). */
    REPLAY(-3),
    /** Not an RTP/RTCP packet of version 2, or otherwise malformed. */
    INVALID(-4),
    /** A new SSRC arrived when the session already holds its limit of per-SSRC contexts. */
    TOO_MANY_SSRCS(-5),
    /** The buffer has too little room after the packet for the trailer an encrypt adds. */
    NO_TAIL_ROOM(-6),
    /** The cipher itself failed (a provider error, not a property of the packet). */
    CRYPTO_FAILURE(-7),
    /** The session was closed. */
    CLOSED(-8);

    private static final SrtpError[] BY_CODE = new SrtpError[9];

    static {
        for (SrtpError e : values()) {
            BY_CODE[-e.code] = e;
        }
    }

    private final int code;

    SrtpError(int code) {
        this.code = code;
    }

    /** The negative value an {@link SrtpSession} method returns for this error. */
    public int code() {
        return code;
    }

    /** The error for a negative code, or null when {@code code} is not one (for example a length). */
    public static SrtpError fromCode(int code) {
        if (code >= 0 || code < -(BY_CODE.length - 1)) {
            return null;
        }
        return BY_CODE[-code];
    }
}
