package dev.sfu.core.cc;

import dev.sfu.rtp.rtcp.TransportCcFeedback;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The browser bottleneck test's call on a fake clock, for the estimator: what one subscriber
 * receives in a 3-person call (two remote videos of three simulcast layers, two audio streams)
 * through a {@code tc tbf}-like link with a token bucket of {@link #TBF_BURST_BYTES} and
 * {@link #TBF_QUEUE_MILLIS} of queue, as {@code BrowserBandwidthLimitTest} sets it up.
 *
 * <p>The real {@link SendSideBandwidthEstimator} runs on the real transport-cc feedback format;
 * the allocation and the pacer are models of {@code BandwidthAllocator} and
 * {@code SubscriberEgress}: layers chosen per estimate with audio reserved, downgrades at once,
 * upgrades after the estimate covered the step with 10 % margin for 2.5 s, a video paused when
 * not even its smallest step fits (after 1 s); frames at the layer's rate, key frames 8 times a
 * delta frame on every spatial switch and resume; the pacer a token bucket at 2.5 times the
 * estimate (never slower than draining its queue in 250 ms), ticking every 5 ms, audio unpaced.
 */
final class FramedDownlinkSimulation {
    static final long TICK_NANOS = 250_000L;
    static final int TBF_BURST_BYTES = 10 * 1024;
    static final long TBF_QUEUE_MILLIS = 200;
    static final long PACER_TICK_NANOS = 5_000_000L;
    static final long FEEDBACK_NANOS = 50_000_000L;
    static final int MTU = 1200;
    static final long AUDIO_BPS = 40_000;
    /** Per video: q at 7.5, 15, 30 fps, then h and f at 30 fps; bits/s. */
    static final long[] STEP_BPS = {40_000, 75_000, 150_000, 500_000, 1_500_000};
    static final int[] STEP_FPS = {8, 15, 30, 30, 30};
    static final int[] STEP_SPATIAL = {0, 0, 0, 1, 2};
    static final long UPGRADE_HOLD_NANOS = 2_500_000_000L;
    static final long PAUSE_HOLD_NANOS = 1_000_000_000L;
    private static final long RECEIVER_CLOCK_OFFSET_US = 123_456_789L;

    final SendSideBandwidthEstimator estimator;
    private final TokenBucketLink link;
    private long now;
    private long nextSeq = 1;
    private final Video[] videos = {new Video(0), new Video(16_000_000L)};
    private long nextAudio;
    private long nextPacerTick;
    private double budget;
    private final ArrayDeque<Integer> pacerQueue = new ArrayDeque<>();
    private long pacerQueueBytes;
    private int probeCluster = -1;
    private long probeRemaining;
    private double probeCredit;
    private long nextFeedback = FEEDBACK_NANOS;
    private final ArrayDeque<long[]> inFlight = new ArrayDeque<>();
    private final List<long[]> arrivedSinceFeedback = new ArrayList<>();
    private long firstUnreported = 1;
    private int feedbackCount;
    private final TransportCcFeedback view = new TransportCcFeedback();
    private long upgradeCoveredSince = -1;
    int switches;
    // Statistics
    long pausedNanos;
    long delivered;
    long lost;

    /** One remote video as the subscriber receives it. */
    final class Video {
        final long phase;
        int step = 2;
        boolean paused;
        long pauseCandidateSince = -1;
        long nextFrame;
        boolean keyframeDue = true;
        int framesSent;
        int framesDelivered;
        long lastDeliveredFrameAt = -1;
        long frozenNanos;
        /** Sequence range of the frame being delivered: a frame counts once all its packets arrived. */
        final ArrayDeque<long[]> frames = new ArrayDeque<>();

        Video(long phase) {
            this.phase = phase;
            this.nextFrame = phase;
        }
    }

    FramedDownlinkSimulation(long initialBps, long capacityBps) {
        this(initialBps, capacityBps, TBF_BURST_BYTES);
    }

    FramedDownlinkSimulation(long initialBps, long capacityBps, int burstBytes) {
        CongestionControlConfig config = CongestionControlConfig.defaults().withBitrates(initialBps, 100_000, 20_000_000);
        this.estimator = new SendSideBandwidthEstimator(config, 0);
        this.link = new TokenBucketLink(capacityBps, burstBytes, TBF_QUEUE_MILLIS);
        estimator.setDesiredBitrate(2 * AUDIO_BPS + 2 * STEP_BPS[4]);
    }

    void setCapacity(long bps) {
        link.setCapacity(bps);
    }

    Video video(int i) {
        return videos[i];
    }

    long queueDrops() {
        return link.drops;
    }

    void run(long millis) {
        long end = now + millis * 1_000_000L;
        while (now < end) {
            tick();
            now += TICK_NANOS;
        }
    }

    private void tick() {
        if (now >= nextFeedback) {
            writeFeedbackAndAllocate();
            nextFeedback += FEEDBACK_NANOS;
        }
        if (now >= nextAudio) {
            for (int i = 0; i < 2; i++) {
                transmit(100, -1, null);
            }
            nextAudio += 20_000_000L;
        }
        for (Video v : videos) {
            if (now >= v.nextFrame) {
                produceFrame(v);
            }
        }
        if (now >= nextPacerTick) {
            pacerTick();
            nextPacerTick += PACER_TICK_NANOS;
        }
        receive();
        for (Video v : videos) {
            if (v.paused) {
                pausedNanos += TICK_NANOS;
            }
            if (v.lastDeliveredFrameAt >= 0 && now - v.lastDeliveredFrameAt > 200_000_000L) {
                v.frozenNanos += TICK_NANOS;
            }
        }
    }

    private void produceFrame(Video v) {
        int fps = STEP_FPS[v.step];
        v.nextFrame += 1_000_000_000L / fps;
        if (v.paused) {
            return;
        }
        int size = (int) (STEP_BPS[v.step] / 8 / fps);
        if (v.keyframeDue) {
            size *= 8;
            v.keyframeDue = false;
        }
        long first = -1;
        int packets = (size + MTU - 1) / MTU;
        for (int i = 0; i < packets; i++) {
            int len = Math.min(MTU, size - i * MTU);
            long s = enqueueOrSend(len);
            if (first < 0) {
                first = s;
            }
        }
        v.framesSent++;
        v.frames.addLast(new long[] {first, packets});
    }

    /** A video packet: sent now when the pacer's queue is empty and budget remains, else queued. Returns its id. */
    private long enqueueOrSend(int len) {
        refill();
        long id = nextPacketId++;
        if (pacerQueue.isEmpty() && budget > 0) {
            budget -= len;
            transmit(len, -1, id);
        } else {
            pacerQueue.addLast(len);
            pendingIds.addLast(id);
            pacerQueueBytes += len;
        }
        return id;
    }

    private long nextPacketId;
    private final ArrayDeque<Long> pendingIds = new ArrayDeque<>();
    private long lastRefill;
    private final java.util.HashMap<Long, Long> idToSeq = new java.util.HashMap<>();
    private final java.util.HashSet<Long> arrivedSeqs = new java.util.HashSet<>();

    private double pacingBytesPerNano() {
        double paced = estimator.targetBitrateBps() * 2.5;
        double drain = pacerQueueBytes * 8.0 * 1e9 / 250_000_000L;
        return Math.max(paced, drain) / 8 / 1e9;
    }

    private void refill() {
        double rate = pacingBytesPerNano();
        double burst = Math.max(rate * 5_000_000L, MTU);
        long elapsed = now - lastRefill;
        lastRefill = now;
        budget += rate * Math.min(elapsed, 50_000_000L);
        double cap = pacerQueue.isEmpty() ? burst : burst + rate * 50_000_000L;
        budget = Math.min(budget, cap);
    }

    private void pacerTick() {
        refill();
        while (budget > 0 && !pacerQueue.isEmpty()) {
            int len = pacerQueue.removeFirst();
            pacerQueueBytes -= len;
            budget -= len;
            transmit(len, -1, pendingIds.removeFirst());
        }
        if (probeCluster < 0) {
            int id = estimator.pollProbe(now);
            if (id >= 0) {
                probeCluster = id;
                probeRemaining = estimator.probeBytes();
                probeCredit = 1;
            }
        } else {
            probeCredit += estimator.probeRateBps() / 8.0 * PACER_TICK_NANOS / 1e9;
        }
        if (probeCluster >= 0) {
            // The probe's bytes at its rate, the first at once, as SubscriberEgress sends them
            // (whole packets per tick would send a 460 kbit/s probe at 820 kbit/s).
            while (probeCredit > 0 && probeRemaining > 0) {
                transmit(255, probeCluster, null);
                probeCredit -= 255;
                probeRemaining -= 255;
            }
            if (probeRemaining <= 0) {
                probeCluster = -1;
            }
        }
    }

    private void transmit(int size, int cluster, Long id) {
        long seq = nextSeq++;
        estimator.onPacketSent((int) (seq & 0xFFFF), size, now, cluster);
        if (id != null) {
            idToSeq.put(id, seq);
        }
        long arrival = link.send(now, size + 28);
        if (arrival >= 0) {
            inFlight.addLast(new long[] {seq, arrival + 500_000L});
            delivered++;
        } else {
            lost++;
        }
    }

    private void receive() {
        while (!inFlight.isEmpty() && inFlight.peekFirst()[1] <= now) {
            long[] p = inFlight.removeFirst();
            arrivedSinceFeedback.add(p);
            arrivedSeqs.add(p[0]);
        }
        for (Video v : videos) {
            while (!v.frames.isEmpty()) {
                long[] f = v.frames.peekFirst();
                boolean complete = true;
                boolean gone = false;
                for (long id = f[0]; id < f[0] + f[1]; id++) {
                    Long seq = idToSeq.get(id);
                    if (seq == null || !arrivedSeqs.contains(seq)) {
                        complete = false;
                        // Sent but not arrived, and everything after it arrived: lost.
                        if (seq != null && seq < nextSeq - 200) {
                            gone = true;
                        }
                    }
                }
                if (complete) {
                    v.framesDelivered++;
                    v.lastDeliveredFrameAt = now;
                    v.frames.removeFirst();
                } else if (gone) {
                    v.frames.removeFirst();
                } else {
                    break;
                }
            }
        }
    }

    private void writeFeedbackAndAllocate() {
        if (!arrivedSinceFeedback.isEmpty()) {
            long highest = firstUnreported - 1;
            for (long[] p : arrivedSinceFeedback) {
                highest = Math.max(highest, p[0]);
            }
            if (highest >= firstUnreported) {
                int count = (int) (highest - firstUnreported + 1);
                boolean[] received = new boolean[count];
                long[] arrivals = new long[count];
                for (long[] p : arrivedSinceFeedback) {
                    int k = (int) (p[0] - firstUnreported);
                    if (k >= 0 && k < count) {
                        received[k] = true;
                        arrivals[k] = p[1] / 1000 + RECEIVER_CLOCK_OFFSET_US;
                    }
                }
                byte[] buf = new byte[TransportCcFeedback.maxLength(count)];
                int len = TransportCcFeedback.write(buf, 0, buf.length, 1, 2, (int) (firstUnreported & 0xFFFF),
                        feedbackCount++ & 0xFF, received, arrivals, count);
                view.wrap(buf, 0, len);
                estimator.onFeedback(view, now + 1_000_000L);
                firstUnreported = highest + 1;
            }
            arrivedSinceFeedback.clear();
        }
        allocate();
    }

    /** The allocation model: audio reserved, steps round robin, hysteresis on upgrades, pause hold. */
    private void allocate() {
        long target = estimator.targetBitrateBps();
        long budgetBps = target - 2 * AUDIO_BPS;
        // What fits now, stepping the videos round robin.
        int[] fit = fitSteps(budgetBps);
        int[] withMargin = fitSteps((long) (target / 1.1) - 2 * AUDIO_BPS);
        for (int i = 0; i < videos.length; i++) {
            Video v = videos[i];
            int current = v.paused ? -1 : v.step;
            int want;
            if (fit[i] < current) {
                want = fit[i]; // downgrade at once
            } else if (withMargin[i] > current) {
                if (upgradeCoveredSince < 0) {
                    upgradeCoveredSince = now;
                }
                want = now - upgradeCoveredSince >= UPGRADE_HOLD_NANOS ? current + 1 : current;
            } else {
                want = current;
            }
            if (want < 0) {
                if (!v.paused) {
                    if (v.pauseCandidateSince < 0) {
                        v.pauseCandidateSince = now;
                    }
                    if (now - v.pauseCandidateSince >= PAUSE_HOLD_NANOS) {
                        v.paused = true;
                    }
                }
                continue;
            }
            v.pauseCandidateSince = -1;
            if (v.paused) {
                v.paused = false;
                v.keyframeDue = true;
                v.step = want;
                upgradeCoveredSince = -1;
            } else if (want != v.step) {
                switches++;
                if (STEP_SPATIAL[want] != STEP_SPATIAL[v.step]) {
                    v.keyframeDue = true;
                }
                if (want > v.step) {
                    upgradeCoveredSince = -1;
                }
                v.step = want;
            }
        }
        if (withMargin[0] <= (videos[0].paused ? -1 : videos[0].step)
                && withMargin[1] <= (videos[1].paused ? -1 : videos[1].step)) {
            upgradeCoveredSince = -1;
        }
        long desired = 2 * AUDIO_BPS + 2 * STEP_BPS[4];
        estimator.setDesiredBitrate(desired);
    }

    private static int[] fitSteps(long budgetBps) {
        int[] steps = {-1, -1};
        long used = 0;
        boolean moved = true;
        while (moved) {
            moved = false;
            for (int i = 0; i < 2; i++) {
                int next = steps[i] + 1;
                if (next >= STEP_BPS.length) {
                    continue;
                }
                long delta = STEP_BPS[next] - (steps[i] < 0 ? 0 : STEP_BPS[steps[i]]);
                if (used + delta <= budgetBps) {
                    used += delta;
                    steps[i] = next;
                    moved = true;
                }
            }
        }
        return steps;
    }

    /** tc tbf: a token bucket of {@code burst} bytes at the rate, a FIFO behind it holding {@code queueMillis}. */
    static final class TokenBucketLink {
        private long rateBps;
        private final int burstBytes;
        private final long queueMillis;
        private double tokens;
        private long tokensAt;
        private long lastDeparture;
        long drops;
        long maxQueueNanos;

        TokenBucketLink(long rateBps, int burstBytes, long queueMillis) {
            this.rateBps = rateBps;
            this.burstBytes = burstBytes;
            this.queueMillis = queueMillis;
            this.tokens = burstBytes;
        }

        void setCapacity(long bps) {
            rateBps = bps;
        }

        /** When the packet leaves the bottleneck, or -1 when the queue is full. */
        long send(long now, int size) {
            long start = Math.max(now, lastDeparture);
            double t = Math.min(burstBytes, tokens + (start - tokensAt) * (rateBps / 8e9));
            long departure;
            double left;
            if (t >= size) {
                departure = start;
                left = t - size;
            } else {
                departure = start + (long) ((size - t) * 8e9 / rateBps);
                left = 0;
            }
            if (departure - now > queueMillis * 1_000_000L) {
                drops++;
                return -1;
            }
            maxQueueNanos = Math.max(maxQueueNanos, departure - now);
            tokens = left;
            tokensAt = departure;
            lastDeparture = departure;
            return departure;
        }
    }
}
