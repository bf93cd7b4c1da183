package dev.sfu.rtp.rtcp;

import dev.sfu.rtp.util.Bytes;
import java.nio.charset.StandardCharsets;

/**
 * Source description (SDES), RFC 3550 section 6.5: SC chunks, each an SSRC/CSRC followed by
 * items (type, length, UTF-8 text), ended by a null octet and null-padded to a 32-bit boundary.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    SC   |  PT=SDES=202  |             length            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                          SSRC/CSRC_1                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    CNAME=1    |     length    | user and domain name        ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  END=0 and null padding to 32 bits                          ...
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                          SSRC/CSRC_2  ...                     |
 * </pre>
 *
 * {@link #wrap} walks every chunk and item once, so the accessors never meet a bad length.
 */
public final class Sdes extends RtcpView {
    /** End of the item list. */
    public static final int END = 0;
    /** Canonical end-point identifier, RFC 3550 section 6.5.1. */
    public static final int CNAME = 1;
    /** User name, RFC 3550 section 6.5.2. */
    public static final int NAME = 2;
    /** Application or tool name, RFC 3550 section 6.5.6. */
    public static final int TOOL = 6;
    /** Private extensions, RFC 3550 section 6.5.8. */
    public static final int PRIV = 8;

    /** Receives the items of an SDES packet; the text is {@code (buf, off, len)} in UTF-8. */
    @FunctionalInterface
    public interface ItemVisitor {
        void item(long ssrc, int type, byte[] buf, int off, int len);
    }

    /** Binds the view to the SDES packet at {@code off}; false unless every chunk and item fits. */
    public boolean wrap(byte[] buf, int off, int len) {
        if (!wrapHeader(buf, off, len, RtcpHeader.PT_SDES, -1, RtcpHeader.SIZE)) {
            return false;
        }
        int pos = off + RtcpHeader.SIZE;
        for (int i = count(); i > 0; i--) {
            pos = chunkEnd(pos);
            if (pos < 0) {
                return fail();
            }
        }
        return true;
    }

    /**
     * Offset just past the chunk at {@code pos} and its null padding, or -1 when the chunk
     * does not fit before the end of the payload.
     */
    private int chunkEnd(int pos) {
        if (end - pos < 8) {
            return -1;
        }
        int p = pos + 4;
        while (true) {
            if (p >= end) {
                return -1;
            }
            if (buf[p] == END) {
                // The null item, then null octets up to the next 32-bit boundary of the packet.
                int next = off + ((p + 1 - off + 3) & ~3);
                return next <= end ? next : -1;
            }
            if (end - p < 2) {
                return -1;
            }
            p += 2 + Bytes.u8(buf, p + 1);
        }
    }

    /** Number of chunks (SC). */
    public int chunkCount() {
        return count();
    }

    /** SSRC/CSRC of chunk {@code i}, or -1 when {@code i} is out of range. */
    public long chunkSsrc(int i) {
        int pos = chunkOffset(i);
        return pos < 0 ? -1 : Bytes.u32(buf, pos);
    }

    private int chunkOffset(int i) {
        if (i < 0 || i >= count()) {
            return -1;
        }
        int pos = off + RtcpHeader.SIZE;
        for (; i > 0; i--) {
            pos = chunkEnd(pos);
        }
        return pos;
    }

    /** Hands every item of every chunk to {@code visitor}, in packet order. */
    public void forEachItem(ItemVisitor visitor) {
        int pos = off + RtcpHeader.SIZE;
        for (int c = count(); c > 0; c--) {
            long ssrc = Bytes.u32(buf, pos);
            int p = pos + 4;
            while (buf[p] != END) {
                int itemLength = Bytes.u8(buf, p + 1);
                visitor.item(ssrc, Bytes.u8(buf, p), buf, p + 2, itemLength);
                p += 2 + itemLength;
            }
            pos = chunkEnd(pos);
        }
    }

    /**
     * Offset of the length octet of the first item of {@code type} in chunk {@code chunk}
     * (the text follows it), or -1 when there is none.
     */
    public int findItem(int chunk, int type) {
        int pos = chunkOffset(chunk);
        if (pos < 0 || type == END) {
            return -1;
        }
        int p = pos + 4;
        while (buf[p] != END) {
            if (Bytes.u8(buf, p) == type) {
                return p + 1;
            }
            p += 2 + Bytes.u8(buf, p + 1);
        }
        return -1;
    }

    /** The text of the first item of {@code type} in chunk {@code chunk}, or null. Allocates. */
    public String itemText(int chunk, int type) {
        int p = findItem(chunk, type);
        return p < 0 ? null : new String(buf, p + 1, Bytes.u8(buf, p), StandardCharsets.UTF_8);
    }

    /** The CNAME of chunk {@code chunk}, or null. Allocates. */
    public String cname(int chunk) {
        return itemText(chunk, CNAME);
    }

    /** Length of one chunk holding a single CNAME item of {@code cnameLength} bytes. */
    public static int cnameChunkLength(int cnameLength) {
        return (4 + 2 + cnameLength + 1 + 3) & ~3;
    }

    /**
     * Writes an SDES packet with one chunk per SSRC, each holding only a CNAME item.
     *
     * @param cnames UTF-8 CNAMEs, at most 255 bytes each
     * @param count  number of chunks, 0-31
     * @return the packet length, or -1 when it does not fit or an argument is out of range
     */
    public static int writeCnames(byte[] buf, int off, int room, long[] ssrcs, byte[][] cnames, int count) {
        if (count < 0 || count > 31 || ssrcs.length < count || cnames.length < count) {
            return -1;
        }
        int length = RtcpHeader.SIZE;
        for (int i = 0; i < count; i++) {
            if (cnames[i] == null || cnames[i].length > 255) {
                return -1;
            }
            length += cnameChunkLength(cnames[i].length);
        }
        if (room < length || !Bytes.window(buf, off, length)
                || RtcpHeader.write(buf, off, room, count, RtcpHeader.PT_SDES, length) < 0) {
            return -1;
        }
        int pos = off + RtcpHeader.SIZE;
        for (int i = 0; i < count; i++) {
            pos = putCnameChunk(buf, pos, ssrcs[i], cnames[i]);
        }
        return length;
    }

    /** Writes an SDES packet with a single CNAME chunk; see {@link #writeCnames}. */
    public static int writeCname(byte[] buf, int off, int room, long ssrc, byte[] cname) {
        if (cname == null || cname.length > 255) {
            return -1;
        }
        int length = RtcpHeader.SIZE + cnameChunkLength(cname.length);
        if (room < length || !Bytes.window(buf, off, length)
                || RtcpHeader.write(buf, off, room, 1, RtcpHeader.PT_SDES, length) < 0) {
            return -1;
        }
        putCnameChunk(buf, off + RtcpHeader.SIZE, ssrc, cname);
        return length;
    }

    /** Writes one CNAME chunk at {@code pos} and returns the offset just past its padding. */
    private static int putCnameChunk(byte[] buf, int pos, long ssrc, byte[] cname) {
        int chunkEnd = pos + cnameChunkLength(cname.length);
        Bytes.put32(buf, pos, ssrc);
        buf[pos + 4] = CNAME;
        buf[pos + 5] = (byte) cname.length;
        System.arraycopy(cname, 0, buf, pos + 6, cname.length);
        for (int p = pos + 6 + cname.length; p < chunkEnd; p++) {
            buf[p] = END;
        }
        return chunkEnd;
    }
}
