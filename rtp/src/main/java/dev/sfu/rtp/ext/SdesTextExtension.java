package dev.sfu.rtp.ext;

import java.nio.charset.StandardCharsets;

/**
 * The header extensions that carry an SDES item as text (RFC 7941), which differ only in their
 * URI: the MID of BUNDLE (RFC 9143), the rid of a simulcast layer, RtpStreamId (RFC 8852
 * section 3.1), and the rid an RTX packet repairs, RepairedRtpStreamId (RFC 8852 section 3.2).
 *
 * <pre>
 *  0                   1                   2
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ID   |  len  | value (US-ASCII, len+1 bytes)... (one-byte form)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The value is the element's data, without a terminator (RFC 7941 section 4). Trailing zero
 * bytes, which some senders add, are ignored.
 */
public final class SdesTextExtension {
    /** The URI of the MID (RFC 9143) negotiated in SDP {@code a=extmap}. */
    public static final String MID_URI = "urn:ietf:params:rtp-hdrext:sdes:mid";
    /** The URI of RtpStreamId, a simulcast layer's rid (RFC 8852 section 3.1). */
    public static final String RTP_STREAM_ID_URI = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    /** The URI of RepairedRtpStreamId, the rid of the stream an RTX packet repairs (RFC 8852 section 3.2). */
    public static final String REPAIRED_RTP_STREAM_ID_URI = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";

    private SdesTextExtension() {
    }

    /** Length of the text at {@code (pos, n)} without trailing zero bytes. */
    static int trimmedLength(byte[] b, int pos, int n) {
        while (n > 0 && b[pos + n - 1] == 0) {
            n--;
        }
        return n;
    }

    /** The value of the packet's element {@code id}, or null if absent. Allocates: off the hot path. */
    public static String read(byte[] b, int off, int len, int id) {
        int pos = HeaderExtensions.find(b, off, len, id);
        if (pos < 0) {
            return null;
        }
        int n = trimmedLength(b, pos, HeaderExtensions.dataLength(b, off, pos));
        return new String(b, pos, n, StandardCharsets.US_ASCII);
    }

    /**
     * Copies the value's bytes to {@code dst} without allocating.
     *
     * @return the number of bytes copied, or -1 if absent or {@code dst} is too small
     */
    public static int read(byte[] b, int off, int len, int id, byte[] dst, int dstOff) {
        int pos = HeaderExtensions.find(b, off, len, id);
        if (pos < 0) {
            return -1;
        }
        int n = trimmedLength(b, pos, HeaderExtensions.dataLength(b, off, pos));
        if (n > dst.length - dstOff) {
            return -1;
        }
        System.arraycopy(b, pos, dst, dstOff, n);
        return n;
    }

    /** True if the packet's element {@code id} holds exactly {@code value}, without allocating. */
    public static boolean matches(byte[] b, int off, int len, int id, CharSequence value) {
        int pos = HeaderExtensions.find(b, off, len, id);
        if (pos < 0) {
            return false;
        }
        int n = trimmedLength(b, pos, HeaderExtensions.dataLength(b, off, pos));
        if (n != value.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if ((b[pos + i] & 0xFF) != value.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Adds the element with an ASCII {@code value}.
     *
     * @return the packet's new length, or -1 if the value is not ASCII or as for
     *     {@link HeaderExtensions#add}
     */
    public static int add(byte[] b, int off, int len, int id, CharSequence value) {
        int n = value.length();
        for (int i = 0; i < n; i++) {
            if (value.charAt(i) == 0 || value.charAt(i) > 0x7F) {
                return -1;
            }
        }
        int newLen = HeaderExtensions.add(b, off, len, id, n);
        if (newLen >= 0) {
            int pos = HeaderExtensions.find(b, off, newLen, id);
            for (int i = 0; i < n; i++) {
                b[pos + i] = (byte) value.charAt(i);
            }
        }
        return newLen;
    }
}
