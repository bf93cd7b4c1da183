package dev.sfu.core.cc;

import dev.sfu.rtp.rtcp.TransportCcFeedback;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A subscriber's downlink on a fake clock: a sender that paces 1200-byte media packets at
 * min(desired, target) and probe padding (255 bytes) when {@link SendSideBandwidthEstimator#pollProbe}
 * asks, stamping transport-wide sequence numbers (starting near the 16-bit wrap); a
 * {@link BottleneckLink}; and a receiver that every {@link #feedbackIntervalMillis} writes real
 * transport-cc feedback with {@link TransportCcFeedback#write} for what arrived, which reaches
 * the estimator {@link #reverseDelayMillis} later through {@link TransportCcFeedback#wrap}.
 * The receiver's clock has its own offset, as a browser's does. Feedback can be damaged on the
 * way (duplicated, reordered, mixed with reports of packets never sent) to test robustness.
 */
final class CongestionSimulation {
    static final long TICK_NANOS = 250_000L;
    static final int MEDIA_SIZE = 1200;
    static final int PADDING_SIZE = 255;
    private static final long RECEIVER_CLOCK_OFFSET_US = 987_654_321L;

    final SendSideBandwidthEstimator estimator;
    final BottleneckLink link;
    long feedbackIntervalMillis = 50;
    long reverseDelayMillis = 20;
    /** Every n-th feedback is delivered twice (0: never). */
    int duplicateEvery;
    /** Every n-th feedback is held back until after the next one (0: never). */
    int reorderEvery;
    /** Every n-th feedback is followed by one reporting sequence numbers never sent (0: never). */
    int garbageEvery;

    private long now;
    private long desired;
    private long nextSeq;
    private long nextMediaSend;
    private int probeCluster = -1;
    private long probeRate;
    private long probeRemaining;
    private long nextProbeSend;
    private long nextFeedback;
    private int feedbackCount;
    private final ArrayDeque<long[]> inFlight = new ArrayDeque<>();
    private final boolean[] arrived = new boolean[65536];
    private final long[] arrivalUs = new long[65536];
    private long firstUnreported;
    private long highestArrived = -1;
    private final List<Pending> feedbackQueue = new ArrayList<>();
    private final TransportCcFeedback view = new TransportCcFeedback();
    private long mediaBytes;
    private long paddingBytes;

    private record Pending(long deliverAt, byte[] bytes, int length) {
    }

    CongestionSimulation(CongestionControlConfig config, BottleneckLink link, long desiredBps, int firstSeq) {
        this.estimator = new SendSideBandwidthEstimator(config, 0);
        this.link = link;
        this.nextSeq = firstSeq;
        this.firstUnreported = firstSeq;
        setDesired(desiredBps);
    }

    void setDesired(long bps) {
        desired = bps;
        estimator.setDesiredBitrate(bps);
    }

    long nowNanos() {
        return now;
    }

    double nowSeconds() {
        return now / 1e9;
    }

    long mediaBytes() {
        return mediaBytes;
    }

    long paddingBytes() {
        return paddingBytes;
    }

    /** Runs the simulation for {@code millis} of fake time. */
    void run(long millis) {
        long end = now + millis * 1_000_000L;
        while (now < end) {
            tick();
            now += TICK_NANOS;
        }
    }

    private void tick() {
        deliverFeedback();
        if (probeCluster < 0) {
            int id = estimator.pollProbe(now);
            if (id >= 0) {
                probeCluster = id;
                probeRate = estimator.probeRateBps();
                probeRemaining = estimator.probeBytes();
                nextProbeSend = now;
            }
        }
        long rate = Math.min(desired, estimator.targetBitrateBps());
        if (nextMediaSend < now - 10_000_000L) {
            nextMediaSend = now; // No catching up after a pause: a pacer does not burst.
        }
        while (nextMediaSend <= now) {
            send(MEDIA_SIZE, -1);
            mediaBytes += MEDIA_SIZE;
            nextMediaSend += MEDIA_SIZE * 8_000_000_000L / rate;
        }
        while (probeCluster >= 0 && nextProbeSend <= now) {
            send(PADDING_SIZE, probeCluster);
            paddingBytes += PADDING_SIZE;
            probeRemaining -= PADDING_SIZE;
            nextProbeSend += PADDING_SIZE * 8_000_000_000L / probeRate;
            if (probeRemaining <= 0) {
                probeCluster = -1;
            }
        }
        receive();
        if (now >= nextFeedback) {
            writeFeedback();
            nextFeedback = now + feedbackIntervalMillis * 1_000_000L;
        }
    }

    private void send(int size, int cluster) {
        long seq = nextSeq++;
        estimator.onPacketSent((int) (seq & 0xFFFF), size, now, cluster);
        long arrival = link.send(now, size);
        if (arrival >= 0) {
            inFlight.addLast(new long[] {seq, arrival});
        }
    }

    private void receive() {
        while (!inFlight.isEmpty() && inFlight.peekFirst()[1] <= now) {
            long[] p = inFlight.removeFirst();
            int i = (int) (p[0] & 0xFFFF);
            arrived[i] = true;
            arrivalUs[i] = p[1] / 1000 + RECEIVER_CLOCK_OFFSET_US;
            highestArrived = Math.max(highestArrived, p[0]);
        }
    }

    private void writeFeedback() {
        if (highestArrived < firstUnreported) {
            return;
        }
        int count = (int) (highestArrived - firstUnreported + 1);
        boolean[] received = new boolean[count];
        long[] arrivals = new long[count];
        for (int k = 0; k < count; k++) {
            int i = (int) ((firstUnreported + k) & 0xFFFF);
            received[k] = arrived[i];
            arrivals[k] = arrivalUs[i];
            arrived[i] = false;
        }
        byte[] buf = new byte[TransportCcFeedback.maxLength(count)];
        int len = TransportCcFeedback.write(buf, 0, buf.length, 1, 2, (int) (firstUnreported & 0xFFFF),
                feedbackCount++ & 0xFF, received, arrivals, count);
        if (len < 0) {
            throw new IllegalStateException("feedback did not fit: " + count + " packets");
        }
        firstUnreported = highestArrived + 1;
        long deliverAt = now + reverseDelayMillis * 1_000_000L;
        if (reorderEvery > 0 && feedbackCount % reorderEvery == 0) {
            deliverAt += (feedbackIntervalMillis + 10) * 1_000_000L;
        }
        feedbackQueue.add(new Pending(deliverAt, buf, len));
        if (duplicateEvery > 0 && feedbackCount % duplicateEvery == 0) {
            feedbackQueue.add(new Pending(deliverAt + 1_000_000L, buf, len));
        }
        if (garbageEvery > 0 && feedbackCount % garbageEvery == 0) {
            addGarbage(deliverAt);
        }
    }

    /**
     * Feedback for sequence numbers far ahead of anything sent, with a reference time about 6
     * days off (just under half the 24-bit range).
     */
    private void addGarbage(long deliverAt) {
        int n = 20;
        boolean[] received = new boolean[n];
        long[] arrivals = new long[n];
        for (int k = 0; k < n; k++) {
            received[k] = k % 3 != 0;
            arrivals[k] = now / 1000 + RECEIVER_CLOCK_OFFSET_US + 0x7FFFF0L * 64_000L + k * 100L;
        }
        int base = (int) ((nextSeq + 20_000 + feedbackCount * 7L) & 0xFFFF);
        byte[] buf = new byte[TransportCcFeedback.maxLength(n)];
        int len = TransportCcFeedback.write(buf, 0, buf.length, 1, 2, base, 0, received, arrivals, n);
        feedbackQueue.add(new Pending(deliverAt, buf, len));
    }

    private void deliverFeedback() {
        for (int k = 0; k < feedbackQueue.size(); k++) {
            Pending p = feedbackQueue.get(k);
            if (p.deliverAt <= now) {
                feedbackQueue.remove(k--);
                if (!view.wrap(p.bytes, 0, p.length)) {
                    throw new IllegalStateException("feedback we wrote does not parse");
                }
                estimator.onFeedback(view, now);
            }
        }
    }
}
