package dev.sfu.rtp;

import dev.sfu.rtp.util.Bytes;

/**
 * A reusable, mutable view of an RTP packet (RFC 3550 section 5.1) over {@code (buf, off, len)}.
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
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  defined by profile (0xBEDE...) |           length            |  (if X)
 * |                        header extension                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            payload  ...   | padding | count   |  (padding if P)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>{@link #wrap} validates the bytes once and never copies them; getters then read straight from
 * the array and setters write through to it. The static accessors read the same fields without a
 * view; they expect bytes that {@link #headerLength(byte[], int, int)} accepted.
 *
 * <p>The SSRC and CSRCs are returned as the raw 32 bits in an {@code int}; the timestamp as an
 * unsigned value in a {@code long}.
 */
public final class RtpPacket {
    /** The largest packet this server sends or receives, in bytes (an Ethernet MTU). */
    public static final int MTU = 1500;
    /** Spare bytes kept after every packet so SRTP can append its auth tag (and MKI) in place. */
    public static final int TAIL_ROOM = 32;
    /** Size of every pooled packet buffer: {@link #MTU} plus {@link #TAIL_ROOM}. */
    public static final int BUFFER_SIZE = MTU + TAIL_ROOM;
    /** Length of the fixed header, without CSRCs or extension. */
    public static final int FIXED_HEADER_LENGTH = 12;

    private byte[] buf;
    private int off;
    private int len;
    private int headerLength;
    private int paddingLength;

    /** Creates an empty view; call {@link #wrap} before reading. */
    public RtpPacket() {
    }

    /**
     * Points this view at {@code (buf, off, len)} if the bytes hold a valid RTP packet: version 2,
     * the CSRC list and the header extension inside {@code len}, and padding (if the P bit is set)
     * of at least one byte and no larger than what follows the header.
     *
     * @return false, leaving the view empty, if the window or the bytes are invalid
     */
    public boolean wrap(byte[] buf, int off, int len) {
        int header = headerLength(buf, off, len);
        int padding = header < 0 ? -1 : paddingLength(buf, off, len, header);
        if (padding < 0) {
            clear();
            return false;
        }
        this.buf = buf;
        this.off = off;
        this.len = len;
        this.headerLength = header;
        this.paddingLength = padding;
        return true;
    }

    /** Empties the view so that it holds no reference to a buffer. */
    public void clear() {
        buf = null;
        off = 0;
        len = 0;
        headerLength = 0;
        paddingLength = 0;
    }

    /** True after a successful {@link #wrap}. */
    public boolean isWrapped() {
        return buf != null;
    }

    // ---- Validation, usable without a view ----

    /** True if {@code (off, len)} lies inside {@code buf}. */
    public static boolean isWindowValid(byte[] buf, int off, int len) {
        return buf != null && off >= 0 && len >= 0 && off <= buf.length - len;
    }

    /**
     * The header length (fixed header, CSRCs, extension) if the header is valid and fits in
     * {@code len}, otherwise -1. Padding is not checked here.
     */
    public static int headerLength(byte[] buf, int off, int len) {
        if (!isWindowValid(buf, off, len) || len < FIXED_HEADER_LENGTH) {
            return -1;
        }
        int b0 = buf[off] & 0xFF;
        if ((b0 >>> 6) != 2) {
            return -1;
        }
        int header = FIXED_HEADER_LENGTH + 4 * (b0 & 0x0F);
        if ((b0 & 0x10) != 0) {
            if (header + 4 > len) {
                return -1;
            }
            int words = ((buf[off + header + 2] & 0xFF) << 8) | (buf[off + header + 3] & 0xFF);
            header += 4 + 4 * words;
        }
        return header <= len ? header : -1;
    }

    /**
     * The padding length of a packet whose header is {@code headerLength} bytes: 0 without the P
     * bit, else the count in the last byte; -1 if that count is 0 or overruns the header.
     */
    static int paddingLength(byte[] buf, int off, int len, int headerLength) {
        if ((buf[off] & 0x20) == 0) {
            return 0;
        }
        if (len <= headerLength) {
            return -1;
        }
        int padding = buf[off + len - 1] & 0xFF;
        return padding >= 1 && padding <= len - headerLength ? padding : -1;
    }

    /** True if the bytes hold a valid RTP packet, with the same checks as {@link #wrap}. */
    public static boolean isValid(byte[] buf, int off, int len) {
        return validHeaderLength(buf, off, len) >= 0;
    }

    /**
     * The header length if the whole packet passes the checks of {@link #wrap} (padding
     * included), otherwise -1.
     */
    public static int validHeaderLength(byte[] buf, int off, int len) {
        int header = headerLength(buf, off, len);
        return header >= 0 && paddingLength(buf, off, len, header) >= 0 ? header : -1;
    }

    /**
     * The payload length, padding excluded, of a packet whose header {@link #validHeaderLength}
     * measured as {@code headerLength}.
     */
    public static int payloadLength(byte[] buf, int off, int len, int headerLength) {
        return len - headerLength - paddingLength(buf, off, len, headerLength);
    }

    // ---- Static field accessors over validated bytes ----

    public static int version(byte[] b, int off) {
        return (b[off] & 0xC0) >>> 6;
    }

    public static boolean hasPadding(byte[] b, int off) {
        return (b[off] & 0x20) != 0;
    }

    public static boolean hasExtension(byte[] b, int off) {
        return (b[off] & 0x10) != 0;
    }

    public static int csrcCount(byte[] b, int off) {
        return b[off] & 0x0F;
    }

    public static boolean marker(byte[] b, int off) {
        return (b[off + 1] & 0x80) != 0;
    }

    public static int payloadType(byte[] b, int off) {
        return b[off + 1] & 0x7F;
    }

    public static int sequenceNumber(byte[] b, int off) {
        return Bytes.u16(b, off + 2);
    }

    public static long timestamp(byte[] b, int off) {
        return Bytes.s32(b, off + 4) & 0xFFFF_FFFFL;
    }

    public static int ssrc(byte[] b, int off) {
        return Bytes.s32(b, off + 8);
    }

    public static void setMarker(byte[] b, int off, boolean marker) {
        b[off + 1] = (byte) (marker ? (b[off + 1] | 0x80) : (b[off + 1] & 0x7F));
    }

    public static void setPayloadType(byte[] b, int off, int payloadType) {
        b[off + 1] = (byte) ((b[off + 1] & 0x80) | (payloadType & 0x7F));
    }

    public static void setSequenceNumber(byte[] b, int off, int seq) {
        b[off + 2] = (byte) (seq >>> 8);
        b[off + 3] = (byte) seq;
    }

    public static void setTimestamp(byte[] b, int off, long timestamp) {
        Bytes.put32(b, off + 4, (int) timestamp);
    }

    public static void setSsrc(byte[] b, int off, int ssrc) {
        Bytes.put32(b, off + 8, ssrc);
    }

    /**
     * Writes a 12-byte fixed header with version 2, no padding, no extension and no CSRCs.
     *
     * @return the number of bytes written (12)
     */
    public static int writeHeader(byte[] b, int off, boolean marker, int payloadType, int seq,
            long timestamp, int ssrc) {
        b[off] = (byte) 0x80;
        b[off + 1] = (byte) ((marker ? 0x80 : 0) | (payloadType & 0x7F));
        setSequenceNumber(b, off, seq);
        setTimestamp(b, off, timestamp);
        setSsrc(b, off, ssrc);
        return FIXED_HEADER_LENGTH;
    }

    // ---- View getters ----

    public byte[] buffer() {
        return buf;
    }

    public int offset() {
        return off;
    }

    public int length() {
        return len;
    }

    public int version() {
        return version(buf, off);
    }

    public boolean hasPadding() {
        return hasPadding(buf, off);
    }

    public boolean hasExtension() {
        return hasExtension(buf, off);
    }

    public int csrcCount() {
        return csrcCount(buf, off);
    }

    /** The {@code i}-th CSRC, {@code 0 <= i < csrcCount()}. */
    public int csrc(int i) {
        if (i < 0 || i >= csrcCount()) {
            throw new IndexOutOfBoundsException("csrc " + i + " of " + csrcCount());
        }
        return Bytes.s32(buf, off + FIXED_HEADER_LENGTH + 4 * i);
    }

    public boolean marker() {
        return marker(buf, off);
    }

    public int payloadType() {
        return payloadType(buf, off);
    }

    public int sequenceNumber() {
        return sequenceNumber(buf, off);
    }

    public long timestamp() {
        return timestamp(buf, off);
    }

    public int ssrc() {
        return ssrc(buf, off);
    }

    /** Fixed header, CSRCs and header extension, in bytes. */
    public int headerLength() {
        return headerLength;
    }

    /** Absolute offset in {@link #buffer()} of the first payload byte. */
    public int payloadOffset() {
        return off + headerLength;
    }

    /** Payload bytes, without padding. */
    public int payloadLength() {
        return len - headerLength - paddingLength;
    }

    /** Padding bytes at the end, the count byte included; 0 without the P bit. */
    public int paddingLength() {
        return paddingLength;
    }

    /** The 16-bit "defined by profile" field of the header extension, or -1 without one. */
    public int extensionProfile() {
        if (!hasExtension()) {
            return -1;
        }
        int at = off + FIXED_HEADER_LENGTH + 4 * csrcCount();
        return ((buf[at] & 0xFF) << 8) | (buf[at + 1] & 0xFF);
    }

    /** Absolute offset of the header extension's data (after its 4-byte header), or -1. */
    public int extensionDataOffset() {
        return hasExtension() ? off + FIXED_HEADER_LENGTH + 4 * csrcCount() + 4 : -1;
    }

    /** Length of the header extension's data in bytes (a multiple of 4), or 0 without one. */
    public int extensionDataLength() {
        return hasExtension() ? headerLength - FIXED_HEADER_LENGTH - 4 * csrcCount() - 4 : 0;
    }

    // ---- View setters, writing through to the buffer ----

    public void setMarker(boolean marker) {
        setMarker(buf, off, marker);
    }

    public void setPayloadType(int payloadType) {
        setPayloadType(buf, off, payloadType);
    }

    public void setSequenceNumber(int seq) {
        setSequenceNumber(buf, off, seq);
    }

    public void setTimestamp(long timestamp) {
        setTimestamp(buf, off, timestamp);
    }

    public void setSsrc(int ssrc) {
        setSsrc(buf, off, ssrc);
    }

    @Override
    public String toString() {
        if (buf == null) {
            return "RtpPacket[empty]";
        }
        return "RtpPacket[ssrc=" + Integer.toUnsignedString(ssrc()) + " pt=" + payloadType()
                + " seq=" + sequenceNumber() + " ts=" + timestamp() + " m=" + marker()
                + " len=" + len + " payload=" + payloadLength() + "]";
    }
}
