package dev.sfu.rtp.ext;

/**
 * The absolute send time header extension
 * (http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time).
 *
 * <pre>
 *  0                   1                   2
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  seconds  |         fraction (18 bits)        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * A 24-bit 6.18 fixed-point time in seconds that wraps every 64 seconds.
 */
public final class AbsSendTimeExtension {
    /** The URI negotiated in SDP {@code a=extmap}. */
    public static final String URI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    /** Bytes of data in the element. */
    public static final int DATA_LENGTH = 3;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private AbsSendTimeExtension() {
    }

    /** The raw 24-bit value at {@code pos}. */
    public static int read(byte[] b, int pos) {
        return ((b[pos] & 0xFF) << 16) | ((b[pos + 1] & 0xFF) << 8) | (b[pos + 2] & 0xFF);
    }

    /** The raw value of the packet's element {@code id}, or -1 if absent or malformed. */
    public static int read(byte[] b, int off, int len, int id) {
        int pos = HeaderExtensions.find(b, off, len, id);
        return pos >= 0 && HeaderExtensions.dataLength(b, off, pos) >= DATA_LENGTH ? read(b, pos) : -1;
    }

    /** Writes the low 24 bits of {@code value} at {@code pos}. */
    public static void write(byte[] b, int pos, int value) {
        b[pos] = (byte) (value >>> 16);
        b[pos + 1] = (byte) (value >>> 8);
        b[pos + 2] = (byte) value;
    }

    /** The 6.18 value of a time in nanoseconds (its seconds taken modulo 64). */
    public static int fromNanos(long nanos) {
        long seconds = Math.floorDiv(nanos, NANOS_PER_SECOND);
        long fraction = Math.floorMod(nanos, NANOS_PER_SECOND);
        return (int) (((seconds & 0x3F) << 18) | ((fraction << 18) / NANOS_PER_SECOND));
    }

    /** Nanoseconds (0 to just under 64 s) of a 6.18 value. */
    public static long toNanos(int value) {
        return ((value & 0xFF_FFFFL) * NANOS_PER_SECOND) >>> 18;
    }

    /**
     * Adds the element to the packet.
     *
     * @return the packet's new length, or -1 as for {@link HeaderExtensions#add}
     */
    public static int add(byte[] b, int off, int len, int id, int value) {
        int newLen = HeaderExtensions.add(b, off, len, id, DATA_LENGTH);
        if (newLen >= 0) {
            write(b, HeaderExtensions.find(b, off, newLen, id), value);
        }
        return newLen;
    }
}
