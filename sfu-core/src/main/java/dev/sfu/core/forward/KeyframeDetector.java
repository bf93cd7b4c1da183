package dev.sfu.core.forward;

/**
 * Tells whether an RTP payload starts a keyframe, without decoding it. Used to hold back video
 * from a new subscriber until it can decode. Temporary home until the rtp module's codec
 * inspection is merged.
 */
public final class KeyframeDetector {
    /** The codecs whose payloads can be inspected. */
    public enum Format { VP8, H264, OTHER }

    private KeyframeDetector() {
    }

    public static Format format(String codecName) {
        if ("VP8".equalsIgnoreCase(codecName)) {
            return Format.VP8;
        }
        if ("H264".equalsIgnoreCase(codecName)) {
            return Format.H264;
        }
        return Format.OTHER;
    }

    /** True when the payload at {@code off}, {@code len} starts a keyframe of {@code format}. */
    public static boolean isKeyframe(Format format, byte[] b, int off, int len) {
        switch (format) {
            case VP8:
                return isVp8Keyframe(b, off, len);
            case H264:
                return isH264Keyframe(b, off, len);
            default:
                return true; // Unknown codecs are never held back.
        }
    }

    /**
     * RFC 7741 section 4.2: S=1 and PID=0 start a frame; the VP8 payload header that follows
     * has P=0 on a keyframe (RFC 6386 section 9.1).
     * <pre>
     *  0 1 2 3 4 5 6 7
     * +-+-+-+-+-+-+-+-+
     * |X|R|N|S|R| PID | (REQUIRED)
     * +-+-+-+-+-+-+-+-+
     * |I|L|T|K| RSV   | (OPTIONAL, when X)
     * </pre>
     */
    static boolean isVp8Keyframe(byte[] b, int off, int len) {
        if (len < 1) {
            return false;
        }
        int first = b[off] & 0xFF;
        if ((first & 0x10) == 0 || (first & 0x07) != 0) {
            return false;
        }
        int i = off + 1;
        int end = off + len;
        if ((first & 0x80) != 0) {
            if (i >= end) {
                return false;
            }
            int x = b[i++] & 0xFF;
            if ((x & 0x80) != 0) {
                if (i >= end) {
                    return false;
                }
                i += (b[i] & 0x80) != 0 ? 2 : 1;
            }
            if ((x & 0x40) != 0) {
                i++;
            }
            if ((x & 0x30) != 0) {
                i++;
            }
        }
        return i < end && (b[i] & 0x01) == 0;
    }

    /**
     * RFC 6184 section 5.4: a single NAL unit of type 5 (IDR) or 7 (SPS), a STAP-A (24) whose
     * first aggregated units include one, or the start of an FU-A (28) of an IDR slice.
     */
    static boolean isH264Keyframe(byte[] b, int off, int len) {
        if (len < 1) {
            return false;
        }
        int type = b[off] & 0x1F;
        if (type == 5 || type == 7) {
            return true;
        }
        if (type == 24) {
            int i = off + 1;
            int end = off + len;
            while (i + 2 < end) {
                int size = Rtp.u16(b, i);
                int t = b[i + 2] & 0x1F;
                if (t == 5 || t == 7) {
                    return true;
                }
                i += 2 + size;
            }
            return false;
        }
        if (type == 28 && len >= 2) {
            return (b[off + 1] & 0x80) != 0 && (b[off + 1] & 0x1F) == 5;
        }
        return false;
    }
}
