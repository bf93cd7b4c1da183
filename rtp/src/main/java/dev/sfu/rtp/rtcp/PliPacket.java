package dev.sfu.rtp.rtcp;

/**
 * Picture loss indication, RFC 4585 section 6.3.1: payload-specific feedback (PT 206, FMT 1)
 * with no FCI; the media source SSRC names the stream that needs a keyframe.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT=1  |   PT=206      |          length=2             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class PliPacket extends RtcpFeedback {
    /** Size of a PLI. */
    public static final int SIZE = HEADER_SIZE;

    /** Binds the view to the PLI at {@code off}; trailing FCI bytes, which RFC 4585 forbids, are ignored. */
    public boolean wrap(byte[] buf, int off, int len) {
        return wrapHeader(buf, off, len, RtcpHeader.PT_PSFB, FMT_PLI, HEADER_SIZE);
    }

    /** Writes a PLI asking the sender of {@code mediaSsrc} for a keyframe; returns 12 or -1. */
    public static int write(byte[] buf, int off, int room, long senderSsrc, long mediaSsrc) {
        return writeHeader(buf, off, room, RtcpHeader.PT_PSFB, FMT_PLI, SIZE, senderSsrc, mediaSsrc) < 0 ? -1 : SIZE;
    }
}
