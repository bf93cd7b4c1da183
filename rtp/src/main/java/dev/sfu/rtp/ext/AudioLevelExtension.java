package dev.sfu.rtp.ext;

/**
 * The client-to-mixer audio level header extension (RFC 6464 section 3).
 *
 * <pre>
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * |V|    level    |
 * +-+-+-+-+-+-+-+-+
 * </pre>
 * V is the voice activity flag; level is the audio level in -dBov, 0 (loudest) to 127 (silence).
 * The static readers take the data offset that {@link HeaderExtensions#find} returned.
 */
public final class AudioLevelExtension {
    /** The URI negotiated in SDP {@code a=extmap}. */
    public static final String URI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    /** Bytes of data in the element. */
    public static final int DATA_LENGTH = 1;

    private AudioLevelExtension() {
    }

    /** The level in -dBov (0 loudest, 127 silence) at {@code pos}. */
    public static int level(byte[] b, int pos) {
        return b[pos] & 0x7F;
    }

    /** The voice activity flag at {@code pos}. */
    public static boolean voiceActivity(byte[] b, int pos) {
        return (b[pos] & 0x80) != 0;
    }

    /** The level of the packet's element {@code id}, or -1 if it is absent or malformed. */
    public static int level(byte[] b, int off, int len, int id) {
        int pos = HeaderExtensions.find(b, off, len, id);
        return pos >= 0 && HeaderExtensions.dataLength(b, off, pos) >= DATA_LENGTH ? level(b, pos) : -1;
    }

    /** Writes the flag and the level (clamped to 0-127) at {@code pos}. */
    public static void write(byte[] b, int pos, boolean voiceActivity, int level) {
        int clamped = Math.max(0, Math.min(127, level));
        b[pos] = (byte) ((voiceActivity ? 0x80 : 0) | clamped);
    }

    /**
     * Adds the element to the packet.
     *
     * @return the packet's new length, or -1 as for {@link HeaderExtensions#add}
     */
    public static int add(byte[] b, int off, int len, int id, boolean voiceActivity, int level) {
        int newLen = HeaderExtensions.add(b, off, len, id, DATA_LENGTH);
        if (newLen >= 0) {
            write(b, HeaderExtensions.find(b, off, newLen, id), voiceActivity, level);
        }
        return newLen;
    }
}
