package dev.sfu.rtp.ext;

/**
 * The transport-wide sequence number header extension
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 section 2).
 *
 * <pre>
 *  0                   1
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  transport-wide sequence number |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * One 16-bit counter per sender across all its media streams, read back in transport-cc feedback.
 */
public final class TransportCcExtension {
    /** The URI negotiated in SDP {@code a=extmap}. */
    public static final String URI =
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    /** Bytes of data in the element. */
    public static final int DATA_LENGTH = 2;

    private TransportCcExtension() {
    }

    /** The sequence number at {@code pos}. */
    public static int read(byte[] b, int pos) {
        return ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
    }

    /** The sequence number in the packet's element {@code id}, or -1 if absent or malformed. */
    public static int read(byte[] b, int off, int len, int id) {
        int pos = HeaderExtensions.find(b, off, len, id);
        return pos >= 0 && HeaderExtensions.dataLength(b, off, pos) >= DATA_LENGTH ? read(b, pos) : -1;
    }

    /** Writes the low 16 bits of {@code seq} at {@code pos}. */
    public static void write(byte[] b, int pos, int seq) {
        b[pos] = (byte) (seq >>> 8);
        b[pos + 1] = (byte) seq;
    }

    /**
     * Overwrites the sequence number of the packet's element {@code id}.
     *
     * @return false if the element is absent or malformed
     */
    public static boolean write(byte[] b, int off, int len, int id, int seq) {
        int pos = HeaderExtensions.find(b, off, len, id);
        if (pos < 0 || HeaderExtensions.dataLength(b, off, pos) < DATA_LENGTH) {
            return false;
        }
        write(b, pos, seq);
        return true;
    }

    /**
     * Adds the element to the packet.
     *
     * @return the packet's new length, or -1 as for {@link HeaderExtensions#add}
     */
    public static int add(byte[] b, int off, int len, int id, int seq) {
        int newLen = HeaderExtensions.add(b, off, len, id, DATA_LENGTH);
        if (newLen >= 0) {
            write(b, HeaderExtensions.find(b, off, newLen, id), seq);
        }
        return newLen;
    }
}
