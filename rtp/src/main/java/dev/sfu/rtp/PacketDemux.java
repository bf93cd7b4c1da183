package dev.sfu.rtp;

/**
 * Tells STUN, DTLS, RTP and RTCP apart on one UDP port by the first byte (RFC 7983 section 7)
 * and RTP from RTCP by the second (RFC 5761 section 4).
 *
 * <pre>
 *                  +----------------+
 *                  |        [0..3] -+--&gt; STUN
 *                  |      [16..19] -+--&gt; ZRTP        (UNKNOWN here)
 *   packet --&gt;     |      [20..63] -+--&gt; DTLS
 *                  |      [64..79] -+--&gt; TURN channel (UNKNOWN here)
 *                  |    [128..191] -+--&gt; RTP/RTCP: second byte 192..223 is RTCP
 *                  +----------------+
 * </pre>
 *
 * A kind is only returned when the window can hold its smallest header: 20 bytes for STUN,
 * 13 for a DTLS record, 12 for RTP, 4 for RTCP. Nothing is read outside {@code (off, len)}.
 */
public final class PacketDemux {
    /** Smallest STUN message: the 20-byte header. */
    public static final int MIN_STUN_LENGTH = 20;
    /** Smallest DTLS record: the 13-byte record header. */
    public static final int MIN_DTLS_LENGTH = 13;
    /** Smallest RTCP packet: the 4-byte common header. */
    public static final int MIN_RTCP_LENGTH = 4;

    private PacketDemux() {
    }

    /** Classifies the datagram in {@code (b, off, len)}. */
    public static PacketKind classify(byte[] b, int off, int len) {
        if (!RtpPacket.isWindowValid(b, off, len) || len < 1) {
            return PacketKind.UNKNOWN;
        }
        int first = b[off] & 0xFF;
        if (first <= 3) {
            return len >= MIN_STUN_LENGTH ? PacketKind.STUN : PacketKind.UNKNOWN;
        }
        if (first >= 20 && first <= 63) {
            return len >= MIN_DTLS_LENGTH ? PacketKind.DTLS : PacketKind.UNKNOWN;
        }
        if (first >= 128 && first <= 191 && len >= MIN_RTCP_LENGTH) {
            if (isRtcpPacketType(b[off + 1] & 0xFF)) {
                return PacketKind.RTCP;
            }
            return len >= RtpPacket.FIXED_HEADER_LENGTH ? PacketKind.RTP : PacketKind.UNKNOWN;
        }
        return PacketKind.UNKNOWN;
    }

    /**
     * True for second bytes 192-223, the RTCP packet types that RFC 5761 section 4 reserves
     * (RTP payload types 64-95 with the marker bit set would collide, so they are not used).
     */
    public static boolean isRtcpPacketType(int secondByte) {
        return secondByte >= 192 && secondByte <= 223;
    }
}
