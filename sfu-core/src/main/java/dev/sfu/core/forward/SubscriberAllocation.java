package dev.sfu.core.forward;

/**
 * One subscriber's bandwidth allocation as operators see it (allocated bitrate against the
 * estimate, paused videos by reason, layer switches per minute), and the little state the
 * allocation keeps between runs (since when an upgrade has been affordable, recent switches).
 * The room scheduler writes; any thread reads the published figures.
 */
public final class SubscriberAllocation {
    /** Switches are counted in buckets of this length, over the last minute. */
    private static final long BUCKET_NANOS = 5_000_000_000L;
    private static final int BUCKETS = 12;
    static final long NO_UPGRADE = Long.MIN_VALUE;

    private volatile long allocatedBps;
    private volatile long estimateBps = -1;
    private volatile long desiredBps;
    private volatile int pausedHidden;
    private volatile int pausedLastN;
    private volatile int pausedBandwidth;
    private volatile long switches;
    private final long[] bucketStart = new long[BUCKETS];
    private final int[] bucketCount = new int[BUCKETS];
    private volatile int switchesLastMinute;
    /** When the estimate began to cover an upgrade with margin; {@link #NO_UPGRADE} when it does not (scheduler). */
    long upgradeSince = NO_UPGRADE;
    /** Since when the estimate has not carried a video that is still on its lowest step; {@link #NO_UPGRADE} when it has (scheduler). */
    long pauseSince = NO_UPGRADE;

    SubscriberAllocation() {
        java.util.Arrays.fill(bucketStart, Long.MIN_VALUE);
    }

    /** The bitrate allocated to this subscriber now (audio and videos), bits/s, from measured layer rates. */
    public long allocatedBps() {
        return allocatedBps;
    }

    /** The downlink estimate the last allocation used, bits/s; -1 when unknown (no limit applied). */
    public long estimateBps() {
        return estimateBps;
    }

    /** What the subscriber would receive without a bandwidth limit (every video at its tile's layer), bits/s. */
    public long desiredBps() {
        return desiredBps;
    }

    /** Videos paused now because the subscriber cannot see their tile. */
    public int pausedHidden() {
        return pausedHidden;
    }

    /** Videos paused now because their publisher is not among the last N speakers. */
    public int pausedLastN() {
        return pausedLastN;
    }

    /** Videos paused now because even their lowest layer does not fit the downlink. */
    public int pausedBandwidth() {
        return pausedBandwidth;
    }

    /** Videos paused now, every reason. */
    public int pausedVideos() {
        return pausedHidden + pausedLastN + pausedBandwidth;
    }

    /**
     * Layer changes (spatial, temporal, pause, resume) the bandwidth allocation made for this
     * subscriber's videos, in total; a video placed afresh (new, shown again, tile resized) does
     * not count.
     */
    public long switches() {
        return switches;
    }

    /** Layer changes in the last minute (as of the last allocation). */
    public int switchesPerMinute() {
        return switchesLastMinute;
    }

    void publish(long allocated, long estimate, long desired, int hidden, int lastN, int bandwidth) {
        allocatedBps = allocated;
        estimateBps = estimate;
        desiredBps = desired;
        pausedHidden = hidden;
        pausedLastN = lastN;
        pausedBandwidth = bandwidth;
    }

    /** Counts {@code n} switches at {@code now} (scheduler thread). */
    void countSwitches(int n, long now) {
        if (n > 0) {
            long start = now - Math.floorMod(now, BUCKET_NANOS);
            int b = (int) Math.floorMod(now / BUCKET_NANOS, (long) BUCKETS);
            if (bucketStart[b] != start) {
                bucketStart[b] = start;
                bucketCount[b] = 0;
            }
            bucketCount[b] += n;
            switches += n;
        }
        int sum = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (bucketStart[i] != Long.MIN_VALUE && now - bucketStart[i] < BUCKETS * BUCKET_NANOS) {
                sum += bucketCount[i];
            }
        }
        switchesLastMinute = sum;
    }
}
