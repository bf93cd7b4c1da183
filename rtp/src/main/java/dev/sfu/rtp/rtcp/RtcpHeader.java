package dev.sfu.rtp.rtcp;

import dev.sfu.rtp.util.Bytes;

/**
 * The common RTCP header, RFC 3550 section 6.4.1 (and RFC 4585 section 6.1 for feedback, where
 * the count field carries the feedback message type FMT).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| RC/FMT  |      PT       |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The length field counts 32-bit words minus one, header included, so a packet is never shorter
 * than 4 bytes. When P is set, the last octet of the packet counts the padding octets, itself
 * included (RFC 3550 section 6.4.1).
 *
 * <p>The static accessors read straight from the bytes; call {@link #validLength} first to know
 * that the bytes they read are inside the caller's window.
 */
public final class RtcpHeader {
    /** Size of the common header in bytes. */
    public static final int SIZE = 4;
    /** The only RTP/RTCP version, RFC 3550 section 6.4.1. */
    public static final int VERSION = 2;
    /** Sender report, RFC 3550 section 6.4.1. */
    public static final int PT_SR = 200;
    /** Receiver report, RFC 3550 section 6.4.2. */
    public static final int PT_RR = 201;
    /** Source description, RFC 3550 section 6.5. */
    public static final int PT_SDES = 202;
    /** Goodbye, RFC 3550 section 6.6. */
    public static final int PT_BYE = 203;
    /** Application-defined, RFC 3550 section 6.7. */
    public static final int PT_APP = 204;
    /** Transport-layer feedback (generic NACK, transport-cc), RFC 4585 section 6.2. */
    public static final int PT_RTPFB = 205;
    /** Payload-specific feedback (PLI, FIR, REMB), RFC 4585 section 6.3. */
    public static final int PT_PSFB = 206;
    /** Largest RTCP packet the 16-bit length field can describe. */
    public static final int MAX_PACKET_LENGTH = (0xFFFF + 1) * 4;

    private RtcpHeader() {
    }

    /** The V field. */
    public static int version(byte[] buf, int off) {
        return (buf[off] & 0xC0) >>> 6;
    }

    /** The P bit: the packet ends with padding whose length is its last octet. */
    public static boolean hasPadding(byte[] buf, int off) {
        return (buf[off] & 0x20) != 0;
    }

    /** The 5-bit RC, SC or FMT field. */
    public static int count(byte[] buf, int off) {
        return buf[off] & 0x1F;
    }

    /** The PT field, 0-255. */
    public static int packetType(byte[] buf, int off) {
        return buf[off + 1] & 0xFF;
    }

    /** The raw length field: 32-bit words minus one. */
    public static int lengthField(byte[] buf, int off) {
        return Bytes.u16(buf, off + 2);
    }

    /** The packet length in bytes the header declares, header included: (length + 1) * 4. */
    public static int packetLength(byte[] buf, int off) {
        return (lengthField(buf, off) + 1) * 4;
    }

    /**
     * Checks the RTCP packet that starts at {@code off} against the window {@code (off, len)}:
     * header present, version 2, declared length inside the window, and, when P is set, a
     * padding count between 1 and the bytes after the header.
     *
     * @return the declared packet length in bytes, or -1 when the bytes are not a valid packet
     */
    public static int validLength(byte[] buf, int off, int len) {
        if (!Bytes.window(buf, off, len) || len < SIZE) {
            return -1;
        }
        if (version(buf, off) != VERSION) {
            return -1;
        }
        int packetLength = packetLength(buf, off);
        if (packetLength > len) {
            return -1;
        }
        if (hasPadding(buf, off)) {
            int pad = Bytes.u8(buf, off + packetLength - 1);
            if (pad == 0 || pad > packetLength - SIZE) {
                return -1;
            }
        }
        return packetLength;
    }

    /** Padding octets at the end of a packet already checked by {@link #validLength}; 0 without P. */
    public static int paddingLength(byte[] buf, int off) {
        return hasPadding(buf, off) ? Bytes.u8(buf, off + packetLength(buf, off) - 1) : 0;
    }

    /**
     * Writes a header with P clear.
     *
     * @param room         bytes available at {@code off}
     * @param count        RC, SC or FMT, 0-31
     * @param packetType   PT, 0-255
     * @param packetLength the whole packet's length in bytes: a multiple of 4, at least 4
     * @return {@link #SIZE}, or -1 when there is no room or an argument is out of range
     */
    public static int write(byte[] buf, int off, int room, int count, int packetType, int packetLength) {
        if (!Bytes.window(buf, off, Math.min(room, SIZE)) || room < SIZE
                || count < 0 || count > 31 || packetType < 0 || packetType > 255
                || packetLength < SIZE || packetLength > MAX_PACKET_LENGTH || (packetLength & 3) != 0) {
            return -1;
        }
        buf[off] = (byte) ((VERSION << 6) | count);
        buf[off + 1] = (byte) packetType;
        Bytes.put16(buf, off + 2, packetLength / 4 - 1);
        return SIZE;
    }

    /** Sets the P bit of a header written by {@link #write}. */
    static void setPadding(byte[] buf, int off) {
        buf[off] |= 0x20;
    }
}
