package dev.sfu.bench.loadtest;

import dev.sfu.rtp.util.Bytes;

/**
 * The 16 bytes the load tester appends to the end of every RTP payload it sends, so receivers
 * can measure one-way latency, loss and jitter without trusting anything the server rewrites
 * (SSRC, sequence number, timestamp).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    stream id (run-wide, >= 0)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               probe sequence (per stream, from 0)             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             send time, System.nanoTime() (64 bits)            |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The send time is this JVM's monotonic clock: senders and receivers run in the same process,
 * so the difference is the one-way latency through the server. A retransmission carries the
 * original trailer unchanged.
 */
public final class ProbeTrailer {
    /** Length of the trailer in bytes. */
    public static final int LENGTH = 16;

    private ProbeTrailer() {
    }

    /** Writes the trailer so that it ends at {@code end} (exclusive). */
    public static void write(byte[] b, int end, int streamId, int sequence, long sendNanos) {
        int at = end - LENGTH;
        Bytes.put32(b, at, streamId);
        Bytes.put32(b, at + 4, sequence);
        Bytes.put64(b, at + 8, sendNanos);
    }

    /** The stream id of the trailer ending at {@code end}. */
    public static int streamId(byte[] b, int end) {
        return Bytes.s32(b, end - LENGTH);
    }

    /** The probe sequence of the trailer ending at {@code end}. */
    public static int sequence(byte[] b, int end) {
        return Bytes.s32(b, end - LENGTH + 4);
    }

    /** The send time of the trailer ending at {@code end}. */
    public static long sendNanos(byte[] b, int end) {
        return Bytes.u64(b, end - LENGTH + 8);
    }
}
