package dev.sfu.bench.loadtest;

import dev.sfu.core.forward.CopyOnWrite;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.srtp.SrtpSession;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.locks.LockSupport;

/**
 * One pacing thread for the streams of several participants (not a thread per stream): it
 * sleeps until the earliest stream is due, lets it send, and services retransmission requests
 * every {@link #TICK_NANOS}. One scratch buffer (with SRTP tail room) serves every packet this
 * thread builds, so steady-state sending allocates nothing.
 *
 * <p>Every due send records its lag (the time it actually started minus the time it was due)
 * in microseconds, so a run can tell whether the tester kept its own schedule. When the thread
 * falls behind by more than {@link #MAX_LAG_NANOS} (an overloaded machine), a stream skips
 * ahead instead of bursting to catch up; such skips are counted, as is the worst lag seen,
 * because they mean the load tester, not the server, limited the run. Lag never enters the
 * latency figures: each packet's {@link ProbeTrailer} is stamped when it is actually built and
 * encrypted for sending, not when it was due.
 */
public final class SendScheduler implements AutoCloseable {
    static final long TICK_NANOS = 2_000_000L;
    static final long MAX_LAG_NANOS = 200_000_000L;
    /** Lags above this (µs) are recorded as this. */
    public static final long MAX_RECORDED_LAG_MICROS = 60_000_000L;
    private static final OutboundStream[] NONE = new OutboundStream[0];

    private final Thread thread;
    private final byte[] scratch = new byte[RtpPacket.BUFFER_SIZE + SrtpSession.MAX_RTCP_TRAILER];
    private volatile OutboundStream[] streams = NONE;
    /** Called once per pass of this thread (at least every {@link #TICK_NANOS}), e.g. for receiver RTCP. */
    public interface Ticker {
        void tick(long now, byte[] scratch);
    }

    private static final Ticker[] NO_TICKERS = new Ticker[0];
    private volatile Ticker[] tickers = NO_TICKERS;
    private volatile boolean running = true;
    private volatile long maxLagNanos;
    private volatile long skips;
    private final Recorder lag = new Recorder(MAX_RECORDED_LAG_MICROS, 3);

    public SendScheduler(String name) {
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
        thread.start();
    }

    public synchronized void add(OutboundStream s) {
        streams = CopyOnWrite.with(streams, s);
        LockSupport.unpark(thread);
    }

    public synchronized void remove(OutboundStream s) {
        streams = CopyOnWrite.without(streams, s);
    }

    public synchronized void addTicker(Ticker t) {
        tickers = CopyOnWrite.with(tickers, t);
    }

    public synchronized void removeTicker(Ticker t) {
        tickers = CopyOnWrite.without(tickers, t);
    }

    /** Forgets the lag and skips seen so far (start of the measured window). */
    public void resetStats() {
        maxLagNanos = 0;
        skips = 0;
    }

    /** The lags (µs) recorded since the previous call; allocates, call about once per second. */
    public Histogram lagInterval() {
        return lag.getIntervalHistogram();
    }

    /** The worst time a stream was sent after it was due. */
    public long maxLagNanos() {
        return maxLagNanos;
    }

    /** Frames or packets skipped because this thread was more than {@link #MAX_LAG_NANOS} late. */
    public long skips() {
        return skips;
    }

    private void run() {
        // One pass per call: a method that never returns is only compiled by on-stack
        // replacement, after tens of thousands of iterations, and is interpreted until then.
        while (running) {
            long next = pass();
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    /** Serves every due stream and ticker once; returns when the next one is due. */
    private long pass() {
        long now = System.nanoTime();
        long next = now + TICK_NANOS;
        for (OutboundStream s : streams) {
            if (!s.sink.active()) {
                continue;
            }
            try {
                s.service(now, scratch);
                long due = s.nextDueNanos();
                if (due <= now) {
                    // A fresh clock: streams served earlier in this pass delayed this one.
                    long at = System.nanoTime();
                    long late = at - due;
                    if (late > maxLagNanos) {
                        maxLagNanos = late;
                    }
                    lag.recordValue(Math.min(MAX_RECORDED_LAG_MICROS, late / 1000));
                    if (late > MAX_LAG_NANOS) {
                        skips++;
                        s.nextDue = at;
                    }
                    s.onDue(at, scratch);
                }
                next = Math.min(next, s.nextDueNanos());
            } catch (RuntimeException e) {
                // A failing stream must not stop the others; its sink reports failures.
                s.nextDue = now + TICK_NANOS;
            }
        }
        for (Ticker t : tickers) {
            try {
                t.tick(now, scratch);
            } catch (RuntimeException e) {
                // A failing participant's feedback must not stop the others.
            }
        }
        return next;
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
