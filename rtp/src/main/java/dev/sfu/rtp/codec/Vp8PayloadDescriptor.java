package dev.sfu.rtp.codec;

/**
 * The VP8 payload descriptor at the start of every VP8 RTP payload (RFC 7741 section 4.2),
 * read and written over {@code (b, off, len)}, where {@code off} is the RTP payload offset.
 *
 * <pre>
 *       0 1 2 3 4 5 6 7
 *      +-+-+-+-+-+-+-+-+
 *      |X|R|N|S|R| PID | (REQUIRED)
 *      +-+-+-+-+-+-+-+-+
 * X:   |I|L|T|K| RSV   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * I:   |M| PictureID   | (OPTIONAL, M=1: 15-bit picture id over two bytes)
 *      +-+-+-+-+-+-+-+-+
 *      |   PictureID   |
 *      +-+-+-+-+-+-+-+-+
 * L:   |   TL0PICIDX   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * T/K: |TID|Y| KEYIDX  | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The VP8 payload header follows (RFC 7741 section 4.3); in the first packet of a frame (S=1,
 * PID=0) its first byte's low bit P is 0 for a key frame, and a key frame's 3-byte frame tag is
 * followed by the start code 0x9D 0x01 0x2A and the 14-bit width and height (RFC 6386 9.1).
 *
 * <p>Readers return -1 (or false) when the window is too short for the field or the field is
 * absent; setters then return false and write nothing. Nothing is read or written outside
 * {@code (off, len)}, and nothing allocates or throws.
 */
public final class Vp8PayloadDescriptor {
    private static final int X = 0x80;
    private static final int N = 0x20;
    private static final int S = 0x10;
    private static final int I = 0x80;
    private static final int L = 0x40;
    private static final int T = 0x20;
    private static final int K = 0x10;

    /** Length of a key frame's payload header: frame tag, start code, width and height. */
    public static final int KEYFRAME_HEADER_LENGTH = 10;
    /** Length of an interframe's payload header: the frame tag. */
    public static final int INTERFRAME_HEADER_LENGTH = 3;

    private Vp8PayloadDescriptor() {
    }

    /** The descriptor's length in bytes (1 to 6), or -1 if the window is too short. */
    public static int length(byte[] b, int off, int len) {
        if (len < 1) {
            return -1;
        }
        if ((b[off] & X) == 0) {
            return 1;
        }
        if (len < 2) {
            return -1;
        }
        int ext = b[off + 1] & 0xFF;
        int n = 2;
        if ((ext & I) != 0) {
            if (len < n + 1) {
                return -1;
            }
            n += (b[off + n] & 0x80) != 0 ? 2 : 1;
        }
        if ((ext & L) != 0) {
            n++;
        }
        if ((ext & (T | K)) != 0) {
            n++;
        }
        return n <= len ? n : -1;
    }

    /** True if the N bit marks a frame no other frame references. */
    public static boolean isNonReference(byte[] b, int off, int len) {
        return len >= 1 && (b[off] & N) != 0;
    }

    /** True if the S bit marks the start of a VP8 partition. */
    public static boolean isStartOfPartition(byte[] b, int off, int len) {
        return len >= 1 && (b[off] & S) != 0;
    }

    /** The partition index PID (0-7), or -1 on an empty window. */
    public static int partitionIndex(byte[] b, int off, int len) {
        return len >= 1 ? b[off] & 0x07 : -1;
    }

    /** True if this packet starts a frame: S=1 and PID=0. */
    public static boolean isStartOfFrame(byte[] b, int off, int len) {
        return len >= 1 && (b[off] & (S | 0x07)) == S;
    }

    /** The picture id (7 or 15 bits), or -1 if absent or truncated. */
    public static int pictureId(byte[] b, int off, int len) {
        int at = extensionFieldOffset(b, off, len, I);
        if (at < 0) {
            return -1;
        }
        int first = b[at] & 0xFF;
        if ((first & 0x80) == 0) {
            return first;
        }
        return ((first & 0x7F) << 8) | (b[at + 1] & 0xFF);
    }

    /** True if the picture id is the 15-bit form (M=1); false if 7-bit, absent or truncated. */
    public static boolean hasLongPictureId(byte[] b, int off, int len) {
        int at = extensionFieldOffset(b, off, len, I);
        return at >= 0 && (b[at] & 0x80) != 0;
    }

    /** TL0PICIDX, or -1 if absent or truncated. */
    public static int tl0PicIdx(byte[] b, int off, int len) {
        int at = extensionFieldOffset(b, off, len, L);
        return at < 0 ? -1 : b[at] & 0xFF;
    }

    /** The temporal layer index TID (0-3), or -1 if absent (T=0) or truncated. */
    public static int temporalLayer(byte[] b, int off, int len) {
        int at = extensionFieldOffset(b, off, len, T);
        return at < 0 ? -1 : (b[at] & 0xC0) >>> 6;
    }

    /** The layer sync bit Y; false if T is absent or truncated. */
    public static boolean isLayerSync(byte[] b, int off, int len) {
        int at = extensionFieldOffset(b, off, len, T);
        return at >= 0 && (b[at] & 0x20) != 0;
    }

    /** KEYIDX (0-31), or -1 if absent (K=0) or truncated. */
    public static int keyIndex(byte[] b, int off, int len) {
        int at = extensionFieldOffset(b, off, len, K);
        return at < 0 ? -1 : b[at] & 0x1F;
    }

    /**
     * True if this packet starts a key frame: S=1, PID=0, and the payload header after the
     * descriptor has P=0 and the key frame start code.
     */
    public static boolean isKeyframe(byte[] b, int off, int len) {
        if (!isStartOfFrame(b, off, len)) {
            return false;
        }
        int d = length(b, off, len);
        if (d < 0 || len - d < KEYFRAME_HEADER_LENGTH) {
            return false;
        }
        int h = off + d;
        return (b[h] & 0x01) == 0
                && (b[h + 3] & 0xFF) == 0x9D && (b[h + 4] & 0xFF) == 0x01 && (b[h + 5] & 0xFF) == 0x2A;
    }

    /**
     * The width in pixels of the key frame this packet starts (RFC 6386 section 9.1), or -1 when
     * the packet does not start a key frame ({@link #isKeyframe}) or is truncated. The key frame
     * header follows the descriptor, sizes little-endian:
     *
     * <pre>
     * bytes 0-2  frame tag, 24 bits little-endian, from the least significant bit up:
     *            P (1 bit, 0 = key frame) | version (3) | show_frame (1) | first partition size (19)
     * bytes 3-5  start code 0x9d 0x01 0x2a
     * bytes 6-7  16 bits little-endian: width (low 14 bits) | horizontal scale (top 2 bits)
     * bytes 8-9  16 bits little-endian: height (low 14 bits) | vertical scale (top 2 bits)
     * </pre>
     *
     * The scale bits (upscaling mode) are not part of the size.
     */
    public static int keyframeWidth(byte[] b, int off, int len) {
        return keyframeSize(b, off, len, 6);
    }

    /** The height in pixels of the key frame this packet starts, as {@link #keyframeWidth}. */
    public static int keyframeHeight(byte[] b, int off, int len) {
        return keyframeSize(b, off, len, 8);
    }

    /** The 14-bit size at {@code at} bytes into the key frame header, or -1 if no key frame. */
    private static int keyframeSize(byte[] b, int off, int len, int at) {
        if (!isKeyframe(b, off, len)) {
            return -1;
        }
        int h = off + length(b, off, len) + at;
        return (b[h] & 0xFF) | ((b[h + 1] & 0x3F) << 8);
    }

    // ---- In-place setters: each keeps the field's width and leaves every other bit alone ----

    /**
     * Sets the picture id, keeping the field's width: {@code id} is masked to 7 or 15 bits as
     * present (M stays as it is), so a caller may pass a running counter.
     *
     * @return false, changing nothing, if the picture id is absent or the descriptor truncated
     */
    public static boolean setPictureId(byte[] b, int off, int len, int id) {
        int at = extensionFieldOffset(b, off, len, I);
        if (at < 0) {
            return false;
        }
        if ((b[at] & 0x80) == 0) {
            b[at] = (byte) (id & 0x7F);
        } else {
            b[at] = (byte) (0x80 | ((id >>> 8) & 0x7F));
            b[at + 1] = (byte) id;
        }
        return true;
    }

    /**
     * Sets TL0PICIDX to {@code idx} modulo 256.
     *
     * @return false, changing nothing, if TL0PICIDX is absent or the descriptor truncated
     */
    public static boolean setTl0PicIdx(byte[] b, int off, int len, int idx) {
        int at = extensionFieldOffset(b, off, len, L);
        if (at < 0) {
            return false;
        }
        b[at] = (byte) idx;
        return true;
    }

    /**
     * Sets KEYIDX to {@code idx} modulo 32, keeping TID and Y.
     *
     * @return false, changing nothing, if KEYIDX is absent (K=0) or the descriptor truncated
     */
    public static boolean setKeyIndex(byte[] b, int off, int len, int idx) {
        int at = extensionFieldOffset(b, off, len, K);
        if (at < 0) {
            return false;
        }
        b[at] = (byte) ((b[at] & 0xE0) | (idx & 0x1F));
        return true;
    }

    /**
     * The absolute offset of the extension field selected by {@code bit} (I, L, or T/K, which
     * share a byte), or -1 if X or that bit is clear or the descriptor is truncated.
     */
    private static int extensionFieldOffset(byte[] b, int off, int len, int bit) {
        int n = length(b, off, len);
        if (n < 2) {
            return -1;
        }
        int ext = b[off + 1] & 0xFF;
        if ((ext & bit) == 0) {
            return -1;
        }
        int at = off + 2;
        if (bit == I) {
            return at;
        }
        if ((ext & I) != 0) {
            at += (b[at] & 0x80) != 0 ? 2 : 1;
        }
        if (bit == L) {
            return at;
        }
        if ((ext & L) != 0) {
            at++;
        }
        return at;
    }

    // ---- Writer ----

    /**
     * The length {@link #write} will produce for these optional fields (-1 meaning absent).
     */
    public static int length(int pictureId, int tl0PicIdx, int temporalLayer, int keyIndex) {
        boolean ext = pictureId >= 0 || tl0PicIdx >= 0 || temporalLayer >= 0 || keyIndex >= 0;
        if (!ext) {
            return 1;
        }
        int n = 2;
        if (pictureId >= 0) {
            n += pictureId > 0x7F ? 2 : 1;
        }
        if (tl0PicIdx >= 0) {
            n++;
        }
        if (temporalLayer >= 0 || keyIndex >= 0) {
            n++;
        }
        return n;
    }

    /**
     * Writes a descriptor. Pass -1 for an absent optional field. A picture id above 127 (or
     * {@code longPictureId}) is written in the 15-bit form.
     *
     * @return the number of bytes written, or -1 if {@code b} lacks room
     */
    public static int write(byte[] b, int off, boolean nonReference, boolean startOfPartition,
            int partitionIndex, int pictureId, boolean longPictureId, int tl0PicIdx,
            int temporalLayer, boolean layerSync, int keyIndex) {
        boolean longId = pictureId >= 0 && (longPictureId || pictureId > 0x7F);
        int n = length(pictureId, tl0PicIdx, temporalLayer, keyIndex)
                + (longId && pictureId <= 0x7F ? 1 : 0);
        if (off < 0 || n > b.length - off) {
            return -1;
        }
        boolean ext = n > 1;
        b[off] = (byte) ((ext ? X : 0) | (nonReference ? N : 0) | (startOfPartition ? S : 0)
                | (partitionIndex & 0x07));
        if (!ext) {
            return 1;
        }
        int at = off + 2;
        int flags = 0;
        if (pictureId >= 0) {
            flags |= I;
            if (longId) {
                b[at++] = (byte) (0x80 | ((pictureId >>> 8) & 0x7F));
                b[at++] = (byte) pictureId;
            } else {
                b[at++] = (byte) (pictureId & 0x7F);
            }
        }
        if (tl0PicIdx >= 0) {
            flags |= L;
            b[at++] = (byte) tl0PicIdx;
        }
        if (temporalLayer >= 0 || keyIndex >= 0) {
            flags |= (temporalLayer >= 0 ? T : 0) | (keyIndex >= 0 ? K : 0);
            b[at++] = (byte) (((Math.max(temporalLayer, 0) & 0x03) << 6) | (layerSync ? 0x20 : 0)
                    | (Math.max(keyIndex, 0) & 0x1F));
        }
        b[off + 1] = (byte) flags;
        return at - off;
    }

    /**
     * Writes a descriptor that starts a frame (S=1, PID=0) with a 15-bit picture id, as browsers
     * send it, and no other optional field.
     *
     * @return the number of bytes written (4), or -1 if {@code b} lacks room
     */
    public static int writeStartOfFrame(byte[] b, int off, int pictureId) {
        return write(b, off, false, true, 0, pictureId & 0x7FFF, true, -1, -1, false, -1);
    }

    /**
     * Writes the VP8 payload header that follows the descriptor in the first packet of a frame
     * (RFC 6386 section 9.1): the 3-byte frame tag with the show-frame bit and the first
     * partition size, and for a key frame the start code, width and height (scale 0).
     *
     * @return bytes written: {@link #KEYFRAME_HEADER_LENGTH} or {@link #INTERFRAME_HEADER_LENGTH},
     *     or -1 if {@code b} lacks room
     */
    public static int writePayloadHeader(byte[] b, int off, boolean keyframe, int firstPartitionSize,
            int width, int height) {
        int n = keyframe ? KEYFRAME_HEADER_LENGTH : INTERFRAME_HEADER_LENGTH;
        if (off < 0 || n > b.length - off) {
            return -1;
        }
        // Frame tag: P (bit 0), version (bits 1-3, 0), show_frame (bit 4), partition size (19 bits).
        int tag = (keyframe ? 0 : 1) | 0x10 | ((firstPartitionSize & 0x7FFFF) << 5);
        b[off] = (byte) tag;
        b[off + 1] = (byte) (tag >>> 8);
        b[off + 2] = (byte) (tag >>> 16);
        if (keyframe) {
            b[off + 3] = (byte) 0x9D;
            b[off + 4] = 0x01;
            b[off + 5] = 0x2A;
            b[off + 6] = (byte) width;
            b[off + 7] = (byte) ((width >>> 8) & 0x3F);
            b[off + 8] = (byte) height;
            b[off + 9] = (byte) ((height >>> 8) & 0x3F);
        }
        return n;
    }
}
