package dev.sfu.signaling.limit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One token bucket (bucket4j) per key: per client address, per room. A bucket that has refilled
 * completely holds no information, so when the map grows past its bound, full buckets are
 * removed; the map never holds more than {@link #MAX_KEYS} keys (beyond that, arbitrary ones go,
 * which only forgets some clients' recent history). Thread-safe.
 *
 * @param <K> the key type
 */
public final class KeyedBuckets<K> {
    /** The most keys kept. */
    static final int MAX_KEYS = 100_000;
    private static final int FIRST_SWEEP = 1024;

    private final long capacity;
    private final long tokens;
    private final Duration period;
    private final TimeMeter clock;
    private final Map<K, Bucket> buckets = new ConcurrentHashMap<>();
    private volatile int sweepAt = FIRST_SWEEP;

    /**
     * @param capacity the most tokens a bucket holds (the burst)
     * @param tokens   tokens added per period, spread evenly over it
     * @param period   the refill period
     * @param clock    bucket4j's clock ({@link TimeMeter#SYSTEM_NANOTIME}; tests pass their own)
     */
    public KeyedBuckets(long capacity, long tokens, Duration period, TimeMeter clock) {
        this.capacity = capacity;
        this.tokens = tokens;
        this.period = period;
        this.clock = clock;
    }

    /** A single bucket of this shape, for a per-connection limit. */
    static Bucket bucket(long capacity, long tokens, Duration period, TimeMeter clock) {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(capacity).refillGreedy(tokens, period))
                .withCustomTimePrecision(clock)
                .build();
    }

    /** Takes one token for {@code key}: 0 when taken, else the nanoseconds until one is there. */
    public long tryTake(K key) {
        Bucket b = buckets.get(key);
        if (b == null) {
            if (buckets.size() >= sweepAt) {
                sweep();
            }
            b = buckets.computeIfAbsent(key, k -> bucket(capacity, tokens, period, clock));
        }
        ConsumptionProbe p = b.tryConsumeAndReturnRemaining(1);
        return p.isConsumed() ? 0 : Math.max(1, p.getNanosToWaitForRefill());
    }

    /** Keys held now (tests, bounds). */
    public int size() {
        return buckets.size();
    }

    private synchronized void sweep() {
        buckets.values().removeIf(b -> b.getAvailableTokens() >= capacity);
        Iterator<K> it = buckets.keySet().iterator();
        while (buckets.size() >= MAX_KEYS && it.hasNext()) {
            it.next();
            it.remove();
        }
        sweepAt = Math.min(MAX_KEYS, Math.max(FIRST_SWEEP, buckets.size() * 2));
    }
}
