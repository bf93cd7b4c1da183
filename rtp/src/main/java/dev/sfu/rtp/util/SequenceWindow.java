package dev.sfu.rtp.util;

/**
 * Which of the last {@link #SIZE} RTP sequence numbers of one stream were received: tells a
 * packet seen for the first time from a duplicate. A publisher sends duplicates on purpose:
 * libwebrtc probes its uplink with RTX copies of packets it sent moments before (payload
 * padding), and answers a NACK for a packet that was only late. Forwarded, a duplicate reaches
 * the subscriber under the same rewritten sequence number and SRTP index, and the subscriber's
 * SRTP replay check (RFC 3711 section 3.3.2) discards it before its transport-wide feedback sees
 * it: the server's estimator then counts a loss that never happened (seen in Chromium: bursts of
 * one frame's packets reported not received by every subscriber at once, while no datagram was
 * dropped).
 *
 * <p>A bitmap of {@link #SIZE} bits behind the highest sequence number. A jump of more than
 * {@code SIZE} either way starts the window again (a stream restart, or a packet too old to
 * matter), and that packet counts as new. Allocates nothing after construction; one owner
 * thread.
 */
public final class SequenceWindow {
    /** How many sequence numbers behind the highest are remembered (a multiple of 64). */
    public static final int SIZE = 1024;
    private static final int MASK = SIZE - 1;

    private final long[] bits = new long[SIZE / 64];
    private int highest = -1;

    /** True when {@code seq} (16 bits) was not received before within the window; records it. */
    public boolean accept(int seq) {
        seq &= 0xFFFF;
        if (highest < 0) {
            restart(seq);
            return true;
        }
        int delta = (short) (seq - highest);
        if (delta > 0) {
            if (delta >= SIZE) {
                restart(seq);
                return true;
            }
            for (int i = 1; i <= delta; i++) {
                clear((highest + i) & 0xFFFF);
            }
            highest = seq;
            set(seq);
            return true;
        }
        if (-delta >= SIZE) {
            restart(seq);
            return true;
        }
        if (isSet(seq)) {
            return false;
        }
        set(seq);
        return true;
    }

    /** Forgets everything (the stream's SSRC changed). */
    public void reset() {
        java.util.Arrays.fill(bits, 0);
        highest = -1;
    }

    private void restart(int seq) {
        java.util.Arrays.fill(bits, 0);
        highest = seq;
        set(seq);
    }

    private void set(int seq) {
        int i = seq & MASK;
        bits[i >>> 6] |= 1L << (i & 63);
    }

    private void clear(int seq) {
        int i = seq & MASK;
        bits[i >>> 6] &= ~(1L << (i & 63));
    }

    private boolean isSet(int seq) {
        int i = seq & MASK;
        return (bits[i >>> 6] & (1L << (i & 63))) != 0;
    }
}
