package dev.sfu.core.cc;

import java.util.Random;

/**
 * A bottleneck like Linux {@code tc tbf}: a FIFO drained at {@code capacityBps}, whose queue
 * holds at most {@code queueMillis} worth of bytes at that rate (tbf's latency parameter) and
 * drops what does not fit, followed by a fixed propagation delay. Optionally also drops packets
 * at random before the queue, for loss that no queue explains. Time is whatever clock the
 * caller passes; nothing here sleeps.
 */
final class BottleneckLink {
    private final long propagationNanos;
    private final long queueNanos;
    private final Random random;
    private long capacityBps;
    private long queueLimitBytes;
    private double randomLoss;
    private long busyUntil;
    private long queueDrops;
    private long randomDrops;
    private long delivered;
    private long maxQueueNanos;

    BottleneckLink(long capacityBps, long queueMillis, long propagationMillis, long seed) {
        this.propagationNanos = propagationMillis * 1_000_000L;
        this.queueNanos = queueMillis * 1_000_000L;
        this.random = new Random(seed);
        setCapacity(capacityBps);
    }

    /** Changes the rate, as reconfiguring tbf would: the queue limit follows. */
    void setCapacity(long bps) {
        capacityBps = bps;
        queueLimitBytes = bps * queueNanos / 8_000_000_000L;
    }

    void setRandomLoss(double fraction) {
        randomLoss = fraction;
    }

    /** Offers a packet at {@code nowNanos}; returns when it reaches the far end, or -1 if dropped. */
    long send(long nowNanos, int size) {
        if (randomLoss > 0 && random.nextDouble() < randomLoss) {
            randomDrops++;
            return -1;
        }
        long backlogNanos = Math.max(0, busyUntil - nowNanos);
        long backlogBytes = backlogNanos * capacityBps / 8_000_000_000L;
        if (backlogBytes + size > queueLimitBytes) {
            queueDrops++;
            return -1;
        }
        maxQueueNanos = Math.max(maxQueueNanos, backlogNanos);
        long start = Math.max(nowNanos, busyUntil);
        busyUntil = start + size * 8_000_000_000L / capacityBps;
        delivered++;
        return busyUntil + propagationNanos;
    }

    long capacityBps() {
        return capacityBps;
    }

    long queueDrops() {
        return queueDrops;
    }

    long randomDrops() {
        return randomDrops;
    }

    long delivered() {
        return delivered;
    }

    long maxQueueMillis() {
        return maxQueueNanos / 1_000_000L;
    }
}
