package dev.sfu.core.cc;

/**
 * Rebuilds the subscriber's arrival times from transport-cc feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 section 3.1.5): each message carries a
 * reference time in 64 ms units, 24 bits wide, and each received packet a delta in 250 us units
 * from the previous received packet. Arrival times come out in microseconds on the receiver's
 * clock, continuous across messages and across the 24-bit wrap (every 2^24 x 64 ms, about 12
 * days); the estimator only ever uses their differences.
 */
final class ArrivalClock {
    private static final int REFERENCE_MASK = 0xFFFFFF;
    private static final int REFERENCE_HALF = 0x800000;

    private boolean started;
    private int lastReference;
    private long unwrappedReference;
    private long currentUs;
    private boolean savedStarted;
    private int savedReference;
    private long savedUnwrapped;

    /**
     * Starts a feedback message with its 24-bit reference time; a reference time a little older
     * than the previous one (reordered feedback) unwraps backwards.
     */
    void begin(int referenceTime) {
        int ref = referenceTime & REFERENCE_MASK;
        savedStarted = started;
        savedReference = lastReference;
        savedUnwrapped = unwrappedReference;
        if (!started) {
            started = true;
            unwrappedReference = ref;
        } else {
            int diff = (ref - lastReference) & REFERENCE_MASK;
            if (diff >= REFERENCE_HALF) {
                diff -= REFERENCE_MASK + 1;
            }
            unwrappedReference += diff;
        }
        lastReference = ref;
        currentUs = unwrappedReference * 64_000L;
    }

    /**
     * Forgets the last {@link #begin}: for a message that named no packet we sent, whose
     * reference time is not to be trusted to move the clock.
     */
    void undo() {
        started = savedStarted;
        lastReference = savedReference;
        unwrappedReference = savedUnwrapped;
    }

    /** Arrival time of the next received packet, given its delta in 250 us units. */
    long next(int delta) {
        currentUs += delta * 250L;
        return currentUs;
    }
}
