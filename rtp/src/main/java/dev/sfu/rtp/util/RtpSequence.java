package dev.sfu.rtp.util;

/**
 * Arithmetic on 16-bit RTP sequence numbers (RFC 3550 section 5.1), which wrap from 65535 to 0.
 * Two numbers are compared by their distance on the circle: {@code a} is newer than {@code b}
 * when {@code a - b} modulo 2^16 is in 1..32767; exactly half a cycle apart, the larger wins.
 */
public final class RtpSequence {
    /** Number of distinct sequence numbers. */
    public static final int MODULUS = 1 << 16;

    private RtpSequence() {
    }

    /** The signed distance {@code a - b} across the wrap, in -32768..32767. */
    public static int diff(int a, int b) {
        return (short) (a - b);
    }

    /** True if {@code a} comes after {@code b}. */
    public static boolean isNewer(int a, int b) {
        int d = (a - b) & 0xFFFF;
        if (d == 0x8000) {
            return (a & 0xFFFF) > (b & 0xFFFF);
        }
        return d != 0 && d < 0x8000;
    }

    /** Negative, zero or positive as {@code a} is older than, equal to or newer than {@code b}. */
    public static int compare(int a, int b) {
        if (((a - b) & 0xFFFF) == 0) {
            return 0;
        }
        return isNewer(a, b) ? 1 : -1;
    }

    /** {@code seq + delta} modulo 2^16; {@code delta} may be negative. */
    public static int add(int seq, int delta) {
        return (seq + delta) & 0xFFFF;
    }
}
