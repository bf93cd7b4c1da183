package dev.sfu.rtp.rtcp;

import dev.sfu.rtp.util.Bytes;

/**
 * Full intra request, RFC 5104 section 4.3.1: payload-specific feedback (PT 206, FMT 4). The
 * header's media source SSRC is unused (0); each 8-byte FCI entry names a media sender and a
 * command sequence number that the sender increments for every new request.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT=4  |   PT=206      |          length               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source (0)                     |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                              SSRC                             |  (repeated)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Seq nr.       |    Reserved                                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class FirPacket extends RtcpFeedback {
    /** Size of one FCI entry. */
    public static final int FCI_SIZE = 8;

    /** Binds the view to the FIR at {@code off}; false unless it carries at least one entry. */
    public boolean wrap(byte[] buf, int off, int len) {
        return wrapHeader(buf, off, len, RtcpHeader.PT_PSFB, FMT_FIR, HEADER_SIZE + FCI_SIZE);
    }

    /** Number of FCI entries. */
    public int entryCount() {
        return fciLength() / FCI_SIZE;
    }

    /** SSRC of the media sender entry {@code i} asks for a keyframe. */
    public long entrySsrc(int i) {
        return Bytes.u32(buf, fciOffset() + i * FCI_SIZE);
    }

    /** Command sequence number of entry {@code i}, 0-255. */
    public int entrySequence(int i) {
        return Bytes.u8(buf, fciOffset() + i * FCI_SIZE + 4);
    }

    /** Writes a FIR with a single entry; returns 20 or -1 when there is no room. */
    public static int write(byte[] buf, int off, int room, long senderSsrc, long targetSsrc, int sequence) {
        int length = HEADER_SIZE + FCI_SIZE;
        if (writeHeader(buf, off, room, RtcpHeader.PT_PSFB, FMT_FIR, length, senderSsrc, 0) < 0) {
            return -1;
        }
        int pos = off + HEADER_SIZE;
        Bytes.put32(buf, pos, targetSsrc);
        Bytes.put32(buf, pos + 4, (long) (sequence & 0xFF) << 24);
        return length;
    }
}
