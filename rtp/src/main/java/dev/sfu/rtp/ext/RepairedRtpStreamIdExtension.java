package dev.sfu.rtp.ext;

/**
 * The RepairedRtpStreamId header extension (RFC 8852 section 3.2): the rid of the stream that an RTX packet repairs.
 *
 * <pre>
 *  0                   1                   2
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ID   |  len  | value (US-ASCII, len+1 bytes)... (one-byte form)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The value is the element's data, without a terminator (RFC 7941 section 4).
 */
public final class RepairedRtpStreamIdExtension {
    /** The URI negotiated in SDP {@code a=extmap}. */
    public static final String URI = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";

    private RepairedRtpStreamIdExtension() {
    }

    /** The value of the packet's element {@code id}, or null if absent. Allocates: off the hot path. */
    public static String read(byte[] b, int off, int len, int id) {
        return SdesText.read(b, off, len, id);
    }

    /**
     * Copies the value's bytes to {@code dst} without allocating.
     *
     * @return the number of bytes copied, or -1 if absent or {@code dst} is too small
     */
    public static int read(byte[] b, int off, int len, int id, byte[] dst, int dstOff) {
        return SdesText.copy(b, off, len, id, dst, dstOff);
    }

    /** True if the packet's element {@code id} holds exactly {@code value}, without allocating. */
    public static boolean matches(byte[] b, int off, int len, int id, CharSequence value) {
        return SdesText.matches(b, off, len, id, value);
    }

    /**
     * Adds the element with an ASCII {@code value}.
     *
     * @return the packet's new length, or -1 if the value is not ASCII or as for
     *     {@link HeaderExtensions#add}
     */
    public static int add(byte[] b, int off, int len, int id, CharSequence value) {
        return SdesText.add(b, off, len, id, value);
    }
}
