package dev.sfu.rtp.rtcp;

import dev.sfu.rtp.util.Bytes;

/**
 * Sender report (SR), RFC 3550 section 6.4.1.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |   PT=SR=200   |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         SSRC of sender                        |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |              NTP timestamp, most significant word             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             NTP timestamp, least significant word             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         RTP timestamp                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     sender's packet count                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      sender's octet count                     |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 report blocks (RC x 24 bytes)                 |
 * </pre>
 */
public final class SenderReport extends RtcpReport {
    /** Header, SSRC and sender info: the size of an SR without report blocks. */
    public static final int HEADER_SIZE = 28;

    @Override
    int blocksStart() {
        return HEADER_SIZE;
    }

    /** Binds the view to the SR at {@code off}; false unless it is an SR whose RC blocks fit. */
    public boolean wrap(byte[] buf, int off, int len) {
        return wrapHeader(buf, off, len, RtcpHeader.PT_SR, -1, HEADER_SIZE) && checkBlocks();
    }

    /** The 64-bit NTP timestamp: seconds since 1900 in the upper 32 bits, fraction in the lower. */
    public long ntpTimestamp() {
        return Bytes.u64(buf, off + 8);
    }

    /** The middle 32 bits of the NTP timestamp, as echoed in a report block's LSR. */
    public long compactNtp() {
        return (ntpTimestamp() >>> 16) & 0xFFFF_FFFFL;
    }

    /** The RTP timestamp that corresponds to the NTP timestamp. */
    public long rtpTimestamp() {
        return Bytes.u32(buf, off + 16);
    }

    /** RTP data packets sent by this sender since it started. */
    public long packetCount() {
        return Bytes.u32(buf, off + 20);
    }

    /** Payload octets sent by this sender since it started. */
    public long octetCount() {
        return Bytes.u32(buf, off + 24);
    }

    /** Offset of report block {@code i} in an SR written at {@code off}. */
    public static int blockOffset(int off, int i) {
        return off + HEADER_SIZE + i * ReportBlock.SIZE;
    }

    /**
     * Writes an SR header and sender info sized for {@code blockCount} report blocks. The blocks
     * themselves are written by the caller with {@link ReportBlock#write} at
     * {@link #blockOffset(int, int)}, before or after this call.
     *
     * @param blockCount 0-31
     * @return the whole packet length, {@code 28 + 24 * blockCount}, or -1 when it does not fit
     */
    public static int write(byte[] buf, int off, int room, long ssrc, long ntpTimestamp, long rtpTimestamp,
                            long packetCount, long octetCount, int blockCount) {
        if (blockCount < 0 || blockCount > 31) {
            return -1;
        }
        int length = HEADER_SIZE + blockCount * ReportBlock.SIZE;
        if (room < length || !Bytes.window(buf, off, length)
                || RtcpHeader.write(buf, off, room, blockCount, RtcpHeader.PT_SR, length) < 0) {
            return -1;
        }
        Bytes.put32(buf, off + 4, ssrc);
        Bytes.put64(buf, off + 8, ntpTimestamp);
        Bytes.put32(buf, off + 16, rtpTimestamp);
        Bytes.put32(buf, off + 20, packetCount);
        Bytes.put32(buf, off + 24, octetCount);
        return length;
    }
}
