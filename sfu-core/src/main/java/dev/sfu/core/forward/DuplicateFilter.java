package dev.sfu.core.forward;

/**
 * Drops a packet whose sequence number its layer already received ({@link DropReason#DUPLICATE}):
 * after RTX decoding, a publisher's bandwidth probe (RTX copies of packets it just sent) and a
 * retransmission of a packet that was only late look exactly like the original. Forwarded, they
 * would cost the subscribers' bandwidth and reach them under a sequence number and SRTP index
 * already used, which their SRTP replay check discards unseen by their transport-wide feedback,
 * so the server's estimator would read them as lost (see {@link dev.sfu.rtp.util.SequenceWindow}).
 * One window per layer, restarted when the layer's SSRC changes.
 */
final class DuplicateFilter {
    private final StageCounters counters;

    DuplicateFilter(StageCounters counters) {
        this.counters = counters;
    }

    /** False when dropped (and counted). */
    boolean accept(IngressPacket p) {
        counters.in();
        SimulcastLayer l = p.layer;
        if (l.receivedSsrc != p.ssrc) {
            l.receivedSsrc = p.ssrc;
            l.received.reset();
        }
        if (!l.received.accept(p.sequence)) {
            return counters.drop(DropReason.DUPLICATE);
        }
        counters.out();
        return true;
    }
}
