package dev.sfu.bench.loadtest;

/**
 * A capped downlink in front of one synthetic subscriber ({@code --subscriber-kbps}): a link of
 * a fixed rate with a bounded FIFO queue before it, as {@code tc tbf rate R latency L} makes one
 * on a real interface. It is virtual: no thread and no buffer. Each datagram that reaches the
 * subscriber at {@code arrival} leaves the link at
 *
 * <pre>
 *   start     = max(arrival, previous departure)      (it waits behind the queue)
 *   departure = start + wire bytes * 8 / rate          (its own transmission time)
 * </pre>
 *
 * and is dropped instead when it would wait ({@code start - arrival}) longer than the queue
 * bound: tbf's {@code latency} is the same bound, expressed as the backlog a packet may find
 * ({@code limit = rate * latency} bytes). An empty link therefore always takes a packet, even
 * one whose own transmission is longer than the bound. What the receiver measures next
 * (statistics, jitter, transport-cc arrival times) takes the departure time as the arrival, so
 * a server that sends more than the link carries sees queueing delay, then loss, as it would
 * in a browser behind such a link.
 *
 * <p>Drops are the server's doing (it sent more than the link carries) and are counted apart
 * from the loss the tester's own queues might cause. Used by one thread, the subscriber
 * transport's serial thread; the counters are read by the run's thread. Allocates nothing.
 */
public final class DownlinkBottleneck {
    /** IPv4 (20) and UDP (8) headers, which a real link carries and {@code tc} counts. */
    public static final int IP_UDP_OVERHEAD = 28;
    /** Returned by {@link #admit} for a dropped datagram. */
    public static final long DROPPED = Long.MIN_VALUE;

    private final long bitsPerSecond;
    private final long maxQueueNanos;
    private long lastDeparture = Long.MIN_VALUE;
    private volatile long packets;
    private volatile long bytes;
    private volatile long drops;
    private volatile long dropBytes;
    private volatile long maxWaitNanos;

    /**
     * @param kbps    the link's rate, kbit/s (1000 bit/s), > 0
     * @param queueMs the longest a datagram may wait behind others before it is dropped
     */
    public DownlinkBottleneck(int kbps, double queueMs) {
        if (kbps <= 0 || !(queueMs >= 0)) {
            throw new IllegalArgumentException("rate " + kbps + " kbps, queue " + queueMs + " ms");
        }
        this.bitsPerSecond = kbps * 1000L;
        this.maxQueueNanos = (long) (queueMs * 1_000_000);
    }

    /**
     * One datagram of {@code wireBytes} (IP, UDP and SRTP included) reaching the link at
     * {@code arrivalNanos}; arrivals come in non-decreasing order.
     *
     * @return when it leaves the link (its arrival time at the subscriber), or {@link #DROPPED}
     */
    public long admit(int wireBytes, long arrivalNanos) {
        long start = lastDeparture == Long.MIN_VALUE ? arrivalNanos : Math.max(arrivalNanos, lastDeparture);
        long wait = start - arrivalNanos;
        if (wait > maxQueueNanos) {
            drops++;
            dropBytes += wireBytes;
            return DROPPED;
        }
        if (wait > maxWaitNanos) {
            maxWaitNanos = wait;
        }
        long departure = start + transmissionNanos(wireBytes);
        lastDeparture = departure;
        packets++;
        bytes += wireBytes;
        return departure;
    }

    /** The time the link takes to carry {@code wireBytes}. */
    public long transmissionNanos(int wireBytes) {
        return wireBytes * 8L * 1_000_000_000L / bitsPerSecond;
    }

    public long bitsPerSecond() {
        return bitsPerSecond;
    }

    public long maxQueueNanos() {
        return maxQueueNanos;
    }

    /** Datagrams that went through. */
    public long packets() {
        return packets;
    }

    /** Wire bytes that went through. */
    public long bytes() {
        return bytes;
    }

    /** Datagrams dropped because the queue was full (the server sent more than the link carries). */
    public long drops() {
        return drops;
    }

    public long dropBytes() {
        return dropBytes;
    }

    /** The longest wait in the queue of a datagram that went through. */
    public long maxWaitNanos() {
        return maxWaitNanos;
    }
}
