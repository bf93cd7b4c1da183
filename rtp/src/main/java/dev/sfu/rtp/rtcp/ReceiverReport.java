package dev.sfu.rtp.rtcp;

import dev.sfu.rtp.util.Bytes;

/**
 * Receiver report (RR), RFC 3550 section 6.4.2.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |   PT=RR=201   |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     SSRC of packet sender                     |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 report blocks (RC x 24 bytes)                 |
 * </pre>
 */
public final class ReceiverReport extends RtcpReport {
    /** Header and SSRC: the size of an RR without report blocks. */
    public static final int HEADER_SIZE = 8;

    @Override
    int blocksStart() {
        return HEADER_SIZE;
    }

    /** Binds the view to the RR at {@code off}; false unless it is an RR whose RC blocks fit. */
    public boolean wrap(byte[] buf, int off, int len) {
        return wrapHeader(buf, off, len, RtcpHeader.PT_RR, -1, HEADER_SIZE) && checkBlocks();
    }

    /** Offset of report block {@code i} in an RR written at {@code off}. */
    public static int blockOffset(int off, int i) {
        return off + HEADER_SIZE + i * ReportBlock.SIZE;
    }

    /**
     * Writes an RR header sized for {@code blockCount} report blocks, which the caller writes with
     * {@link ReportBlock#write} at {@link #blockOffset(int, int)}, before or after this call.
     *
     * @param blockCount 0-31
     * @return the whole packet length, {@code 8 + 24 * blockCount}, or -1 when it does not fit
     */
    public static int write(byte[] buf, int off, int room, long ssrc, int blockCount) {
        if (blockCount < 0 || blockCount > 31) {
            return -1;
        }
        int length = HEADER_SIZE + blockCount * ReportBlock.SIZE;
        if (room < length || !Bytes.window(buf, off, length)
                || RtcpHeader.write(buf, off, room, blockCount, RtcpHeader.PT_RR, length) < 0) {
            return -1;
        }
        Bytes.put32(buf, off + 4, ssrc);
        return length;
    }
}
