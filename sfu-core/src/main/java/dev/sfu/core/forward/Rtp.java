package dev.sfu.core.forward;

/**
 * Minimal static accessors for the RTP fixed header (RFC 3550 section 5.1), used by the
 * forwarding path until the rtp module's {@code RtpPacket} view is merged.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   profile (0xBEDE/0x100X)     |   extension length (words)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
final class Rtp {
    static final int FIXED_HEADER = 12;

    private Rtp() {
    }

    /**
     * Returns the header length including CSRCs and the extension block, or -1 when the bytes
     * are not a well-formed RTP packet (version, lengths, padding).
     */
    static int headerLength(byte[] b, int off, int len) {
        if (len < FIXED_HEADER || (b[off] & 0xC0) != 0x80) {
            return -1;
        }
        int h = FIXED_HEADER + 4 * (b[off] & 0x0F);
        if ((b[off] & 0x10) != 0) {
            if (len < h + 4) {
                return -1;
            }
            h += 4 + 4 * u16(b, off + h + 2);
        }
        if (h > len) {
            return -1;
        }
        if ((b[off] & 0x20) != 0) {
            int pad = b[off + len - 1] & 0xFF;
            if (pad == 0 || h + pad > len) {
                return -1;
            }
        }
        return h;
    }

    /** Payload length without padding; the header must be valid. */
    static int payloadLength(byte[] b, int off, int len, int headerLength) {
        int pad = (b[off] & 0x20) != 0 ? b[off + len - 1] & 0xFF : 0;
        return len - headerLength - pad;
    }

    static int payloadType(byte[] b, int off) {
        return b[off + 1] & 0x7F;
    }

    static void setPayloadType(byte[] b, int off, int pt) {
        b[off + 1] = (byte) ((b[off + 1] & 0x80) | (pt & 0x7F));
    }

    static int sequence(byte[] b, int off) {
        return u16(b, off + 2);
    }

    static void setSequence(byte[] b, int off, int seq) {
        b[off + 2] = (byte) (seq >>> 8);
        b[off + 3] = (byte) seq;
    }

    static long timestamp(byte[] b, int off) {
        return u32(b, off + 4);
    }

    static void setTimestamp(byte[] b, int off, long ts) {
        put32(b, off + 4, ts);
    }

    static long ssrc(byte[] b, int off) {
        return u32(b, off + 8);
    }

    static void setSsrc(byte[] b, int off, long ssrc) {
        put32(b, off + 8, ssrc);
    }

    static boolean hasExtension(byte[] b, int off) {
        return (b[off] & 0x10) != 0;
    }

    /** Offset of the extension block's profile word, relative to the buffer start. */
    static int extensionOffset(byte[] b, int off) {
        return off + FIXED_HEADER + 4 * (b[off] & 0x0F);
    }

    static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    static long u32(byte[] b, int i) {
        return ((long) (b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8)
                | (b[i + 3] & 0xFF);
    }

    static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    static void put32(byte[] b, int i, long v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }
}
