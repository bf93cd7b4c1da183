package dev.sfu.rtp.rtcp;

import java.nio.charset.StandardCharsets;

/**
 * Goodbye (BYE), RFC 3550 section 6.6: SC sources that leave, and an optional reason.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    SC   |   PT=BYE=203  |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           SSRC/CSRC                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * :                              ...                              :
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |     length    |               reason for leaving            ... (opt)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Bye extends RtcpView {
    private int reasonAt;

    /** Binds the view to the BYE at {@code off}; false unless the SSRCs and the reason fit. */
    public boolean wrap(byte[] buf, int off, int len) {
        reasonAt = -1;
        if (!wrapHeader(buf, off, len, RtcpHeader.PT_BYE, -1, RtcpHeader.SIZE)) {
            return false;
        }
        int afterSsrcs = off + RtcpHeader.SIZE + 4 * count();
        if (afterSsrcs > end) {
            return fail();
        }
        if (afterSsrcs < end) {
            if (afterSsrcs + 1 + Bytes.u8(buf, afterSsrcs) > end) {
                return fail();
            }
            reasonAt = afterSsrcs;
        }
        return true;
    }

    /** Number of SSRC/CSRC identifiers (SC). */
    public int ssrcCount() {
        return count();
    }

    /** Identifier {@code i}, or -1 when {@code i} is out of range. */
    public long ssrc(int i) {
        return i < 0 || i >= count() ? -1 : Bytes.u32(buf, off + RtcpHeader.SIZE + 4 * i);
    }

    /** True when the packet carries a reason field. */
    public boolean hasReason() {
        return reasonAt >= 0;
    }

    /** Offset of the reason text, or -1 when there is none. */
    public int reasonOffset() {
        return reasonAt < 0 ? -1 : reasonAt + 1;
    }

    /** Length of the reason text in bytes, or -1 when there is none. */
    public int reasonLength() {
        return reasonAt < 0 ? -1 : Bytes.u8(buf, reasonAt);
    }

    /** The reason as a string, or null when there is none. Allocates. */
    public String reason() {
        return reasonAt < 0 ? null : new String(buf, reasonAt + 1, Bytes.u8(buf, reasonAt), StandardCharsets.UTF_8);
    }

    /**
     * Writes a BYE.
     *
     * @param count  number of SSRCs taken from {@code ssrcs}, 0-31
     * @param reason UTF-8 reason of at most 255 bytes, or null for none
     * @return the packet length, or -1 when it does not fit or an argument is out of range
     */
    public static int write(byte[] buf, int off, int room, long[] ssrcs, int count, byte[] reason) {
        if (count < 0 || count > 31 || ssrcs.length < count || (reason != null && reason.length > 255)) {
            return -1;
        }
        int reasonBytes = reason == null ? 0 : (1 + reason.length + 3) & ~3;
        int length = RtcpHeader.SIZE + 4 * count + reasonBytes;
        if (room < length || !Bytes.window(buf, off, length)
                || RtcpHeader.write(buf, off, room, count, RtcpHeader.PT_BYE, length) < 0) {
            return -1;
        }
        int pos = off + RtcpHeader.SIZE;
        for (int i = 0; i < count; i++, pos += 4) {
            Bytes.put32(buf, pos, ssrcs[i]);
        }
        if (reason != null) {
            buf[pos] = (byte) reason.length;
            System.arraycopy(reason, 0, buf, pos + 1, reason.length);
            for (int p = pos + 1 + reason.length; p < off + length; p++) {
                buf[p] = 0;
            }
        }
        return length;
    }
}
