package dev.sfu.rtp.rtcp;

import dev.sfu.rtp.util.Bytes;

/**
 * A reception report block, RFC 3550 section 6.4.1, as carried by sender and receiver reports.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_1 (SSRC of first source)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | fraction lost |       cumulative number of packets lost       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           extended highest sequence number received           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      interarrival jitter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         last SR (LSR)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   delay since last SR (DLSR)                  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * </pre>
 *
 * The cumulative loss is a signed 24-bit number: duplicates can make it negative.
 */
public final class ReportBlock {
    /** Size of one block in bytes. */
    public static final int SIZE = 24;

    private byte[] buf;
    private int off;

    /** Binds the view to the block at {@code off}; false when fewer than 24 bytes are in the window. */
    public boolean wrap(byte[] buf, int off, int len) {
        if (!Bytes.window(buf, off, len) || len < SIZE) {
            this.buf = null;
            return false;
        }
        this.buf = buf;
        this.off = off;
        return true;
    }

    /** SSRC of the source this block reports on. */
    public long ssrc() {
        return Bytes.u32(buf, off);
    }

    /** Fraction of packets lost since the previous report, in 1/256 units (0-255). */
    public int fractionLost() {
        return Bytes.u8(buf, off + 4);
    }

    /** Cumulative number of packets lost, sign-extended from 24 bits. */
    public int cumulativeLost() {
        return Bytes.s24(buf, off + 5);
    }

    /** Extended highest sequence number received: cycles in the upper 16 bits. */
    public long highestSequence() {
        return Bytes.u32(buf, off + 8);
    }

    /** Interarrival jitter in RTP timestamp units. */
    public long jitter() {
        return Bytes.u32(buf, off + 12);
    }

    /** Middle 32 bits of the NTP timestamp of the last SR received, or 0. */
    public long lastSr() {
        return Bytes.u32(buf, off + 16);
    }

    /** Delay since that SR was received, in 1/65536 seconds, or 0. */
    public long delaySinceLastSr() {
        return Bytes.u32(buf, off + 20);
    }

    /**
     * Writes one block.
     *
     * @param cumulativeLost clamped to the signed 24-bit range
     * @return {@link #SIZE}, or -1 when there is no room
     */
    public static int write(byte[] buf, int off, int room, long ssrc, int fractionLost, int cumulativeLost,
                            long highestSequence, long jitter, long lastSr, long delaySinceLastSr) {
        if (room < SIZE || !Bytes.window(buf, off, SIZE)) {
            return -1;
        }
        int lost = Math.max(-0x80_0000, Math.min(0x7F_FFFF, cumulativeLost));
        Bytes.put32(buf, off, ssrc);
        Bytes.put8(buf, off + 4, fractionLost);
        Bytes.put24(buf, off + 5, lost);
        Bytes.put32(buf, off + 8, highestSequence);
        Bytes.put32(buf, off + 12, jitter);
        Bytes.put32(buf, off + 16, lastSr);
        Bytes.put32(buf, off + 20, delaySinceLastSr);
        return SIZE;
    }
}
