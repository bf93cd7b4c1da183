package dev.sfu.rtp.ext;

import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.util.Bytes;

/**
 * RTP header extension elements (RFC 8285) in both forms, read and edited in place over an RTP
 * packet {@code (buf, off, len)}. Nothing here allocates.
 *
 * <p>One-byte form (RFC 8285 section 4.2), profile 0xBEDE, ids 1-14, 1-16 data bytes:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       0xBE    |    0xDE       |           length=3            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ID   | L=0   |     data      |  ID   |  L=1  |   data...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       ...data   |    0 (pad)    |    0 (pad)    |  ID   | L=3   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          data                                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The data length is L+1. A byte with id 0 is one byte of padding; id 15 stops processing.
 *
 * <p>Two-byte form (RFC 8285 section 4.3), profile 0x100 followed by 4 application bits,
 * ids 1-255, 0-255 data bytes:
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         0x100         |appbits|           length=3            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      ID       |     L=0       |     ID        |     L=1       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       data    |    0 (pad)    |       ID      |      L=4      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          data                                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Every method validates the RTP header first and returns -1 (or false) on malformed bytes;
 * none reads outside {@code (off, len)}. {@link #add} and {@link #remove} move the payload and
 * return the packet's new length: re-{@link RtpPacket#wrap wrap} any view afterwards.
 */
public final class HeaderExtensions {
    /** The "defined by profile" value of the one-byte form. */
    public static final int ONE_BYTE_PROFILE = 0xBEDE;
    /** The "defined by profile" value of the two-byte form, with the application bits zero. */
    public static final int TWO_BYTE_PROFILE = 0x1000;

    private HeaderExtensions() {
    }

    /** 1 for the one-byte form, 2 for the two-byte form, 0 for any other profile. */
    public static int form(int profile) {
        if (profile == ONE_BYTE_PROFILE) {
            return 1;
        }
        return (profile & 0xFFF0) == TWO_BYTE_PROFILE ? 2 : 0;
    }

    /**
     * Finds the element with {@code id}.
     *
     * @return the absolute offset of its data, or -1 if absent or the packet is malformed
     */
    public static int find(byte[] b, int off, int len, int id) {
        int h = RtpPacket.validHeaderLength(b, off, len);
        if (h < 0 || !RtpPacket.hasExtension(b, off) || id < 1) {
            return -1;
        }
        int ext = off + RtpPacket.FIXED_HEADER_LENGTH + 4 * RtpPacket.csrcCount(b, off);
        int form = form(Bytes.u16(b, ext));
        int end = off + h;
        int p = ext + 4;
        if (form == 1) {
            if (id > 14) {
                return -1;
            }
            while (p < end) {
                int x = b[p] & 0xFF;
                if (x < 0x10) {
                    p++;
                    continue;
                }
                int eid = x >>> 4;
                int l = (x & 0x0F) + 1;
                if (eid == 15 || p + 1 + l > end) {
                    return -1;
                }
                if (eid == id) {
                    return p + 1;
                }
                p += 1 + l;
            }
        } else if (form == 2) {
            while (p < end) {
                int eid = b[p] & 0xFF;
                if (eid == 0) {
                    p++;
                    continue;
                }
                if (p + 2 > end) {
                    return -1;
                }
                int l = b[p + 1] & 0xFF;
                if (p + 2 + l > end) {
                    return -1;
                }
                if (eid == id) {
                    return p + 2;
                }
                p += 2 + l;
            }
        }
        return -1;
    }

    /** {@link #find(byte[], int, int, int)} over a wrapped view. */
    public static int find(RtpPacket p, int id) {
        return find(p.buffer(), p.offset(), p.length(), id);
    }

    /**
     * The data length of the element whose data starts at {@code dataOffset}, an offset that
     * {@link #find} returned for the packet at {@code off}; -1 if {@code dataOffset} is negative.
     */
    public static int dataLength(byte[] b, int off, int dataOffset) {
        if (dataOffset < 0) {
            return -1;
        }
        int ext = off + RtpPacket.FIXED_HEADER_LENGTH + 4 * RtpPacket.csrcCount(b, off);
        return form(Bytes.u16(b, ext)) == 1 ? (b[dataOffset - 1] & 0x0F) + 1 : b[dataOffset - 1] & 0xFF;
    }

    /**
     * Changes the id of the element {@code oldId} to {@code newId} in place.
     *
     * @return false if the element is absent, the packet malformed, or {@code newId} out of the
     *     form's range (1-14 one-byte, 1-255 two-byte)
     */
    public static boolean rewriteId(byte[] b, int off, int len, int oldId, int newId) {
        int pos = find(b, off, len, oldId);
        if (pos < 0) {
            return false;
        }
        int ext = off + RtpPacket.FIXED_HEADER_LENGTH + 4 * RtpPacket.csrcCount(b, off);
        if (form(Bytes.u16(b, ext)) == 1) {
            if (newId < 1 || newId > 14) {
                return false;
            }
            b[pos - 1] = (byte) ((newId << 4) | (b[pos - 1] & 0x0F));
        } else {
            if (newId < 1 || newId > 255) {
                return false;
            }
            b[pos - 2] = (byte) newId;
        }
        return true;
    }

    /**
     * Renames every element at once through {@code idMap} (old id to new id), in place. An element
     * whose id is past the map's end, maps to 0 or to an id its form cannot hold is overwritten
     * with padding bytes, so a subscriber only sees the extensions negotiated with it. Swapping
     * two ids works because each element is renamed exactly once.
     *
     * @return the number of elements kept, or -1 if the packet or its extension is malformed
     */
    public static int remapIds(byte[] b, int off, int len, int[] idMap) {
        int h = RtpPacket.validHeaderLength(b, off, len);
        if (h < 0) {
            return -1;
        }
        if (!RtpPacket.hasExtension(b, off)) {
            return 0;
        }
        int ext = off + RtpPacket.FIXED_HEADER_LENGTH + 4 * RtpPacket.csrcCount(b, off);
        int form = form(Bytes.u16(b, ext));
        if (form == 0) {
            return -1;
        }
        int end = off + h;
        int p = ext + 4;
        int kept = 0;
        while (p < end) {
            int x = b[p] & 0xFF;
            if (isPadding(x, form)) {
                p++;
                continue;
            }
            int eid;
            int hdr;
            int l;
            if (form == 1) {
                eid = x >>> 4;
                if (eid == 15) {
                    return kept;
                }
                hdr = 1;
                l = (x & 0x0F) + 1;
            } else {
                if (p + 2 > end) {
                    return -1;
                }
                eid = x;
                hdr = 2;
                l = b[p + 1] & 0xFF;
            }
            if (p + hdr + l > end) {
                return -1;
            }
            int newId = eid < idMap.length ? idMap[eid] : 0;
            boolean fits = form == 1 ? newId >= 1 && newId <= 14 : newId >= 1 && newId <= 255;
            if (!fits) {
                zero(b, p, p + hdr + l);
            } else {
                if (form == 1) {
                    b[p] = (byte) ((newId << 4) | (x & 0x0F));
                } else {
                    b[p] = (byte) newId;
                }
                kept++;
            }
            p += hdr + l;
        }
        return kept;
    }

    /**
     * Adds an element with {@code dataLength} zero bytes of data, reusing the extension's
     * padding or growing it by whole words into the buffer's spare room (the payload moves).
     * A packet without an extension gets the one-byte form when the id and length allow it,
     * else the two-byte form. Write the data afterwards at {@link #find}'s offset.
     *
     * @return the packet's new length, or -1 if the id is already there, the id or length does
     *     not fit the existing form, the packet is malformed, or the buffer has no room
     */
    public static int add(byte[] b, int off, int len, int id, int dataLength) {
        int h = RtpPacket.validHeaderLength(b, off, len);
        if (h < 0 || dataLength < 0 || dataLength > 255 || id < 1 || id > 255) {
            return -1;
        }
        int ext = off + RtpPacket.FIXED_HEADER_LENGTH + 4 * RtpPacket.csrcCount(b, off);
        if (!RtpPacket.hasExtension(b, off)) {
            boolean oneByte = id <= 14 && dataLength >= 1 && dataLength <= 16;
            int element = (oneByte ? 1 : 2) + dataLength;
            int block = 4 + roundUp4(element);
            if (block > b.length - off - len) {
                return -1;
            }
            System.arraycopy(b, ext, b, ext + block, off + len - ext);
            Bytes.put16(b, ext, oneByte ? ONE_BYTE_PROFILE : TWO_BYTE_PROFILE);
            Bytes.put16(b, ext + 2, (block - 4) / 4);
            zero(b, ext + 4, ext + block);
            writeElementHeader(b, ext + 4, oneByte, id, dataLength);
            b[off] |= 0x10;
            return len + block;
        }
        int form = form(Bytes.u16(b, ext));
        boolean oneByte = form == 1;
        if (form == 0 || (oneByte && (id > 14 || dataLength < 1 || dataLength > 16))) {
            return -1;
        }
        int end = off + h;
        int used = usedEnd(b, ext + 4, end, form, id);
        if (used < 0) {
            return -1;
        }
        int element = (oneByte ? 1 : 2) + dataLength;
        int free = end - used;
        if (element <= free) {
            writeElementHeader(b, used, oneByte, id, dataLength);
            return len;
        }
        int grow = roundUp4(element - free);
        if (grow > b.length - off - len) {
            return -1;
        }
        System.arraycopy(b, end, b, end + grow, off + len - end);
        zero(b, used, end + grow);
        writeElementHeader(b, used, oneByte, id, dataLength);
        Bytes.put16(b, ext + 2, Bytes.u16(b, ext + 2) + grow / 4);
        return len + grow;
    }

    /**
     * Adds an element holding {@code srcLength} bytes copied from {@code src}.
     *
     * @return the packet's new length, or -1 as for {@link #add(byte[], int, int, int, int)}
     */
    public static int add(byte[] b, int off, int len, int id, byte[] src, int srcOff, int srcLength) {
        int newLen = add(b, off, len, id, srcLength);
        if (newLen >= 0) {
            System.arraycopy(src, srcOff, b, find(b, off, newLen, id), srcLength);
        }
        return newLen;
    }

    /**
     * Removes the element {@code id}, shrinking the extension to the words still used (or
     * dropping it and the X bit when it becomes empty) and moving the payload back.
     *
     * @return the packet's new length, or -1 if the element is absent or the packet malformed
     */
    public static int remove(byte[] b, int off, int len, int id) {
        int pos = find(b, off, len, id);
        if (pos < 0) {
            return -1;
        }
        int h = RtpPacket.validHeaderLength(b, off, len);
        int ext = off + RtpPacket.FIXED_HEADER_LENGTH + 4 * RtpPacket.csrcCount(b, off);
        int form = form(Bytes.u16(b, ext));
        int hdr = form == 1 ? 1 : 2;
        int start = pos - hdr;
        int size = hdr + dataLength(b, off, pos);
        int end = off + h;
        System.arraycopy(b, start + size, b, start, end - start - size);
        zero(b, end - size, end);
        int used = usedEnd(b, ext + 4, end, form, -1);
        int shrink;
        if (used == ext + 4) {
            shrink = end - ext;
            b[off] &= ~0x10;
        } else {
            shrink = end - (ext + 4) - roundUp4(used - (ext + 4));
            Bytes.put16(b, ext + 2, Bytes.u16(b, ext + 2) - shrink / 4);
        }
        if (shrink > 0) {
            System.arraycopy(b, end, b, end - shrink, off + len - end);
        }
        return len - shrink;
    }

    /**
     * The offset just past the last element between {@code p} and {@code end}: everything after
     * it is padding. Returns -1 if the elements are malformed or {@code dupId} is present; an
     * id-15 element in the one-byte form returns {@code end}, since nothing may follow it.
     */
    private static int usedEnd(byte[] b, int p, int end, int form, int dupId) {
        int used = p;
        while (p < end) {
            int x = b[p] & 0xFF;
            if (isPadding(x, form)) {
                p++;
                continue;
            }
            int eid;
            int size;
            if (form == 1) {
                eid = x >>> 4;
                if (eid == 15) {
                    return dupId > 0 ? -1 : end;
                }
                size = 1 + (x & 0x0F) + 1;
            } else {
                if (p + 2 > end) {
                    return -1;
                }
                eid = x;
                size = 2 + (b[p + 1] & 0xFF);
            }
            if (p + size > end || eid == dupId) {
                return -1;
            }
            p += size;
            used = p;
        }
        return used;
    }

    /**
     * True for a padding byte: id 0. In the one-byte form that is any byte whose id nibble is 0,
     * whatever its length nibble, so such a byte is skipped alone (as libwebrtc does).
     */
    private static boolean isPadding(int x, int form) {
        return form == 1 ? x < 0x10 : x == 0;
    }

    private static void writeElementHeader(byte[] b, int at, boolean oneByte, int id, int dataLength) {
        if (oneByte) {
            b[at] = (byte) ((id << 4) | (dataLength - 1));
        } else {
            b[at] = (byte) id;
            b[at + 1] = (byte) dataLength;
        }
    }

    private static int roundUp4(int n) {
        return (n + 3) & ~3;
    }

    private static void zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            b[i] = 0;
        }
    }
}
