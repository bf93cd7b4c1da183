package dev.sfu.core.cc;

/**
 * The bitrate the subscriber actually received: bytes of acknowledged packets whose arrival
 * times fall in the last {@link #WINDOW_NANOS} of the receiver's clock. Rate control decreases
 * to a fraction of this on overuse and does not increase far above it (draft-ietf-rmcat-gcc-02
 * section 5.5 uses the incoming rate R_hat measured over 0.5-1 s; libwebrtc's
 * BitrateEstimator starts with kInitialRateWindowMs 500).
 *
 * <p>Keeps the packets of the window in a fixed ring; when more than {@link #CAPACITY} packets
 * arrive within the window the oldest fall out early and the rate is taken over the span the
 * ring still covers.
 */
final class AckedBitrateEstimator {
    static final long WINDOW_NANOS = 500_000_000L;
    /** The first estimate needs at least this much arrival time. */
    static final long MIN_SPAN_NANOS = 100_000_000L;
    static final int CAPACITY = 4096;

    private final long[] arrivals = new long[CAPACITY];
    private final int[] sizes = new int[CAPACITY];
    private int head;
    private int count;
    private long bytes;
    private long firstArrival = Long.MIN_VALUE;
    private long latestArrival = Long.MIN_VALUE;

    /** Adds one acknowledged packet; arrivals slightly out of order are tolerated. */
    void onPacket(long arrivalNanos, int size) {
        if (firstArrival == Long.MIN_VALUE) {
            firstArrival = arrivalNanos;
        }
        if (count == CAPACITY) {
            evictOldest();
        }
        int i = (head + count) % CAPACITY;
        arrivals[i] = arrivalNanos;
        sizes[i] = size;
        count++;
        bytes += size;
        if (arrivalNanos > latestArrival) {
            latestArrival = arrivalNanos;
        }
        while (count > 0 && arrivals[head] <= latestArrival - WINDOW_NANOS) {
            evictOldest();
        }
    }

    /** Received bits per second over the window, or -1 before enough arrivals. */
    long bitrateBps() {
        if (count == 0) {
            return -1;
        }
        long span = Math.min(WINDOW_NANOS, latestArrival - firstArrival);
        if (count == CAPACITY) {
            span = Math.max(latestArrival - arrivals[head], 1);
        }
        if (span < MIN_SPAN_NANOS) {
            return -1;
        }
        return bytes * 8L * 1_000_000_000L / span;
    }

    private void evictOldest() {
        bytes -= sizes[head];
        head = (head + 1) % CAPACITY;
        count--;
    }
}
