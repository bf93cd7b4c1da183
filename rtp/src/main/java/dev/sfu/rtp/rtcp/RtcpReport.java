package dev.sfu.rtp.rtcp;

import dev.sfu.rtp.util.Bytes;

/**
 * What sender and receiver reports share, RFC 3550 sections 6.4.1 and 6.4.2: the reporter's
 * SSRC and RC report blocks of {@link ReportBlock#SIZE} bytes starting at a fixed offset.
 * Bytes after the blocks are profile-specific extensions and are left alone.
 */
public abstract class RtcpReport extends RtcpView {
    RtcpReport() {
    }

    /** Offset of the first report block from the packet start. */
    abstract int blocksStart();

    final boolean checkBlocks() {
        if (blocksStart() + (long) count() * ReportBlock.SIZE > unpaddedLength()) {
            return fail();
        }
        return true;
    }

    /** SSRC of the packet sender. */
    public final long senderSsrc() {
        return Bytes.u32(buf, off + 4);
    }

    /** Number of report blocks (RC); all of them are inside the packet. */
    public final int reportCount() {
        return count();
    }

    /** Offset in {@link #buffer()} of report block {@code i}. */
    public final int reportBlockOffset(int i) {
        return off + blocksStart() + i * ReportBlock.SIZE;
    }

    /** Binds {@code into} to report block {@code i}; false when {@code i} is out of range. */
    public final boolean reportBlock(int i, ReportBlock into) {
        if (i < 0 || i >= count()) {
            return false;
        }
        return into.wrap(buf, reportBlockOffset(i), ReportBlock.SIZE);
    }
}
