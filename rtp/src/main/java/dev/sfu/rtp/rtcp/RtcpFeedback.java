package dev.sfu.rtp.rtcp;

import dev.sfu.rtp.util.Bytes;

/**
 * Common layout of RTCP feedback messages, RFC 4585 section 6.1: the header with FMT in the
 * count field, the SSRC of the packet sender, the SSRC of the media source, then the
 * feedback control information (FCI).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|   FMT   |       PT      |          length               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * :            Feedback Control Information (FCI)                 :
 * </pre>
 */
public abstract class RtcpFeedback extends RtcpView {
    /** Header plus the two SSRCs. */
    public static final int HEADER_SIZE = 12;
    /** RTPFB FMT of the generic NACK, RFC 4585 section 6.2.1. */
    public static final int FMT_NACK = 1;
    /** RTPFB FMT of transport-wide congestion control feedback. */
    public static final int FMT_TRANSPORT_CC = 15;
    /** PSFB FMT of the picture loss indication, RFC 4585 section 6.3.1. */
    public static final int FMT_PLI = 1;
    /** PSFB FMT of the full intra request, RFC 5104 section 4.3.1. */
    public static final int FMT_FIR = 4;
    /** PSFB FMT of application layer feedback (REMB), RFC 4585 section 6.4. */
    public static final int FMT_AFB = 15;

    RtcpFeedback() {
    }

    /** SSRC of the packet sender. */
    public final long senderSsrc() {
        return Bytes.u32(buf, off + 4);
    }

    /** SSRC of the media source the feedback is about. */
    public final long mediaSsrc() {
        return Bytes.u32(buf, off + 8);
    }

    /** Offset of the first FCI byte. */
    public final int fciOffset() {
        return off + HEADER_SIZE;
    }

    /** FCI length in bytes, padding excluded. */
    public final int fciLength() {
        return end - off - HEADER_SIZE;
    }

    /**
     * Writes the header and both SSRCs of a feedback message of {@code packetLength} bytes.
     *
     * @return {@link #HEADER_SIZE}, or -1 when there is no room for the whole packet
     */
    static int writeHeader(byte[] buf, int off, int room, int packetType, int fmt, int packetLength,
                           long senderSsrc, long mediaSsrc) {
        if (room < packetLength || !Bytes.window(buf, off, packetLength)
                || RtcpHeader.write(buf, off, room, fmt, packetType, packetLength) < 0) {
            return -1;
        }
        Bytes.put32(buf, off + 4, senderSsrc);
        Bytes.put32(buf, off + 8, mediaSsrc);
        return HEADER_SIZE;
    }
}
