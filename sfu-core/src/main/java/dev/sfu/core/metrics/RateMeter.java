package dev.sfu.core.metrics;

import com.codahale.metrics.Metered;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Events per second at one-second resolution: a ring of {@value #SLOTS} per-second buckets.
 * {@link #lastSecond()} is the count of the last complete second (what "bits/s at 1 s
 * resolution" shows), {@link #rate(int)} the mean of the last N complete seconds.
 *
 * <p>Each bucket is one {@code long} holding the second it counts (high {@value #STAMP_BITS}
 * bits) and its count (low {@value #COUNT_BITS} bits):
 * <pre>
 *  63                  44 43                                        0
 * +----------------------+-------------------------------------------+
 * | second mod 2^20      | events counted in that second             |
 * +----------------------+-------------------------------------------+
 * </pre>
 * {@link #mark(long, long)} is one compare-and-set on that long: a bucket left over from an
 * older second is replaced, in the same CAS, by the new second and the new count. Marking is
 * lock-free and allocates nothing, so it can sit on the packet path; a reader of a complete
 * second never races with writers, which only touch the current second's bucket.
 *
 * <p>Seconds count from nanosecond 0 of the clock, so all meters on one clock share their
 * second boundaries and their last-second counts add up.
 *
 * <p>As a Dropwizard {@link Metered}, the one-minute rate is the mean of the last 60 complete
 * seconds; the ring holds 64 s, so the five- and fifteen-minute rates report that same one-minute
 * mean rather than invent a longer history.
 */
public final class RateMeter implements Metered {
    /** Buckets in the ring (a power of two). */
    public static final int SLOTS = 64;
    /** The longest window {@link #rate(int)} accepts: the ring less the current second. */
    public static final int MAX_WINDOW = SLOTS - 1;
    static final int COUNT_BITS = 44;
    static final int STAMP_BITS = 64 - COUNT_BITS;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    private static final long STAMP_MASK = (1L << STAMP_BITS) - 1;
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLongArray buckets = new AtomicLongArray(SLOTS);
    private final LongAdder total = new LongAdder();
    private final LongSupplier nanoClock;
    private final long createdNanos;

    /** A meter on {@link System#nanoTime()}. */
    public RateMeter() {
        this(System::nanoTime);
    }

    /** A meter on a monotonic nanosecond clock (tests pass a fake one). */
    public RateMeter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.createdNanos = nanoClock.getAsLong();
    }

    /** The second a clock reading falls in. */
    public static long second(long nanos) {
        return Math.floorDiv(nanos, SECOND);
    }

    public void mark() {
        mark(1, nanoClock.getAsLong());
    }

    public void mark(long n) {
        mark(n, nanoClock.getAsLong());
    }

    /**
     * Counts {@code n} events at {@code nowNanos}, a reading of this meter's clock the caller
     * already made (the packet path reads the clock once per packet).
     */
    public void mark(long n, long nowNanos) {
        long sec = second(nowNanos);
        int i = (int) (sec & (SLOTS - 1));
        long stamp = sec & STAMP_MASK;
        while (true) {
            long v = buckets.get(i);
            long next = (v >>> COUNT_BITS) == stamp ? v + n : (stamp << COUNT_BITS) | (n & COUNT_MASK);
            if (buckets.compareAndSet(i, v, next)) {
                break;
            }
        }
        total.add(n);
    }

    /** Events counted in second {@code sec}, or 0 when that bucket has been reused or never set. */
    public long countIn(long sec) {
        long v = buckets.get((int) (sec & (SLOTS - 1)));
        return (v >>> COUNT_BITS) == (sec & STAMP_MASK) ? v & COUNT_MASK : 0;
    }

    /** Events in the last complete second (the second before the current one). */
    public long lastSecond() {
        return countIn(second(nanoClock.getAsLong()) - 1);
    }

    /**
     * Mean events per second over the last {@code seconds} complete seconds.
     *
     * @param seconds 1 to {@link #MAX_WINDOW}
     */
    public double rate(int seconds) {
        return rate(seconds, nanoClock.getAsLong());
    }

    /** {@link #rate(int)} at a given clock reading. */
    public double rate(int seconds, long nowNanos) {
        if (seconds < 1 || seconds > MAX_WINDOW) {
            throw new IllegalArgumentException("window must be 1-" + MAX_WINDOW + " seconds, not " + seconds);
        }
        long current = second(nowNanos);
        long sum = 0;
        for (long s = current - seconds; s < current; s++) {
            sum += countIn(s);
        }
        return (double) sum / seconds;
    }

    @Override
    public long getCount() {
        return total.sum();
    }

    @Override
    public double getMeanRate() {
        long elapsed = nanoClock.getAsLong() - createdNanos;
        return elapsed <= 0 ? 0.0 : getCount() * (double) SECOND / elapsed;
    }

    @Override
    public double getOneMinuteRate() {
        return rate(60);
    }

    /** The one-minute mean: the ring holds 64 seconds. */
    @Override
    public double getFiveMinuteRate() {
        return rate(60);
    }

    /** The one-minute mean: the ring holds 64 seconds. */
    @Override
    public double getFifteenMinuteRate() {
        return rate(60);
    }
}
