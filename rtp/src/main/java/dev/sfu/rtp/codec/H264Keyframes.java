package dev.sfu.rtp.codec;

/**
 * Key frame detection in H.264 RTP payloads (RFC 6184), over {@code (b, off, len)} where
 * {@code off} is the RTP payload offset.
 *
 * <pre>
 * NAL unit header (RFC 6184 section 1.3)    FU header (section 5.8)
 * +---------------+                         +---------------+
 * |0|1|2|3|4|5|6|7|                         |0|1|2|3|4|5|6|7|
 * +-+-+-+-+-+-+-+-+                         +-+-+-+-+-+-+-+-+
 * |F|NRI|  Type   |                         |S|E|R|  Type   |
 * +---------------+                         +---------------+
 * </pre>
 *
 * A packet carries a key frame when it holds (or starts, for FU-A) an IDR slice (type 5) or a
 * sequence parameter set (type 7), which encoders send right before an IDR:
 * <ul>
 * <li>single NAL unit packet (types 1-23, section 5.6): its own type;</li>
 * <li>STAP-A (type 24, section 5.7.1): a list of 16-bit size + NAL unit;</li>
 * <li>FU-A (type 28, section 5.8): the FU header's type, with the start bit S set.</li>
 * </ul>
 * Truncated or inconsistent payloads give false (or -1). Nothing is read outside the window.
 */
public final class H264Keyframes {
    /** Coded slice of an IDR picture. */
    public static final int NAL_IDR = 5;
    /** Sequence parameter set. */
    public static final int NAL_SPS = 7;
    /** Picture parameter set. */
    public static final int NAL_PPS = 8;
    /** Single-time aggregation packet. */
    public static final int STAP_A = 24;
    /** Fragmentation unit. */
    public static final int FU_A = 28;

    private H264Keyframes() {
    }

    /** The NAL unit type of the payload's first byte (0-31), or -1 on an empty window. */
    public static int nalType(byte[] b, int off, int len) {
        return len >= 1 ? b[off] & 0x1F : -1;
    }

    /** True if the payload holds or starts an IDR slice or an SPS. */
    public static boolean isKeyframe(byte[] b, int off, int len) {
        int type = nalType(b, off, len);
        if (type < 0) {
            return false;
        }
        if (type == STAP_A) {
            return stapAHasKeyframe(b, off, len);
        }
        if (type == FU_A) {
            if (len < 2) {
                return false;
            }
            int fu = b[off + 1] & 0xFF;
            return (fu & 0x80) != 0 && isKeyframeNal(fu & 0x1F);
        }
        return type >= 1 && type <= 23 && isKeyframeNal(type);
    }

    /** True for IDR slice and SPS NAL unit types. */
    public static boolean isKeyframeNal(int type) {
        return type == NAL_IDR || type == NAL_SPS;
    }

    /**
     * Walks the aggregation units of a STAP-A. Returns true at the first IDR or SPS unit; false
     * at the end, or if a unit is empty or overruns the window.
     */
    private static boolean stapAHasKeyframe(byte[] b, int off, int len) {
        int p = off + 1;
        int end = off + len;
        while (end - p >= 2) {
            int size = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
            p += 2;
            if (size == 0 || size > end - p) {
                return false;
            }
            if (isKeyframeNal(b[p] & 0x1F)) {
                return true;
            }
            p += size;
        }
        return false;
    }
}
