package dev.sfu.core.cc;

/**
 * Groups packets into bursts and measures how the spacing of bursts changed between sender
 * and receiver (draft-ietf-rmcat-gcc-02 section 5.2, "arrival-time model"): packets sent within
 * {@link #GROUP_LENGTH_NANOS} of a group's first packet form one group, and so do packets that
 * arrive in a burst (less than {@link #BURST_DELTA_NANOS} apart, sooner than they were sent, as
 * when a queue ahead of them drains). For two consecutive groups, the inter-departure time is
 * the difference of their last send times and the inter-arrival time the difference of their
 * last arrival times; their difference is the delay gradient the trendline tracks.
 *
 * <p>Constants from libwebrtc modules/congestion_controller/goog_cc/delay_based_bwe.cc
 * (kSendTimeGroupLength 5 ms) and inter_arrival_delta.cc (kBurstDeltaThreshold 5 ms,
 * kMaxBurstDuration 100 ms, kArrivalTimeOffsetThreshold 3 s, kReorderedResetThreshold 3).
 */
final class InterArrival {
    /** Packets sent this close to a group's first packet belong to it (draft 5.2: 5 ms). */
    static final long GROUP_LENGTH_NANOS = 5_000_000L;
    /** Packets arriving this close together and sooner than sent are one burst. */
    static final long BURST_DELTA_NANOS = 5_000_000L;
    /** A burst is never longer than this. */
    static final long MAX_BURST_NANOS = 100_000_000L;
    /** The receiver's clock jumping this far from ours resets the groups. */
    static final long ARRIVAL_OFFSET_RESET_NANOS = 3_000_000_000L;
    /** This many consecutive groups arriving out of order reset the groups. */
    static final int REORDERED_RESET = 3;

    private boolean hasCurrent;
    private long curFirstSend;
    private long curLastSend;
    private long curFirstArrival;
    private long curLastArrival;
    private long curLastLocal;
    private long curSize;
    private boolean hasPrevious;
    private long prevLastSend;
    private long prevLastArrival;
    private long prevLastLocal;
    private long prevSize;
    private int reordered;
    private int resets;

    /** Inter-departure time of the last two complete groups, nanoseconds. */
    long sendDeltaNanos;
    /** Inter-arrival time of the last two complete groups, nanoseconds. */
    long arrivalDeltaNanos;
    /** Size difference of the last two complete groups, bytes. */
    long sizeDelta;

    /**
     * Adds one acknowledged packet, in the order feedback reports them.
     *
     * @param sendNanos    when we sent it (our clock)
     * @param arrivalNanos when it arrived (the receiver's clock)
     * @param localNanos   when we learnt of it (our clock; detects clock jumps)
     * @return true when a group was completed and the deltas fields hold its deltas
     */
    boolean onPacket(long sendNanos, long arrivalNanos, long localNanos, int size) {
        boolean computed = false;
        if (!hasCurrent) {
            startGroup(sendNanos, arrivalNanos);
        } else if (sendNanos < curFirstSend) {
            // Sent before the group in progress: reordered feedback, too late to use.
            return false;
        } else if (newGroup(sendNanos, arrivalNanos)) {
            if (hasPrevious) {
                long sendDelta = curLastSend - prevLastSend;
                long arrivalDelta = curLastArrival - prevLastArrival;
                long localDelta = curLastLocal - prevLastLocal;
                if (arrivalDelta - localDelta >= ARRIVAL_OFFSET_RESET_NANOS) {
                    reset();
                    startGroup(sendNanos, arrivalNanos);
                    add(arrivalNanos, localNanos, size);
                    return false;
                }
                if (arrivalDelta < 0) {
                    if (++reordered >= REORDERED_RESET) {
                        reset();
                        startGroup(sendNanos, arrivalNanos);
                        add(arrivalNanos, localNanos, size);
                        return false;
                    }
                } else {
                    reordered = 0;
                    sendDeltaNanos = sendDelta;
                    arrivalDeltaNanos = arrivalDelta;
                    sizeDelta = curSize - prevSize;
                    computed = true;
                }
            }
            hasPrevious = true;
            prevLastSend = curLastSend;
            prevLastArrival = curLastArrival;
            prevLastLocal = curLastLocal;
            prevSize = curSize;
            startGroup(sendNanos, arrivalNanos);
        } else {
            curLastSend = Math.max(curLastSend, sendNanos);
        }
        add(arrivalNanos, localNanos, size);
        return computed;
    }

    /** Times the groups were reset (clock jump or persistent reordering). */
    int resets() {
        return resets;
    }

    private void add(long arrivalNanos, long localNanos, int size) {
        curSize += size;
        curLastArrival = arrivalNanos;
        curLastLocal = localNanos;
    }

    private void startGroup(long sendNanos, long arrivalNanos) {
        hasCurrent = true;
        curFirstSend = sendNanos;
        curLastSend = sendNanos;
        curFirstArrival = arrivalNanos;
        curSize = 0;
    }

    private boolean newGroup(long sendNanos, long arrivalNanos) {
        if (belongsToBurst(sendNanos, arrivalNanos)) {
            return false;
        }
        return sendNanos - curFirstSend > GROUP_LENGTH_NANOS;
    }

    private boolean belongsToBurst(long sendNanos, long arrivalNanos) {
        long arrivalDelta = arrivalNanos - curLastArrival;
        long sendDelta = sendNanos - curLastSend;
        if (sendDelta == 0) {
            return true;
        }
        long propagationDelta = arrivalDelta - sendDelta;
        return propagationDelta < 0 && arrivalDelta <= BURST_DELTA_NANOS
                && arrivalNanos - curFirstArrival < MAX_BURST_NANOS;
    }

    private void reset() {
        resets++;
        hasCurrent = false;
        hasPrevious = false;
        reordered = 0;
    }
}
