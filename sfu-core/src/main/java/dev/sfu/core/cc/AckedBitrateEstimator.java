package dev.sfu.core.cc;

/**
 * The bitrate the subscriber actually received: bytes of acknowledged packets whose arrival
 * times fall in the last {@link #WINDOW_NANOS} of the receiver's clock. Rate control decreases
 * to a fraction of this on overuse and does not increase far above it (draft-ietf-rmcat-gcc-02
 * section 5.5 measures the incoming rate R_hat over 0.5-1 s; libwebrtc's BitrateEstimator
 * uses kInitialRateWindowMs 500 for its first estimate and kRateWindowMs 150 after). 250 ms:
 * long enough to hold several 1200-byte packets at 300 kbit/s, short enough that a decrease
 * soon after the link changed does not scale a rate from before the change.
 *
 * <p>Bytes go into {@link #BUCKET_NANOS} buckets by arrival time, so packets reported late
 * (reordered feedback) land where they belong; the rate is the bytes of the buckets in the
 * window over the time from the window's start to the latest arrival, less half a packet (the
 * window ends on a packet and starts between two, so on average it holds half a packet too many).
 */
final class AckedBitrateEstimator {
    static final long WINDOW_NANOS = 250_000_000L;
    static final long BUCKET_NANOS = 5_000_000L;
    /** The first estimate needs at least this much arrival time. */
    static final long MIN_SPAN_NANOS = 100_000_000L;
    /** As libwebrtc's inter-arrival kArrivalTimeOffsetThreshold. */
    static final long CLOCK_JUMP_NANOS = 3_000_000_000L;
    private static final int WINDOW_BUCKETS = (int) (WINDOW_NANOS / BUCKET_NANOS);
    private static final int BUCKETS = 64;

    private final long[] bucketEpoch = new long[BUCKETS];
    private final long[] bucketBytes = new long[BUCKETS];
    private final int[] bucketPackets = new int[BUCKETS];
    private boolean started;
    private long firstArrival;
    private long latestArrival;

    AckedBitrateEstimator() {
        java.util.Arrays.fill(bucketEpoch, Long.MIN_VALUE);
    }

    /**
     * Adds one acknowledged packet; arrivals out of order are placed by their arrival time. An
     * arrival more than {@link #CLOCK_JUMP_NANOS} from the latest (the receiver's clock jumped,
     * or the stream paused) starts the measurement over.
     */
    void onPacket(long arrivalNanos, int size) {
        if (started && Math.abs(arrivalNanos - latestArrival) > CLOCK_JUMP_NANOS) {
            started = false;
            java.util.Arrays.fill(bucketEpoch, Long.MIN_VALUE);
        }
        if (!started) {
            started = true;
            firstArrival = arrivalNanos;
            latestArrival = arrivalNanos;
        }
        if (arrivalNanos > latestArrival) {
            latestArrival = arrivalNanos;
        }
        if (arrivalNanos < firstArrival) {
            firstArrival = arrivalNanos;
        }
        long epoch = Math.floorDiv(arrivalNanos, BUCKET_NANOS);
        if (epoch <= Math.floorDiv(latestArrival, BUCKET_NANOS) - WINDOW_BUCKETS) {
            return; // Too late to count.
        }
        int i = (int) Math.floorMod(epoch, BUCKETS);
        if (bucketEpoch[i] != epoch) {
            bucketEpoch[i] = epoch;
            bucketBytes[i] = 0;
            bucketPackets[i] = 0;
        }
        bucketBytes[i] += size;
        bucketPackets[i]++;
    }

    /** Received bits per second over the window, or -1 before enough arrivals. */
    long bitrateBps() {
        if (!started) {
            return -1;
        }
        long latestEpoch = Math.floorDiv(latestArrival, BUCKET_NANOS);
        long firstEpoch = latestEpoch - WINDOW_BUCKETS + 1;
        long windowStart = Math.max(firstEpoch * BUCKET_NANOS, firstArrival);
        long span = latestArrival - windowStart;
        if (span < MIN_SPAN_NANOS) {
            return -1;
        }
        long bytes = 0;
        long packets = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (bucketEpoch[i] >= firstEpoch && bucketEpoch[i] <= latestEpoch) {
                bytes += bucketBytes[i];
                packets += bucketPackets[i];
            }
        }
        // The window ends on a packet and starts anywhere between two: on average it holds half
        // a packet more than its length carries.
        double carried = bytes * (packets - 0.5) / packets;
        return (long) (carried * 8e9 / span);
    }
}
