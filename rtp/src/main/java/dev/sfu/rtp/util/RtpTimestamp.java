package dev.sfu.rtp.util;

/**
 * Arithmetic on 32-bit RTP timestamps (RFC 3550 section 5.1), held unsigned in a {@code long}
 * and wrapping from 2^32-1 to 0. {@code a} is newer than {@code b} when {@code a - b} modulo 2^32
 * is in 1..2^31-1; exactly half a cycle apart, the larger wins.
 */
public final class RtpTimestamp {
    /** Number of distinct timestamps. */
    public static final long MODULUS = 1L << 32;

    private RtpTimestamp() {
    }

    /** The signed distance {@code a - b} across the wrap, in -2^31..2^31-1. */
    public static long diff(long a, long b) {
        return (int) (a - b);
    }

    /** True if {@code a} comes after {@code b}. */
    public static boolean isNewer(long a, long b) {
        long d = (a - b) & 0xFFFF_FFFFL;
        if (d == 0x8000_0000L) {
            return (a & 0xFFFF_FFFFL) > (b & 0xFFFF_FFFFL);
        }
        return d != 0 && d < 0x8000_0000L;
    }

    /** Negative, zero or positive as {@code a} is older than, equal to or newer than {@code b}. */
    public static int compare(long a, long b) {
        if (((a - b) & 0xFFFF_FFFFL) == 0) {
            return 0;
        }
        return isNewer(a, b) ? 1 : -1;
    }

    /** {@code ts + delta} modulo 2^32; {@code delta} may be negative. */
    public static long add(long ts, long delta) {
        return (ts + delta) & 0xFFFF_FFFFL;
    }
}
