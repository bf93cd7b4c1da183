package dev.sfu.core.forward;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The one thread per server that drains every subscriber's pacer ({@link SubscriberEgress}):
 * every {@link #TICK_NANOS} it visits the egresses that have congestion control on (the others
 * never queue, so they are not registered) and lets each send what its budget allows, at most
 * {@link SubscriberEgress#MAX_PACKETS_PER_TICK} packets, and start or continue a probe.
 *
 * <p>An egress with nothing queued and no probe due returns after one uncontended lock and a
 * {@code pollProbe} call, so a tick over thousands of subscribers stays in the microseconds.
 * One thread is enough: the forwarding itself happens on the publishers' executors (the fast
 * path sends from there); this thread only spreads what a burst left over.
 *
 * <p>Tests do not start it: they call {@link #tick} after moving their fake clock.
 */
public final class PacerThread implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PacerThread.class);
    /**
     * Time between ticks. libwebrtc's pacer processes every 5 ms
     * ({@code PacingController::kMinSleepTime} is 1 ms, the classic process interval 5 ms).
     */
    public static final long TICK_NANOS = 5_000_000L;
    private static final SubscriberEgress[] NONE = new SubscriberEgress[0];

    private final LongSupplier clock;
    private volatile SubscriberEgress[] egresses = NONE;
    private volatile boolean running;
    private Thread thread;
    private long failures;

    public PacerThread(LongSupplier clock) {
        this.clock = clock;
    }

    synchronized void register(SubscriberEgress e) {
        for (SubscriberEgress x : egresses) {
            if (x == e) {
                return;
            }
        }
        egresses = CopyOnWrite.with(egresses, e);
    }

    synchronized void unregister(SubscriberEgress e) {
        egresses = CopyOnWrite.without(egresses, e);
    }

    /** Egresses visited on each tick (tests, metrics). */
    public int registered() {
        return egresses.length;
    }

    /** One pass over every registered egress at the clock's time (the thread's loop; tests). */
    public void tick() {
        long now = clock.getAsLong();
        for (SubscriberEgress e : egresses) {
            try {
                e.onTick(now);
            } catch (RuntimeException ex) {
                // One faulty egress must not stop the others' pacing this tick.
                if (failures++ % 1000 == 0) {
                    LOG.error("pacer tick failed ({} so far)", failures, ex);
                }
            }
        }
    }

    /** Starts the thread; idempotent. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "sfu-pacer");
        thread.setDaemon(true);
        thread.start();
    }

    public synchronized boolean isRunning() {
        return thread != null && thread.isAlive();
    }

    private void run() {
        long next = System.nanoTime();
        while (running) {
            tick();
            next += TICK_NANOS;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
            } else {
                next = System.nanoTime();
            }
        }
    }

    /** Stops the thread and waits for it (server shutdown, tests); idempotent. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
        }
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
