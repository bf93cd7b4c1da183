package dev.sfu.core.cc;

/**
 * Measures what a probe cluster found (draft-ietf-rmcat-gcc-02 leaves probing to the
 * implementation; this follows libwebrtc modules/congestion_controller/goog_cc/
 * probe_bitrate_estimator.cc). For each cluster it gathers, from feedback, the acknowledged
 * packets' first and last send and arrival times and sizes; once the cluster has finished
 * sending and most of it is acknowledged, the send rate (bytes sent but the last, over the send
 * span) and the receive rate (bytes received but the first, over the arrival span) give the
 * result: the smaller of the two, or 95 % of the receive rate when the link clearly could not
 * keep up (receive below 90 % of send).
 *
 * <p>Constants from libwebrtc: kMinReceivedProbesRatio 0.80, kMinReceivedBytesRatio 0.80,
 * kMaxValidRatio 2.0, kMinRatioForUnsaturatedLink 0.9, kTargetUtilizationFraction 0.95,
 * kMaxProbeInterval 1 s, kMaxClusterHistory 1 s. Up to {@link #SLOTS} clusters are tracked at
 * once.
 */
final class ProbeBitrateEstimator {
    static final double MIN_RECEIVED_RATIO = 0.80;
    static final double MAX_VALID_RATIO = 2.0;
    static final double UNSATURATED_RATIO = 0.9;
    static final double TARGET_UTILIZATION = 0.95;
    static final long MAX_INTERVAL_NANOS = 1_000_000_000L;
    static final long MAX_AGE_NANOS = 1_000_000_000L;
    /** A finished cluster is judged after this long even if some feedback never came. */
    static final long SETTLE_NANOS = 500_000_000L;
    static final int SLOTS = 4;
    /** A cluster judged by its tail needs at least this many of its tail's packets acknowledged. */
    static final int MIN_TAIL_PACKETS = 5;

    private final int[] ids = new int[SLOTS];
    private final long[] startNanos = new long[SLOTS];
    private final boolean[] sendDone = new boolean[SLOTS];
    private final boolean[] done = new boolean[SLOTS];
    private final int[] sentPackets = new int[SLOTS];
    private final long[] sentBytes = new long[SLOTS];
    private final int[] recvPackets = new int[SLOTS];
    private final int[] lostPackets = new int[SLOTS];
    private final long[] recvBytes = new long[SLOTS];
    private final long[] firstSend = new long[SLOTS];
    private final long[] lastSend = new long[SLOTS];
    private final int[] lastSendSize = new int[SLOTS];
    private final long[] firstRecv = new long[SLOTS];
    private final long[] lastRecv = new long[SLOTS];
    private final int[] firstRecvSize = new int[SLOTS];
    /** Send time from which a packet is in the cluster's tail, or Long.MAX_VALUE: judged whole. */
    private final long[] tailFrom = new long[SLOTS];
    private final int[] tailPackets = new int[SLOTS];
    private final long[] tailBytes = new long[SLOTS];
    private final long[] tailFirstRecv = new long[SLOTS];
    private final long[] tailLastRecv = new long[SLOTS];
    private final int[] tailFirstRecvSize = new int[SLOTS];

    /** Result of the last cluster judged: bit/s, or -1 when it failed. */
    private long resultBps = -1;
    /** Whether the last cluster judged arrived clearly slower than it was sent (the link was full). */
    private boolean saturated;
    /** Whether the last cluster judged was judged by its tail (a long probe over a known capacity). */
    private boolean byTail;
    /** Packets of the last cluster judged that feedback reported lost, and that it sent. */
    private int lost;
    private int sent;
    private int results;
    private int failures;

    ProbeBitrateEstimator() {
        java.util.Arrays.fill(ids, -1);
    }

    /** A new cluster starts, judged whole; it replaces whatever cluster its slot held. */
    void start(int id, long nowNanos) {
        start(id, nowNanos, -1);
    }

    /**
     * A new cluster starts; it replaces whatever cluster its slot held.
     *
     * @param tailFromNanos when not negative, the cluster is judged by the receive rate of the
     *                      packets sent at least this long after its start (its tail): what a
     *                      bottleneck let through once its token bucket was overdrawn
     */
    void start(int id, long nowNanos, long tailFromNanos) {
        int s = slot(id);
        tailFrom[s] = tailFromNanos < 0 ? Long.MAX_VALUE : nowNanos + tailFromNanos;
        tailPackets[s] = 0;
        tailBytes[s] = 0;
        ids[s] = id;
        startNanos[s] = nowNanos;
        sendDone[s] = false;
        done[s] = false;
        sentPackets[s] = 0;
        sentBytes[s] = 0;
        recvPackets[s] = 0;
        lostPackets[s] = 0;
        recvBytes[s] = 0;
    }

    /** A packet of the cluster (probe padding, or media sent while it ran) went out. */
    void onSent(int id, int size) {
        int s = slot(id);
        if (ids[s] == id && !done[s]) {
            sentPackets[s]++;
            sentBytes[s] += size;
        }
    }

    /** The cluster has sent all it was asked to. */
    void onSendDone(int id) {
        int s = slot(id);
        if (ids[s] == id) {
            sendDone[s] = true;
        }
    }

    /** Feedback said a packet of the cluster arrived. */
    void onReceived(int id, long sendNanos, long arrivalNanos, int size) {
        int s = slot(id);
        if (ids[s] != id || done[s]) {
            return;
        }
        if (recvPackets[s] == 0 || sendNanos < firstSend[s]) {
            firstSend[s] = sendNanos;
        }
        if (recvPackets[s] == 0 || sendNanos >= lastSend[s]) {
            lastSend[s] = sendNanos;
            lastSendSize[s] = size;
        }
        if (recvPackets[s] == 0 || arrivalNanos < firstRecv[s]) {
            firstRecv[s] = arrivalNanos;
            firstRecvSize[s] = size;
        }
        if (recvPackets[s] == 0 || arrivalNanos > lastRecv[s]) {
            lastRecv[s] = arrivalNanos;
        }
        recvPackets[s]++;
        recvBytes[s] += size;
        if (sendNanos >= tailFrom[s]) {
            if (tailPackets[s] == 0 || arrivalNanos < tailFirstRecv[s]) {
                tailFirstRecv[s] = arrivalNanos;
                tailFirstRecvSize[s] = size;
            }
            if (tailPackets[s] == 0 || arrivalNanos > tailLastRecv[s]) {
                tailLastRecv[s] = arrivalNanos;
            }
            tailPackets[s]++;
            tailBytes[s] += size;
        }
    }

    /** Feedback said a packet of the cluster was lost. */
    void onLost(int id) {
        int s = slot(id);
        if (ids[s] == id && !done[s]) {
            lostPackets[s]++;
        }
    }

    /**
     * Judges every cluster that is ready; returns the id of the last one judged, or -1. Its
     * result is {@link #resultBps()}.
     */
    int evaluate(long nowNanos) {
        int judged = -1;
        for (int s = 0; s < SLOTS; s++) {
            if (ids[s] < 0 || done[s]) {
                continue;
            }
            long age = nowNanos - startNanos[s];
            boolean enough = recvPackets[s] >= MIN_RECEIVED_RATIO * sentPackets[s]
                    && recvBytes[s] >= MIN_RECEIVED_RATIO * sentBytes[s] && recvPackets[s] >= 2;
            boolean settled = recvPackets[s] + lostPackets[s] >= sentPackets[s] || age >= SETTLE_NANOS;
            if (sendDone[s] && enough && settled) {
                done[s] = true;
                judged = ids[s];
                lost = lostPackets[s];
                sent = sentPackets[s];
                resultBps = rate(s);
                if (resultBps < 0) {
                    failures++;
                } else {
                    results++;
                }
            } else if (age >= MAX_AGE_NANOS || (sendDone[s] && settled && !enough
                    && recvPackets[s] + lostPackets[s] >= sentPackets[s])) {
                done[s] = true;
                judged = ids[s];
                lost = lostPackets[s];
                sent = sentPackets[s];
                resultBps = -1;
                failures++;
            }
        }
        return judged;
    }

    /** Result of the cluster {@link #evaluate} last judged: bit/s, or -1 when it failed. */
    long resultBps() {
        return resultBps;
    }

    /**
     * {@link #resultBps()}, but for a cluster judged whole at most {@code capacityBps}, the link
     * capacity already found (when known, else not bounded). A short probe's burst passes a
     * shaper's token bucket at whatever rate it was sent, so above a known capacity it measures
     * the bucket, not the link; probes over a known capacity are long and judged by their tail
     * for that reason ({@link ProbeController#LONG_DURATION_NANOS}). Seen behind an 800 kbit/s
     * tbf with 10 KB of burst: after a loss cut the estimate to 340 kbit/s, a short probe of five
     * padding packets "found" 2 Mbit/s over a capacity of 720 kbit/s; the allocation took
     * 1.5 Mbit/s and the queue overflowed (32 of 43 packets lost).
     */
    long resultBps(long capacityBps) {
        return !byTail && capacityBps > 0 && resultBps > capacityBps ? capacityBps : resultBps;
    }


    /**
     * Whether the cluster {@link #evaluate} last judged arrived clearly slower than it was sent:
     * its result is what the link carried. Otherwise the result is at most the rate it was sent
     * at, which says only that the link carries at least that much.
     */
    boolean saturated() {
        return saturated;
    }

    /**
     * Packets of the cluster {@link #evaluate} last judged (its padding, and media sent while it
     * was sending) that feedback reported lost.
     */
    int lost() {
        return lost;
    }

    /** Packets of the cluster {@link #evaluate} last judged, its padding and the media sent meanwhile. */
    int sent() {
        return sent;
    }

    /** Whether the cluster {@link #evaluate} last judged was judged by its tail (a long probe). */
    boolean judgedByTail() {
        return byTail;
    }

    /** Clusters judged with a result. */
    int results() {
        return results;
    }

    /** Clusters judged without one (too few acknowledged, implausible rates, too old). */
    int failures() {
        return failures;
    }

    private long rate(int s) {
        long sendInterval = lastSend[s] - firstSend[s];
        long recvInterval = lastRecv[s] - firstRecv[s];
        if (sendInterval <= 0 || sendInterval > MAX_INTERVAL_NANOS
                || recvInterval <= 0 || recvInterval > MAX_INTERVAL_NANOS) {
            return -1;
        }
        double sendBps = (recvBytes[s] - lastSendSize[s]) * 8e9 / sendInterval;
        double recvBps = (recvBytes[s] - firstRecvSize[s]) * 8e9 / recvInterval;
        if (tailFrom[s] != Long.MAX_VALUE) {
            // Judged by its tail: what arrived once a token bucket in the path was overdrawn.
            long tailInterval = tailLastRecv[s] - tailFirstRecv[s];
            if (tailPackets[s] < MIN_TAIL_PACKETS || tailInterval <= 0) {
                return -1;
            }
            recvBps = (tailBytes[s] - tailFirstRecvSize[s]) * 8e9 / tailInterval;
        }
        saturated = false;
        byTail = tailFrom[s] != Long.MAX_VALUE;
        if (recvBps > MAX_VALID_RATIO * sendBps) {
            return -1;
        }
        saturated = recvBps < UNSATURATED_RATIO * sendBps;
        if (saturated) {
            return (long) (TARGET_UTILIZATION * recvBps);
        }
        return (long) Math.min(sendBps, recvBps);
    }

    private static int slot(int id) {
        return Math.floorMod(id, SLOTS);
    }
}
