package dev.sfu.bench.loadtest;

import org.HdrHistogram.Histogram;

import java.util.List;

/**
 * Where the load tester itself delays packets, so that it never blames the server for its own
 * backlog: the send lag of its {@link SendScheduler}s (a due send started late), and the time
 * received datagrams wait in its own transports' ingress queues before they are decrypted and
 * measured (that wait is inside every latency figure). Read once per tick by the run's thread;
 * the measured window's totals are kept apart.
 */
final class TesterDelays {
    private final List<SyntheticParticipant> participants;
    private final SendScheduler[] schedulers;
    private final Histogram tickLag = new Histogram(SendScheduler.MAX_RECORDED_LAG_MICROS, 3);
    private final Histogram windowLag = new Histogram(SendScheduler.MAX_RECORDED_LAG_MICROS, 3);
    private long prevPackets;
    private long prevWaitNanos;
    private long windowPackets;
    private long windowWaitNanos;
    private long windowMaxNanos;

    /** One tick's readings, in milliseconds. */
    record Tick(double sendLagP99Ms, double receiveQueueMeanMs, double receiveQueueMaxMs) {
    }

    TesterDelays(List<SyntheticParticipant> participants, SendScheduler[] schedulers) {
        this.participants = participants;
        this.schedulers = schedulers;
    }

    /** Forgets what came before the measured window. */
    void startWindow() {
        tick(false);
        windowLag.reset();
        windowPackets = 0;
        windowWaitNanos = 0;
        windowMaxNanos = 0;
    }

    /** Reads what happened since the previous tick; adds it to the window when {@code inWindow}. */
    Tick tick(boolean inWindow) {
        tickLag.reset();
        for (SendScheduler s : schedulers) {
            tickLag.add(s.lagInterval());
        }
        long packets = 0;
        long wait = 0;
        long max = 0;
        for (SyntheticParticipant p : participants) {
            packets += p.receiveQueuePackets();
            wait += p.receiveQueueWaitNanos();
            max = Math.max(max, p.takeReceiveQueueMaxNanos());
        }
        long dp = packets - prevPackets;
        long dw = wait - prevWaitNanos;
        prevPackets = packets;
        prevWaitNanos = wait;
        if (inWindow) {
            windowLag.add(tickLag);
            windowPackets += dp;
            windowWaitNanos += dw;
            windowMaxNanos = Math.max(windowMaxNanos, max);
        }
        return new Tick(percentileMs(tickLag, 99), dp > 0 ? dw / 1e6 / dp : 0, max / 1e6);
    }

    double windowSendLagMs(double percentile) {
        return percentileMs(windowLag, percentile);
    }

    double windowReceiveQueueMeanMs() {
        return windowPackets > 0 ? windowWaitNanos / 1e6 / windowPackets : 0;
    }

    double windowReceiveQueueMaxMs() {
        return windowMaxNanos / 1e6;
    }

    private static double percentileMs(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
    }
}
